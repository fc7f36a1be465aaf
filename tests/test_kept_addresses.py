"""Addresses that never break (issue: the archive of record): a renamed record's old
address answers 301 to the new one, in both languages and in the API; a deleted or
unpublished record's address answers 410 with its title, kind and date, and nothing else
of it; the open-data identifiers do not change with the slug."""

import json

import pytest

from core.models import Publication
from tests.conftest import describable_partnership, english, make_partnership, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(seeded):
    return make_project(
        "vatten-i-kisumu",
        countries=["KE"],
        start_year=2016,
        end_year=2018,
        title_en="Water in Kisumu",
        summary_sv="Hemlig sammanfattning som inte ska synas.",
    )


def rename(record, slug):
    record.slug = slug
    record.save()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_renamed_record_s_old_address_moves_permanently_to_the_new(client, project, language):
    rename(project, "vatten-och-sanitet")
    rename(project, "vatten-sanitet-kisumu")
    for old in ("vatten-i-kisumu", "vatten-och-sanitet"):
        path = f"/projekt/{old}/?page=2"
        new = "/projekt/vatten-sanitet-kisumu/?page=2"
        if language == "en":
            path, new = english(path), english(new)
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_every_kind_of_record_page_follows_a_rename(client, seeded):
    from partnerships.models import GrantRound
    from reference.models import SWEDISH_LOCAL_KINDS, Organisation, Programme

    published_rounds = GrantRound.objects.filter(programme__publication=Publication.PUBLISHED)
    organisations = Organisation.objects.published()
    partnership = make_partnership("borlange-kisumu", country="KE", start_year=2016)
    records = [
        (partnership, "/partnerskap/"),
        (organisations.exclude(kind__in=SWEDISH_LOCAL_KINDS).first(), "/organisationer/"),
        (organisations.swedish_local().first(), "/kommuner/"),
        (Programme.objects.published().first(), "/program/"),
        (published_rounds.first(), "/omgangar/"),
    ]
    for record, prefix in records:
        old = record.slug
        assert client.get(f"{prefix}{old}/").status_code == 200, prefix
        rename(record, old + "-nytt")
        response = client.get(f"{prefix}{old}/")
        assert response.status_code == 301, prefix
        assert response["Location"] == record.get_absolute_url()


def test_a_deleted_record_s_address_is_gone_with_its_title_kind_and_date(client, project):
    project.delete()
    for path in ("/projekt/vatten-i-kisumu/", english("/projekt/vatten-i-kisumu/")):
        response = client.get(path)
        assert response.status_code == 410
        text = response.content.decode()
        assert "Vatten I Kisumu" in text
        assert ("projekt" if not path.startswith("/en/") else "project") in text
        assert "Hemlig sammanfattning" not in text


def test_an_unpublished_record_shows_only_its_public_title_and_comes_back_when_republished(
    client, project
):
    project.publication = Publication.UNPUBLISHED
    project.title_sv = "Ett utkast till ny titel"
    project.save()
    response = client.get("/projekt/vatten-i-kisumu/")
    assert response.status_code == 410
    text = response.content.decode()
    assert "Vatten I Kisumu" in text
    assert "Ett utkast till ny titel" not in text and "Hemlig sammanfattning" not in text
    project.publication = Publication.PUBLISHED
    project.save()
    assert client.get("/projekt/vatten-i-kisumu/").status_code == 200


def test_a_record_never_public_leaves_no_address(client, seeded):
    draft = make_project("utkast", publication=Publication.DRAFT, start_year=2016)
    rename(draft, "utkast-2")
    assert client.get("/projekt/utkast/").status_code == 404
    draft.delete()
    assert client.get("/projekt/utkast-2/").status_code == 404


def test_a_new_record_at_an_old_slug_is_served_itself(client, project):
    rename(project, "vatten-och-sanitet")
    make_project("vatten-i-kisumu", title_sv="Ett annat projekt", start_year=2020)
    response = client.get("/projekt/vatten-i-kisumu/")
    assert response.status_code == 200
    assert "Ett annat projekt" in response.content.decode()


def test_the_api_follows_a_rename_and_reports_a_removal(client, project):
    before = client.get("/api/v1/projects/vatten-i-kisumu").json()
    rename(project, "vatten-och-sanitet")
    response = client.get("/api/v1/projects/vatten-i-kisumu?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/projects/vatten-och-sanitet?x=1"
    after = client.get("/api/v1/projects/vatten-och-sanitet").json()
    # The identifiers in the open data do not change with the slug.
    assert after["id"] == before["id"]
    project.delete()
    gone = client.get("/api/v1/projects/vatten-och-sanitet")
    assert gone.status_code == 410
    assert "Vatten I Kisumu" in gone.json()["detail"]
    assert client.get("/api/v1/projects/aldrig-funnits").status_code == 404


def test_open_data_identifiers_do_not_change_with_the_slug(client, seeded):
    from reference.models import Organisation

    partnership = describable_partnership("borlange-kisumu")

    def identifiers():
        package = json.loads(b"".join(client.get("/partnerskap/bidrag.json").streaming_content))
        iati = b"".join(client.get("/partnerskap/iati.xml").streaming_content)
        grant = package["grants"][0]
        return grant["id"], grant["recipientOrganization"], iati.split(b"<iati-identifier>")[1][:60]

    before = identifiers()
    rename(partnership, "borlange-kisumu-stad")
    rename(Organisation.objects.get(slug="borlange"), "borlange-kommun")
    assert identifiers() == before
