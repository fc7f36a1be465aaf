"""Details the standards' own validators ask for (issue: open data to the validators):
feeds with an author and a self link that keeps the filter; a sitemap with every public
page kind; robots.txt with the English export paths; the API's root and unknown API
addresses answer in JSON."""

import pytest
from lxml import etree

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_have_an_author_and_a_self_link_with_the_query(client, seeded):
    response = client.get("/projekt/feed/?country=KE")
    feed = etree.fromstring(response.content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"][0]
    assert self_link.get("href").endswith("/projekt/feed/?country=KE")


def test_the_sitemap_lists_every_public_page_kind(client, seeded):
    body = client.get("/sitemap.xml").content.decode()
    for address in (
        "/program/symbiocity/",
        "/organisationer/icld/",
        "/omgangar/icld-32-nya-partnerskap/",
        "/om-registret/",
        "/statistik/",
        "/en/statistics/",
    ):
        assert f"http://testserver{address}<" in body or f'"http://testserver{address}"' in body


def test_robots_txt_names_the_english_export_paths(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /en/projects/export.csv" in body
    assert "Disallow: /en/partnerships/grants.csv" in body
    assert "/en/projekt/" not in body


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing-here", "/api/v1/grants/abc"])
def test_every_api_address_answers_in_json(client, db, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("application/json")
    if path == "/api/v1/":
        assert response.status_code == 200 and "projects" in response.json()["links"]
    else:
        assert response.status_code == 404 and response.json()["detail"]
