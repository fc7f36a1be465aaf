"""One description of a record for every format (issue "One mechanism per job", 1 and 2):
the 360Giving CSV is the flattening of the very grants the 360Giving JSON package holds,
so flattentool (as 360Giving's own tools call it) turns the CSV back into the same JSON;
and an organisation's identifier is made in one place, from its primary key, so renaming
its slug changes it in no format."""

import csv
import io
import json
from datetime import date

import pytest
from lxml import etree

from partnerships.models import Grant, GrantRound
from reference.models import Goal, Organisation
from tests.conftest import make_partnership, set_roles
from tests.test_opendata import STANDARDS, read_stream, validate_360giving

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def grants(seeded):
    """A grant with two Swedish recipients (one with an organisation number) and three
    goals, decided on a date; one in Kosovo known only to the year; one whose grant-maker
    and decision date are its round's; one with no published recipient (left out)."""
    goals = {g.number: g for g in Goal.objects.filter(framework="sdg")}
    borlange = Organisation.objects.get(slug="borlange")
    vasteras = Organisation.objects.get(slug="vasteras")
    vasteras.org_number = "2120002080"
    vasteras.save()
    icld = Organisation.objects.get(slug="icld")
    two = make_partnership(
        "borlange-vasteras-kisumu",
        country="KE",
        participants=[borlange, vasteras],
        goals=[goals[17], goals[4], goals[16]],
        grants=[(2017, 500_000, 2)],
        title_en="Two towns and Kisumu",
    )
    two.grants.update(decided_on=date(2017, 3, 14))
    set_roles(two.grants.all(), grant_maker=icld)
    kosovo = make_partnership(
        "borlange-pristina", country="XK", participants=[borlange], goals=[goals[16]]
    )
    record = Grant.objects.create(
        partnership=kosovo,
        year=2016,
        amount_sek_per_year=300_000,
        duration_years=1,
    )
    set_roles(record, grant_maker=icld)
    round_ = GrantRound.objects.get()
    GrantRound.objects.filter(pk=round_.pk).update(decided_on=date(2018, 6, 1))
    by_round = make_partnership("borlange-gaborone", country="BW", participants=[borlange])
    Grant.objects.create(
        partnership=by_round,
        grant_round=round_,
        year=2018,
        amount_sek_per_year=400_000,
        duration_years=3,
    )
    nobody = make_partnership("nobody-kampala", country="UG")
    set_roles(
        Grant.objects.create(
            partnership=nobody, year=2019, amount_sek_per_year=1, duration_years=1
        ),
        grant_maker=icld,
    )
    return seeded


def unflatten(raw, tmp_path):
    """The CSV as JSON, the way 360Giving's tools read a CSV: the file as the one sheet of
    a folder, read as utf-8-sig (else the BOM sticks to the first title), titles matched
    against the vendored schema. flattentool reads commas only, so a file with semicolons
    (Excel in a Swedish locale) is first written again with commas, as a user would."""
    import flattentool

    text = raw.decode("utf-8-sig")
    if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(","):
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        text = buffer.getvalue()
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "grants.csv").write_text("\ufeff" + text, encoding="utf-8")
    output = tmp_path / "unflattened.json"
    flattentool.unflatten(
        str(folder),
        output_name=str(output),
        input_format="csv",
        root_list_path="grants",
        root_id="",
        schema=str(STANDARDS / "360-giving-schema.json"),
        convert_titles=True,
        encoding="utf-8-sig",
    )
    return json.loads(output.read_text())


def package(client, query=""):
    response = client.get(f"/partnerskap/bidrag.json{query}")
    if response.status_code == 404:  # a selection of no grant (tests/test_empty_selections.py)
        return {"grants": []}
    return json.loads(read_stream(response))


@pytest.mark.parametrize("query", ["", "?country=KE", "?country=CO"])
def test_360giving_csv_unflattens_to_the_json_package(exporter, grants, tmp_path, query):
    expected = package(exporter, query)
    response = exporter.get(f"/partnerskap/bidrag.csv{query or '?'}&columns=360giving")
    assert response.status_code == 200 and response.streaming
    raw = read_stream(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    unflattened = unflatten(raw, tmp_path)
    assert unflattened.get("grants", []) == expected["grants"]
    if expected["grants"]:  # the package schema wants at least one grant
        validate_360giving(expected)
        validate_360giving(unflattened)


def test_360giving_csv_describes_each_grant_as_the_json_does(exporter, grants, tmp_path):
    raw = read_stream(exporter.get("/partnerskap/bidrag.csv?columns=360giving"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    header = list(rows[0])
    # As many numbered columns as the selection needs: three goals; one recipient a grant.
    assert "Recipient Org:0:Identifier" in header and "Recipient Org:1:Identifier" not in header
    assert "Classifications:2:Code" in header and "Classifications:3:Code" not in header
    by_title = {r["Title"]: r for r in rows}
    two = by_title["Two towns and Kisumu"]
    assert two["Recipient Org:0:Name"] == "Borlänge"
    assert "Västerås (SE-ON-212000-2080)" in two["Description"]
    assert [two[f"Classifications:{i}:Code"] for i in range(3)] == ["4", "16", "17"]
    assert two["Award Date"] == "2017-03-14"
    kosovo = by_title["Borlange Pristina"]
    assert kosovo["Award Date"] == "2016-01-01"  # only the year is known
    assert kosovo["Beneficiary Location:0:Name"] == "Kosovo"
    assert kosovo["Beneficiary Location:0:Country Code"] == ""  # no XK in 360Giving's list
    by_round = by_title["Borlange Gaborone"]
    assert by_round["Funding Org:0:Name"] == "Internationellt Centrum för Lokal Demokrati"
    assert by_round["Award Date"] == "2018-06-01"
    assert "Nobody Kampala" not in by_title  # no recipient: left out, as in the JSON
    assert all(r["Last Modified"] and r["Data Source"] for r in rows)


def test_a_360giving_csv_saved_from_excel_still_unflattens(exporter, grants, tmp_path):
    expected = package(exporter)
    response = exporter.get("/partnerskap/bidrag.csv?columns=360giving&format=excel")
    raw = read_stream(response)
    assert raw.startswith(b"\xef\xbb\xbf") and raw.split(b"\n", 1)[0].count(b";") > 10
    assert 'filename="bidrag-360giving-excel-' in response["Content-Disposition"]
    assert unflatten(raw, tmp_path)["grants"] == expected["grants"]


def test_360giving_csv_keeps_the_export_permission(client, grants):
    response = client.get("/partnerskap/bidrag.csv?columns=360giving")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("visitor", password="correct horse battery"))
    assert client.get("/partnerskap/bidrag.csv?columns=360giving").status_code == 403


def test_360giving_csv_with_invalid_filters_has_only_the_header(exporter, grants):
    raw = read_stream(exporter.get("/partnerskap/bidrag.csv?country=ZZ&columns=360giving"))
    lines = raw.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("Identifier,")


# Organisation identifiers -------------------------------------------------------------


def identifiers(client):
    """Every organisation identifier the open formats give, by organisation name."""
    found = {}
    data = package(client)
    for grant in data["grants"]:
        for org in grant["recipientOrganization"] + grant["fundingOrganization"]:
            found[("json", org["name"])] = org["id"]
        found[("json description", grant["id"])] = grant["description"]
    found[("json publisher", "")] = data["publisher"]["identifier"]
    raw = read_stream(client.get("/partnerskap/bidrag.csv?columns=360giving"))
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))):
        for key, value in row.items():
            if key.endswith(":Identifier") and "Org:" in key and value:
                found[("csv", row[key.replace("Identifier", "Name")])] = value
    document = etree.fromstring(read_stream(client.get("/partnerskap/iati.xml")))
    for activity in document.findall("iati-activity"):
        found[("iati", "reporting-org")] = activity.find("reporting-org").get("ref")
        found[("iati", "iati-identifier")] = activity.findtext("iati-identifier")
    for path in ("/api/v1/organisations?page_size=500", "/api/v1/municipalities?page_size=500"):
        for org in client.get(path).json()["results"]:
            found[("api", org["id"])] = org["identifier"]
    return found


def test_renaming_slugs_changes_no_identifier(exporter, grants):
    from partnerships.models import Partnership

    # An IATI activity needs dates: give the partnerships some.
    Partnership.objects.update(start_date=date(2017, 1, 1), end_date=date(2019, 12, 31))
    before = identifiers(exporter)
    borlange = Organisation.objects.get(slug="borlange")
    icld = Organisation.objects.get(slug="icld")
    skr = Organisation.objects.get(slug="skr")
    assert before[("json", "Borlänge")] == f"360G-icld-org-{borlange.pk}"
    assert before[("csv", "Borlänge")] == f"360G-icld-org-{borlange.pk}"
    assert before[("api", borlange.pk)] == f"360G-icld-org-{borlange.pk}"
    assert before[("json publisher", "")] == f"360G-icld-org-{skr.pk}"
    assert before[("iati", "reporting-org")] == f"360G-icld-org-{skr.pk}"
    vasteras = Organisation.objects.get(slug="vasteras")
    assert before[("api", vasteras.pk)] == "SE-ON-212000-2080"
    assert any(
        "(SE-ON-212000-2080)" in text
        for (kind, _), text in before.items()
        if kind == "json description"
    )
    for org in (borlange, icld, skr):
        org.slug = f"{org.slug}-renamed"
        org.save()
    # The publisher is found by its slug (OPEN_DATA_PUBLISHER): follow the rename.
    from django.test import override_settings

    with override_settings(OPEN_DATA_PUBLISHER="skr-renamed"):
        after = identifiers(exporter)
    assert after == before


def test_the_360giving_csv_has_a_file_name_of_its_own(client, staff_user, seeded):
    """Issue: the plain and the 360Giving grants CSV downloaded under the same name, so
    the second overwrote the first."""
    client.force_login(staff_user)
    names = []
    for address in ("/partnerskap/bidrag.csv", "/partnerskap/bidrag.csv?columns=360giving"):
        response = client.get(address)
        b"".join(response.streaming_content)  # one download at a time
        names.append(response["Content-Disposition"])
    assert "bidrag-360giving-" in names[1] and names[0] != names[1]
