"""A filter that matches nothing (issue #22): the 360Giving package schema requires at
least one grant and the IATI schema at least one activity, so an empty selection is not
answered with an invalid file a harvester would take for data. It is a 404 in the
format's own media type that says the filter matched nothing, and the same address
gives the file again as soon as a record matches."""

import json

import pytest
from lxml import etree

from partnerships.models import Partnership
from tests.conftest import describable_partnership, make_project

pytestmark = pytest.mark.django_db

EMPTY = [
    ("/partnerskap/bidrag.json?country=NO", "application/json"),
    ("/partnerskap/iati.xml?country=NO", "application/xml"),
    ("/projekt/iati.xml?country=NO", "application/xml"),
]


@pytest.fixture
def records(seeded):
    make_project("p", countries=["KE"], start_year=2016, end_year=2017)
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
    make_project("norway", countries=["NO"], start_year=2016, end_year=2017)
    describable_partnership("r")
    Partnership.objects.filter(slug="r").update(country_id="NO")
    response = client.get(path)
    assert response.status_code == 200
    b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "path", ["/partnerskap/bidrag.json", "/partnerskap/iati.xml", "/projekt/iati.xml"]
)
def test_a_register_with_nothing_published_says_so_instead_of_an_invalid_file(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "nothing" in message_of(response)
