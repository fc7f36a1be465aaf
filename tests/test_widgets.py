"""Widgets for municipal and regional websites (issue: reach beyond the register): a page
any site may frame, with no cookie and no script, listing what the record's own list
shows; an "Embed on your site" box; oEmbed per its spec. Every other page still refuses
to be framed."""

import pytest

from core.models import Publication
from tests.conftest import english, make_partnership

pytestmark = pytest.mark.django_db

WIDGETS = [
    "/kommuner/borlange/inbaddning/",
    "/lander/ke/inbaddning/",
    "/mal/11/inbaddning/",
    "/program/kommunala-partnerskap/inbaddning/",
]


@pytest.fixture
def records(seeded, goals):
    from reference.models import Organisation, Programme

    borlange = Organisation.objects.get(slug="borlange")
    programme = Programme.objects.get(slug="kommunala-partnerskap")
    make_partnership(
        "borlange-kisumu",
        country="KE",
        participants=[borlange],
        goals=[goals[11]],
        programme=programme,
        start_year=2016,
        title_sv="Borlänge och Kisumu",
    )
    make_partnership(
        "hemligt-utkast",
        country="KE",
        participants=[borlange],
        goals=[goals[11]],
        programme=programme,
        title_sv="Hemligt utkast",
        publication=Publication.DRAFT,
    )


@pytest.mark.parametrize("path", WIDGETS)
def test_a_widget_may_be_framed_anywhere_sets_no_cookie_and_lists_the_records(
    client, records, path
):
    for address in (path, english(path)):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert "X-Frame-Options" not in response
        assert not response.cookies
        text = response.content.decode()
        assert "<script" not in text
        assert "Borlänge och Kisumu" in text and "Hemligt utkast" not in text
        assert 'target="_top"' in text and "<h1>" in text and "<title>" in text


def test_every_other_page_still_refuses_to_be_framed(client, records):
    for path in ("/", "/kommuner/borlange/", "/projekt/"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_record_page_offers_the_code_and_oembed(client, records):
    text = client.get("/kommuner/borlange/").content.decode()
    assert "Bädda in på din webbplats" in text
    assert '&lt;iframe src="http://testserver/kommuner/borlange/inbaddning/"' in text
    assert 'type="application/json+oembed"' in text
    assert "Bädda in" not in client.get("/projekt/").content.decode()


def test_oembed_answers_per_the_spec_for_widget_pages_only(client, records):
    page = "http://testserver/en/countries/ke/"
    response = client.get("/oembed", {"url": page, "maxwidth": 400})
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["width"] == 400 and data["height"] == 420
    assert 'src="http://testserver/en/countries/ke/embed/"' in data["html"]
    assert data["title"] and data["provider_url"] == "http://testserver/"
    for url in ("http://testserver/projekt/", "http://elsewhere.example/lander/ke/", "nonsense"):
        assert client.get("/oembed", {"url": url}).status_code == 404, url
    xml = client.get("/oembed", {"url": "http://testserver/lander/ke/", "format": "xml"})
    assert xml.status_code == 501
    assert client.get("/oembed", {"url": "http://testserver/kommuner/hemligt/"}).status_code == 404
