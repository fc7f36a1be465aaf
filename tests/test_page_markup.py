"""What HTML checkers and search engines read in every page's markup (issue #22): the
language alternates are absolute addresses (search engines ignore relative hreflang
links), and no form submits to an empty action (an HTML error)."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/partnerskap/?country=KE", "/en/projects/", "/kommuner/borlange/", "/lander/ke/"]


@pytest.mark.parametrize("path", PAGES)
def test_language_alternates_are_absolute(client, seeded, path):
    html = client.get(path).content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html)
    assert {code for code, _ in alternates} == {"sv", "en"}
    assert all(href.startswith("http://testserver/") for _, href in alternates), alternates


@pytest.mark.parametrize("path", ["/partnerskap/", "/projekt/", "/en/municipalities/"])
def test_no_form_has_an_empty_action(client, seeded, path):
    html = client.get(path).content.decode()
    assert "<form" in html and 'action=""' not in html
