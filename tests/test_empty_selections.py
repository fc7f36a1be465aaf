"""A filter that matches nothing (issue #22): the 360Giving package schema requires at
least one grant and the IATI schema at least one activity, so an empty selection is not
answered with an invalid file a harvester would take for data. It is a 404 in the
format's own media type that says the filter matched nothing, and the same address
gives the file again as soon as a record matches."""

import json

import pytest
from lxml import etree

from partnerships.models import Partnership
from tests.conftest import describable_partnership, describable_project, make_project

pytestmark = pytest.mark.django_db

EMPTY = [
    ("/partnerskap/bidrag.json?country=NO", "application/json"),
    ("/partnerskap/iati.xml?country=NO", "application/xml"),
    ("/projekt/iati.xml?country=NO", "application/xml"),
]


@pytest.fixture
def records(seeded):
    describable_project("p")
    return describable_partnership("q")


def message_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/json"):
        return json.loads(content)["detail"]
    root = etree.fromstring(content)
    assert root.tag == "error"
    return root.findtext("detail")


@pytest.mark.parametrize(("path", "media_type"), EMPTY)
def test_an_empty_selection_is_a_404_in_the_formats_media_type(client, records, path, media_type):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith(media_type)
    assert "matched nothing" in message_of(response)
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(("path", "media_type"), EMPTY)
def test_the_same_address_answers_with_the_file_once_a_record_matches(
    client, records, path, media_type
):
    describable_project("norway", country="NO")
    describable_partnership("r")
    Partnership.objects.filter(slug="r").update(country_id="NO")
    response = client.get(path)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if media_type == "application/xml":
        assert len(etree.fromstring(content).findall("iati-activity")) == 1
    else:
        assert len(json.loads(content)["grants"]) == 1


def test_a_selection_of_records_iati_cannot_describe_is_a_404_not_an_empty_file(client, records):
    """IATI requires a date, a status and a participating organisation; a selection of
    only records without them would be an <iati-activities> with no activity."""
    make_project("undated", countries=["NO"])
    make_project("alone", countries=["NO"], start_year=2016, end_year=2017)
    response = client.get("/projekt/iati.xml?country=NO")
    assert response.status_code == 404
    message = message_of(response)
    assert "matched nothing" in message
    assert "a date, a status and a participating organisation" in message  # why


@pytest.mark.parametrize(
    "path", ["/partnerskap/bidrag.json", "/partnerskap/iati.xml", "/projekt/iati.xml"]
)
def test_a_register_with_nothing_published_says_so_instead_of_an_invalid_file(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "nothing" in message_of(response)


def test_the_catalogue_and_the_page_point_at_no_file_that_would_be_a_404(client, seeded):
    """The seeded projects have no dates, so IATI can describe none of them: the DCAT
    catalogue, the schema.org datasets and the open-data page leave the file out (and
    say why) until a project can be described."""
    catalogue = client.get("/oppna-data/katalog.rdf").content.decode()
    page = client.get("/oppna-data/").content.decode()
    assert "/projekt/iati.xml" not in catalogue
    assert 'href="/projekt/iati.xml"' not in page
    assert '"contentUrl": "http://testserver/projekt/iati.xml"' not in page
    empty_rows = page.count("Ingen post kan ännu beskrivas i det här formatet")
    assert empty_rows >= 1
    assert client.get("/projekt/iati.xml").status_code == 404

    describable_project("dated")
    catalogue = client.get("/oppna-data/katalog.rdf").content.decode()
    page = client.get("/oppna-data/").content.decode()
    assert "http://testserver/projekt/iati.xml" in catalogue
    assert 'href="/projekt/iati.xml"' in page
    assert '"contentUrl": "http://testserver/projekt/iati.xml"' in page
    assert page.count("Ingen post kan ännu beskrivas i det här formatet") == empty_rows - 1
