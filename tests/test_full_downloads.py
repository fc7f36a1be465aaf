"""Full downloads of the current data (issue #22: "one file per dataset and format, no
paging"): every table of the releases as CSV in one ZIP, a Frictionless data package,
written once per data version like the other whole files; a data dictionary made from
the same column declarations; schema.org Dataset JSON-LD on the open-data page naming
every download; the downloads in the DCAT catalogue."""

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Publication
from tests import test_releases
from tests.conftest import make_partnership, make_project

pytestmark = pytest.mark.django_db

ZIP = "/oppna-data/hela-registret.zip"
SECRET = "Hemligt utkast"
releases = test_releases.releases  # the fixture: its records, its folder of releases


@pytest.fixture
def records(releases):
    """The records of the releases' tests (a published partnership with a grant, a draft
    project titled SECRET) and a draft partnership of that title."""
    from partnerships.models import Partnership

    make_partnership("hemligt-partnerskap", title_sv=SECRET, publication=Publication.DRAFT)
    return Partnership.objects.get(slug="borlange-kisumu")


def body(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    return b"".join(response.streaming_content)


def written(settings):
    root = Path(settings.OPEN_DATA_FILES_ROOT)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_the_zip_holds_every_table_of_published_records_and_validates(client, records, tmp_path):
    from frictionless import validate

    from opendata.releases import layout

    response = client.get(ZIP)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = set(archive.namelist())
    assert names == {f"{t.name}.csv" for t in layout()} | {"datapackage.json"}
    assert {"projects.csv", "partnerships.csv", "grants.csv", "grant_rounds.csv"} <= names
    assert {"organisations.csv", "programmes.csv", "partnership_participants.csv"} <= names
    for name in names:
        assert SECRET not in archive.read(name).decode(), name
    assert "borlange-kisumu" in archive.read("partnerships.csv").decode()
    archive.extractall(tmp_path / "package")
    report = validate(str(tmp_path / "package" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_zip_has_the_release_tables_byte_for_byte(client, records, releases):
    """One mechanism: a release and the full download write the same tables."""
    from opendata.releases import make_release

    folder = releases / make_release("http://testserver", today=date(2026, 12, 31))
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(ZIP))))
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert archive.read(name) == (folder / name).read_bytes(), name
    package = json.loads(archive.read("datapackage.json"))
    released = json.loads((folder / "datapackage.json").read_text())
    assert [r["schema"] for r in package["resources"]] == [
        r["schema"] for r in released["resources"]
    ]


def test_the_zip_is_written_once_per_data_version_and_never_holds_a_draft(
    client, records, settings
):
    first = body(client.get(ZIP))
    assert len(written(settings)) == 1
    with CaptureQueriesContext(connection) as queries:
        again = body(client.get(ZIP))
    assert again == first
    tables = ("partnerships_", "projects_", "reference_")
    assert not [q for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
    old = written(settings)
    records.publication = Publication.DRAFT
    records.save()
    after = zipfile.ZipFile(io.BytesIO(body(client.get(ZIP))))
    assert "borlange-kisumu" not in after.read("partnerships.csv").decode()
    assert len(written(settings)) == 1 and written(settings) != old
    settings.OPEN_DATA_FILES_ROOT = ""
    computed = zipfile.ZipFile(io.BytesIO(body(client.get(ZIP))))
    for name in after.namelist():
        if name.endswith(".csv"):
            assert computed.read(name) == after.read(name), name


def test_the_zip_takes_no_parameters(client, records):
    response = client.get(ZIP + "?country=KE")
    assert response.status_code == 400
    assert "country" in json.loads(response.content)["errors"]


def test_the_dictionary_lists_every_column_of_every_table_in_both_languages(client, records):
    from opendata.releases import layout

    pages = {
        "sv": client.get("/oppna-data/dataordlista/"),
        "en": client.get("/en/open-data/data-dictionary/"),
    }
    for language, response in pages.items():
        assert response.status_code == 200, language
        page = response.content.decode()
        for table in layout():
            assert f'id="{table.name}"' in page, table.name
            for column, _field, target in table.columns:
                assert f"<code>{column}</code>" in page, (table.name, column)
                if target:
                    assert f'href="#{target}"' in page
        assert '<th scope="col">' in page and "<caption id=" in page
    swedish, english = (pages[x].content.decode() for x in ("sv", "en"))
    assert "<h1>Dataordlista</h1>" in swedish and "<h1>Data dictionary</h1>" in english
    assert "titel (svenska)" in swedish and "title (Swedish)" in english
    assert "heltal" in swedish and "integer" in english
    assert ZIP in swedish


def test_the_open_data_page_lists_the_downloads_with_their_size(client, records, settings):
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    page = client.get("/oppna-data/").content.decode()
    assert f'href="{ZIP}"' in page
    assert 'href="/oppna-data/dataordlista/"' in page
    assert 'href="/en/open-data/data-dictionary/"' in client.get("/en/open-data/").content.decode()
    size = len(body(client.get(ZIP)))
    with translation.override("sv"):
        shown = filesizeformat(size)
    assert shown in client.get("/oppna-data/").content.decode()


def json_ld(page):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return block, json.loads(block)


def test_the_open_data_page_describes_each_dataset_in_json_ld(client, records):
    from reference.models import Organisation

    Organisation.objects.filter(slug="skr").update(name_sv="SKR </script><script>alert(1)")
    page = client.get("/oppna-data/").content.decode()
    block, data = json_ld(page)
    assert "</script>" not in block and "<script>alert" not in page
    assert data["@context"] == "https://schema.org"
    datasets = data["@graph"]
    assert all(d["@type"] == "Dataset" for d in datasets)
    assert all(d["name"] and d["description"] and d["license"] for d in datasets)
    assert datasets[0]["publisher"]["name"] == "SKR </script><script>alert(1)"
    urls = {
        x["contentUrl"]: x["encodingFormat"] for d in datasets for x in d.get("distribution", [])
    }
    assert urls == {
        "http://testserver" + ZIP: "application/zip",
        "http://testserver/partnerskap/bidrag.json": "application/json",
        "http://testserver/partnerskap/iati.xml": "application/xml",
        "http://testserver/projekt/iati.xml": "application/xml",
    }
    english = json_ld(client.get("/en/open-data/").content.decode())[1]
    assert {d["name"] for d in english["@graph"]} >= {"International projects"}


def test_the_open_data_page_reads_a_constant_number_of_queries(client, records):
    with CaptureQueriesContext(connection) as few:
        assert client.get("/oppna-data/").status_code == 200
    for n in range(10):
        make_project(f"fler-{n}", countries=["KE"])
    with CaptureQueriesContext(connection) as many:
        assert client.get("/oppna-data/").status_code == 200
    # The page, and which standard files would describe no record (read up
    # to the first describable record of each: opendata.views.empty_files). The cache's
    # own queries are left out: the first request of a data version writes it (six more,
    # in the database cache of the tests), so the count depended on the tests before.
    assert len(records_read_by(few)) == len(records_read_by(many)) == 17


def records_read_by(queries):
    return [
        q
        for q in queries.captured_queries
        if "register_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_which_files_are_empty_is_read_once_a_data_version(rf, records, settings):
    from opendata.views import empty_files

    def records_read():
        with CaptureQueriesContext(connection) as queries:
            empty = empty_files(rf.get("/oppna-data/"))
        return empty, [q for q in queries.captured_queries if "register_cache" not in q["sql"]]

    settings.FACET_CACHE_SECONDS = 60
    first, read = records_read()
    assert len(read) == 18  # + who decided and funded the grants IATI reads
    assert records_read() == (first, [])
    make_project("fler", countries=["KE"])  # a new data version
    assert len(records_read()[1]) == 18
