"""Dated releases of the open data (issue: the archive of record): a Frictionless data
package that validates, the open-data files of the same moment, checksums that match,
a second release that lists exactly what changed in between, and no draft anywhere."""

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import Publication
from tests.conftest import describable_project, make_partnership, make_project, set_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases(settings, tmp_path, seeded):
    root = tmp_path / "releases"
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    from reference.models import Organisation

    borlange = Organisation.objects.get(slug="borlange")
    partnership = make_partnership(
        "borlange-kisumu",
        country="KE",
        participants=[borlange],
        start_year=2016,
        end_year=2017,
        grants=[(2016, 100_000, 2)],
    )
    set_roles(partnership.grants.all(), grant_maker=Organisation.objects.get(slug="icld"))
    describable_project("dated")  # the seeded projects have no dates: IATI needs one
    make_project("hemligt-utkast", title_sv="Hemligt utkast", publication=Publication.DRAFT)
    return root


def release(root):
    from opendata.releases import make_release

    return root / make_release("http://testserver", today=date(2026, 12, 31))


def test_a_release_is_a_valid_data_package_with_matching_checksums(releases):
    from frictionless import validate

    folder = release(releases)
    assert folder.name == "2026-12-31"
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((folder / "datapackage.json").read_text())
    names = {r["name"] for r in package["resources"]}
    assert {"projects", "partnerships", "grants", "organisations", "programmes"} <= names
    assert {"grant-rounds", "partnership-participants", "partnerships-goals"} <= names
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split("  ")
        listed[name] = digest
    assert set(listed) == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert b"360G-" in (folder / "360giving.json").read_bytes()
    assert b"<iati-activities" in (folder / "iati-partnerskap.xml").read_bytes()
    assert "date-released: 2026-12-31" in (folder / "CITATION.cff").read_text()
    assert "borlange-kisumu" in (folder / "partnerships.csv").read_text()


def test_the_validator_would_see_a_broken_link(releases, tmp_path):
    """The package's foreign keys are checked: a grant of no partnership is an error."""
    import csv
    import shutil

    from frictionless import validate

    copy = tmp_path / "copy"
    shutil.copytree(release(releases), copy)
    rows = list(csv.reader((copy / "grants.csv").open()))
    rows[1][rows[0].index("partnership_id")] = "999999"
    with (copy / "grants.csv").open("w", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def test_no_draft_and_no_editor_is_in_a_release(releases):
    folder = release(releases)
    text = "".join(p.read_text() for p in folder.iterdir())
    assert "Hemligt utkast" not in text
    assert "created_by" not in (folder / "projects.csv").read_text().splitlines()[0]


def test_a_link_to_a_record_that_is_not_public_is_empty(releases):
    """A grant made by a draft organisation is released, with no grant-maker: the draft's
    key would name a row that is not in the package."""
    import csv

    from partnerships.models import Grant
    from reference.models import Organisation

    draft = Organisation.objects.create(
        name_sv="Utkastfonden", slug="utkastfonden", kind="other", publication=Publication.DRAFT
    )
    grant = Grant.objects.get(partnership__slug="borlange-kisumu")
    set_roles(grant, funding_source=draft)
    folder = release(releases)
    rows = list(csv.DictReader((folder / "grant_participants.csv").open()))
    roles = {r["role"]: r["organisation_id"] for r in rows if r["grant_id"] == str(grant.pk)}
    assert roles == {"extending": str(Organisation.objects.get(slug="icld").pk)}
    organisations = {r["id"] for r in csv.DictReader((folder / "organisations.csv").open())}
    assert str(draft.pk) not in organisations


def test_a_second_release_lists_exactly_what_changed(releases):
    from partnerships.models import Partnership
    from projects.models import Project

    first = release(releases)
    notes = json.loads((first / "RELEASE.json").read_text())
    assert notes["previous"] is None
    partnership = Partnership.objects.get(slug="borlange-kisumu")
    partnership.title_sv = "Ny titel"
    partnership.save()
    added = make_project("nytt-projekt", start_year=2020)
    removed = Project.objects.published().exclude(pk=added.pk).first()
    removed.publication = Publication.UNPUBLISHED
    removed.save()
    second = release(releases)
    assert second.name == "2026-12-31-2"
    notes = json.loads((second / "RELEASE.json").read_text())
    assert notes["previous"] == "2026-12-31"
    assert notes["tables"]["partnerships"]["ids"]["changed"] == [str(partnership.pk)]
    assert notes["tables"]["projects"]["ids"]["added"] == [str(added.pk)]
    assert notes["tables"]["projects"]["ids"]["removed"] == [str(removed.pk)]
    assert notes["tables"]["goals"]["changed"] == 0
    # The first release is unchanged.
    assert json.loads((first / "RELEASE.json").read_text())["release"] == "2026-12-31"


def test_releases_are_listed_and_served(client, releases):
    folder = release(releases)
    page = client.get("/oppna-data/").content.decode()
    checksum = hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest()
    assert "2026-12-31" in page and checksum in page
    response = client.get("/oppna-data/utgavor/2026-12-31/datapackage.json")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["version"] == "2026-12-31"
    assert client.get("/oppna-data/utgavor/2026-12-31/secret.txt").status_code == 404
    assert client.get("/oppna-data/utgavor/2027-01-01/datapackage.json").status_code == 404


def test_the_command_writes_a_release_and_explains_a_wrong_address(releases):
    from django.core.management.base import CommandError

    call_command("release", "--base-url", "http://testserver", verbosity=0)
    assert any(Path(releases).iterdir())
    for wrong in ("testserver", "https://elsewhere.example.org"):
        with pytest.raises(CommandError):
            call_command("release", "--base-url", wrong, verbosity=0)


def test_administrators_make_a_release_in_the_admin_and_editors_may_not(client, releases, editor):
    from core.roles import ADMINISTRATORS
    from tests.conftest import make_user

    client.force_login(editor)
    assert client.post("/admin/utgavor/").status_code == 403
    assert not releases.exists() or not any(releases.iterdir())
    client.force_login(make_user("administrator", ADMINISTRATORS))
    assert "Gör en utgåva nu" in client.get("/admin/utgavor/").content.decode()
    assert client.post("/admin/utgavor/").status_code == 302
    (made,) = [p.name for p in releases.iterdir()]
    assert made in client.get("/admin/utgavor/").content.decode()


def test_a_release_can_be_made_of_the_archived_register(releases, settings):
    from datetime import date as day

    settings.REGISTER_ARCHIVED_ON = day(2027, 1, 1)
    folder = release(releases)
    assert (folder / "SHA256SUMS").exists()


def test_the_catalogue_lists_the_releases_as_versions_of_a_series(client, releases):
    from rdflib import Graph, Namespace
    from rdflib.namespace import DCAT, DCTERMS, RDF

    dcat3, spdx = Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://spdx.org/rdf/terms#")
    first = release(releases)
    second = release(releases)
    graph = Graph().parse(data=client.get("/oppna-data/katalog.rdf").content, format="xml")
    (series,) = graph.subjects(RDF.type, dcat3.DatasetSeries)
    in_series = graph.subjects(dcat3.inSeries, series)
    versions = {str(graph.value(d, dcat3.version)): d for d in in_series}
    assert set(versions) == {first.name, second.name}
    assert graph.value(versions[second.name], dcat3.prev) == versions[first.name]
    assert str(graph.value(versions[first.name], DCTERMS.issued)) == "2026-12-31"
    package = graph.value(versions[first.name], DCAT.distribution)
    checksum = graph.value(package, spdx.checksum)
    digest = hashlib.sha256((first / "datapackage.json").read_bytes()).hexdigest()
    assert str(graph.value(checksum, spdx.checksumValue)) == digest
    assert str(package).endswith(f"/oppna-data/utgavor/{first.name}/datapackage.json")
    assert client.get(str(package).replace("http://testserver", "")).status_code == 200


def test_a_release_of_a_register_without_grants_leaves_out_the_files_that_need_one(
    releases,
):
    """360Giving needs a grant and IATI an activity (an empty selection is a 404): a
    register with none of them still gets its release, which says which file it lacks."""
    from partnerships.models import Partnership

    Partnership.objects.all().delete()
    folder = release(releases)
    notes = json.loads((folder / "RELEASE.json").read_text())
    assert set(notes["not_written"]) == {"360giving.json", "iati-partnerskap.xml"}
    assert "no record" in notes["not_written"]["360giving.json"]
    assert not (folder / "360giving.json").exists()
    assert "360giving.json" not in (folder / "SHA256SUMS").read_text()
