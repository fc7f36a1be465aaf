"""Widgets for municipal and regional websites (issue: reach beyond the register): a page
any site may frame, with no cookie and no script, listing what the record's own list
shows; an "Embed on your site" box; oEmbed per its spec. Every other page still refuses
to be framed."""

import html
import re

import pytest

from core.models import Publication
from reference.models import Organisation, OrganisationKind
from tests.conftest import english, make_partnership

pytestmark = pytest.mark.django_db

WIDGETS = [
    "/kommuner/borlange/inbaddning/",
    "/lander/ke/inbaddning/",
    "/mal/11/inbaddning/",
    "/program/kommunala-partnerskap/inbaddning/",
    "/organisationer/nakuru-county/inbaddning/",
    "/partnerskap/inbaddning/?country=KE&goal=11",
]


def embed_code(page):
    """The text of the page's "Code to embed" box, as a reader copies it."""
    return html.unescape(
        re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)[1]
    )


@pytest.fixture
def records(seeded, goals):
    from reference.models import Organisation, OrganisationKind, Programme

    borlange = Organisation.objects.get(slug="borlange")
    programme = Programme.objects.get(slug="kommunala-partnerskap")
    nakuru = Organisation.objects.create(
        slug="nakuru-county",
        name_sv="Nakuru County",
        kind=OrganisationKind.PARTNER_GOVERNMENT,
        country_id="KE",
        publication=Publication.PUBLISHED,
    )
    make_partnership(
        "borlange-kisumu",
        country="KE",
        participants=[borlange],
        partners=[nakuru],
        goals=[goals[11]],
        programme=programme,
        start_year=2016,
        title_sv="Borlänge och Kisumu",
    )
    make_partnership(
        "hemligt-utkast",
        country="KE",
        participants=[borlange],
        partners=[nakuru],
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
    for path in ("/", "/kommuner/borlange/", "/projekt/", "/partnerskap/?country=KE"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_record_page_offers_the_code_and_oembed(client, records):
    text = client.get("/kommuner/borlange/").content.decode()
    assert "Bädda in på din webbplats" in text
    assert '<iframe src="http://testserver/kommuner/borlange/inbaddning/"' in embed_code(text)
    assert 'type="application/json+oembed"' in text
    assert "Bädda in" not in client.get("/statistik/").content.decode()


def test_a_filtered_list_offers_the_widget_of_the_same_filter(client, records):
    text = client.get("/partnerskap/?country=KE&goal=11&page=1").content.decode()
    # As the reader copies it: the & of the address written &amp; in the attribute.
    code = embed_code(text)
    assert '<iframe src="http://testserver/partnerskap/inbaddning/?country=KE&amp;goal=11"' in code
    widget = client.get("/partnerskap/inbaddning/?country=KE&goal=11").content.decode()
    assert "Kenya" in widget  # the filter in words, in the title
    assert 'href="http://testserver/partnerskap/?country=KE&amp;goal=11" target="_top"' in widget
    english_widget = client.get("/en/partnerships/embed/?country=KE").content.decode()
    assert "Borlänge och Kisumu" in english_widget and "Partnerships" in english_widget


def test_a_list_widget_says_which_values_it_cannot_use(client, records):
    response = client.get("/projekt/inbaddning/?country=ZZ")
    assert response.status_code == 200
    text = response.content.decode()
    assert "ZZ" in text and "Borlänge och Kisumu" not in text


def test_an_organisation_widget_lists_what_it_takes_part_in(client, records):
    text = client.get("/organisationer/nakuru-county/").content.decode()
    code = embed_code(text)
    assert '<iframe src="http://testserver/organisationer/nakuru-county/inbaddning/"' in code
    hidden = Organisation.objects.create(
        slug="hemlig-organisation", name_sv="Hemlig", kind=OrganisationKind.OTHER
    )
    assert client.get("/organisationer/hemlig-organisation/inbaddning/").status_code == 404
    assert hidden.publication != Publication.PUBLISHED


def test_oembed_answers_per_the_spec_for_widget_pages_only(client, records):
    page = "http://testserver/en/countries/ke/"
    response = client.get("/oembed", {"url": page, "maxwidth": 400})
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["width"] == 400 and data["height"] == 420
    assert 'src="http://testserver/en/countries/ke/embed/"' in data["html"]
    assert data["title"] and data["provider_url"] == "http://testserver/"
    for url in ("http://testserver/statistik/", "http://elsewhere.example/lander/ke/", "nonsense"):
        assert client.get("/oembed", {"url": url}).status_code == 404, url
    listed = client.get("/oembed", {"url": "http://testserver/partnerskap/?country=KE&page=2"})
    assert 'src="http://testserver/partnerskap/inbaddning/?country=KE"' in listed.json()["html"]
    xml = client.get("/oembed", {"url": "http://testserver/lander/ke/", "format": "xml"})
    assert xml.status_code == 501
    assert client.get("/oembed", {"url": "http://testserver/kommuner/hemligt/"}).status_code == 404


def test_a_list_widget_keeps_only_the_filter_and_says_what_the_list_lacks(client, records):
    text = client.get("/partnerskap/?utm_source=nyhetsbrev&country=KE").content.decode()
    assert '<iframe src="http://testserver/partnerskap/inbaddning/?country=KE"' in embed_code(text)
    widget = client.get("/partnerskap/inbaddning/?utm_source=nyhetsbrev&country=KE")
    assert "Borlänge och Kisumu" in widget.content.decode()
    # The projects have no municipality filter: said, as on the list, and nothing listed.
    lacking = client.get("/projekt/inbaddning/?municipality=borlange").content.decode()
    assert "municipality: " in lacking and "0 projekt" in lacking


def test_odd_values_are_quoted_printable_and_short(client, records):
    response = client.get("/partnerskap/inbaddning/", {"country": "\x00" + "x" * 300})
    assert response.status_code == 200
    text = response.content.decode()
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", text, re.S)[1])
    assert "\x00" not in text and "x" * 60 not in heading
    for address in ("http://[", "http://[evil]/x"):
        assert client.get("/oembed", {"url": address}).status_code == 404
