"""English addresses: the pages in English live under /en/ with English words
(/en/projects/, /en/countries/ke/), the Swedish pages keep their Swedish words without a
prefix, and addresses that mix the two (/en/projekt/, shared before the English paths
existed) move permanently to the right one, with their filters."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

ENGLISH = [
    "/en/",
    "/en/projects/",
    "/en/projects/symbiocity-kenya/",
    "/en/partnerships/",
    "/en/municipalities/",
    "/en/countries/",
    "/en/countries/ke/",
    "/en/goals/",
    "/en/goals/11/",
    "/en/organisations/",
    "/en/organisations/icld/",
    "/en/programmes/",
    "/en/programmes/millenniekommun/",
    "/en/statistics/?country=KE",
    "/en/search/?q=Kenya",
    "/en/about/",
    "/en/accessibility/",
    "/en/open-data/",
    "/en/projects/feed/",
]


@pytest.mark.parametrize("path", ENGLISH)
def test_english_pages_have_english_addresses(seeded, client, path):
    response = client.get(path)
    assert response.status_code == 200, path


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/en/projekt/", "/en/projects/"),
        ("/en/projekt/?country=KE&goal=11", "/en/projects/?country=KE&goal=11"),
        ("/en/projekt/symbiocity-kenya/", "/en/projects/symbiocity-kenya/"),
        ("/en/lander/ke/", "/en/countries/ke/"),
        ("/en/mal/11/", "/en/goals/11/"),
        ("/en/kommuner/", "/en/municipalities/"),
        ("/en/partnerskap/?year=2022", "/en/partnerships/?year=2022"),
        ("/en/statistik/?goal=11", "/en/statistics/?goal=11"),
        ("/en/oppna-data/", "/en/open-data/"),
        ("/en/program/millenniekommun/", "/en/programmes/millenniekommun/"),
        # An English address without the language prefix is the English page.
        ("/projects/?country=KE", "/en/projects/?country=KE"),
        ("/countries/ke/", "/en/countries/ke/"),
    ],
)
def test_mixed_addresses_redirect_permanently(seeded, client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_swedish_addresses_are_unchanged(seeded, client):
    assert client.get("/projekt/").status_code == 200
    assert client.get("/lander/ke/").status_code == 200
    with translation.override("sv"):
        assert reverse("projects:project-list") == "/projekt/"
    with translation.override("en"):
        assert reverse("projects:project-list") == "/en/projects/"
        assert reverse("pages:country-detail", args=["ke"]) == "/en/countries/ke/"


def test_language_links_go_to_the_same_page_in_the_other_language(seeded, client):
    swedish = client.get("/projekt/symbiocity-kenya/?x=1").content.decode()
    assert 'href="/en/projects/symbiocity-kenya/?x=1" hreflang="en"' in swedish
    english = client.get("/en/countries/ke/").content.decode()
    assert 'href="/lander/ke/" hreflang="sv"' in english
    # The pages' own links are in the page's language.
    assert 'href="/en/projects/?country=KE"' in english


def test_unknown_address_is_still_not_found(seeded, client):
    assert client.get("/en/nothing-here/").status_code == 404
    assert client.get("/en/projects/no-such-project/").status_code == 404


@pytest.mark.parametrize(
    ("path", "other_home", "word"),
    [("/finns-inte/", "/en/", "English"), ("/en/does-not-exist/", "/", "Svenska")],
)
def test_not_found_page_links_to_the_other_languages_home(client, db, path, other_home, word):
    response = client.get(path)
    assert response.status_code == 404
    link = re.search(r'<nav class="lang"[^>]*>\s*<a href="([^"]*)"', response.content.decode())
    assert link and link.group(1) == other_home
    assert word in response.content.decode()


def test_sitemap_gives_english_alternates_english_addresses(seeded, client):
    body = client.get("/sitemap.xml").content.decode()
    assert "/en/projects/symbiocity-kenya/" in body
    assert "/en/projekt/" not in body


def test_counties_have_english_names_on_english_pages(seeded, client):
    english = client.get("/en/municipalities/borlange/").content.decode()
    assert "Dalarna County" in english and "Dalarnas län" not in english
    assert "Dalarnas län" in client.get("/kommuner/borlange/").content.decode()
    listing = client.get("/en/municipalities/").content.decode()
    assert "Västra Götaland County" in listing and "Västra Götalands län" not in listing
    statistics = client.get("/en/statistics/").content.decode()
    assert "Kalmar County" in statistics or "By Swedish county" not in statistics


def test_municipality_list_speaks_plainly(seeded, client):
    """No bare codes ("kod 2081") and no "0 partnerships" on every line."""
    listing = client.get("/kommuner/").content.decode()
    assert "kommunkod 2081" not in listing and "2081" not in listing
    assert "0 partnerskap" not in listing
    assert "Borlänge" in listing
