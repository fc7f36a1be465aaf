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


def test_feed_entry_ids_survive_a_renamed_slug(client, seeded):
    """Atom entry ids must never change (a reader shows a renamed record as new and
    W3C's validator flags ids that are addresses of changing pages)."""
    import feedparser

    from tests.conftest import describable_partnership

    partnership = describable_partnership("borlange-kisumu")
    before = feedparser.parse(client.get("/partnerskap/feed/").content).entries[0]
    partnership.slug = "borlange-och-kisumu"
    partnership.save()
    after = feedparser.parse(client.get("/partnerskap/feed/").content).entries[0]
    assert before.id == after.id == f"tag:testserver,2026:partnership-{partnership.pk}"
    assert after.link.endswith("/partnerskap/borlange-och-kisumu/")
