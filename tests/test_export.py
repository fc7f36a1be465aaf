"""Staff export exactly what a filtered list shows, as CSV that Excel reads correctly."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Grant
from reference.models import Organisation as Municipality
from tests.conftest import make_partnership, make_project, set_roles

pytestmark = pytest.mark.django_db


def read_csv(response, delimiter=","):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show å, ä, ö"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


@pytest.fixture
def exporter(client, staff_user):
    client.force_login(staff_user)
    return client


def test_export_has_exactly_the_rows_the_page_lists(exporter, seeded, goals):
    make_project("extra-kenya", countries=["KE"], goals=[goals[11]], title_sv="Extra Kenya")
    query = "?country=KE&goal=11"
    page = exporter.get("/projekt/" + query)
    listed = [p.slug for p in page.context["object_list"]]
    rows = read_csv(exporter.get("/projekt/export.csv" + query))
    assert [r["slug"] for r in rows] == listed == ["extra-kenya", "symbiocity-kenya"]
    row = rows[1]
    assert row["country_codes"] == "KE" and row["country_names"] == "Kenya"
    assert row["goal_numbers"] == "11" and row["goal_titles"] == "Hållbara städer och samhällen"
    assert row["url"] == "http://testserver/projekt/symbiocity-kenya/"


def test_export_link_is_shown_to_staff_only(client, exporter, seeded):
    body = exporter.get("/projekt/?country=KE").content.decode()
    assert 'href="/projekt/export.csv?country=KE"' in body
    client.logout()
    assert "export.csv" not in client.get("/projekt/?country=KE").content.decode()


def test_anonymous_is_sent_to_login_and_others_refused(client, seeded):
    response = client.get("/projekt/export.csv?country=KE")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("visitor", password="correct horse battery"))
    assert client.get("/projekt/export.csv").status_code == 403
    assert client.get("/partnerskap/bidrag.csv").status_code == 403


def test_swedish_characters_and_excel_variant(exporter, seeded):
    response = exporter.get("/kommuner/export.csv?format=excel")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kommuner-excel-' in response["Content-Disposition"]
    rows = read_csv(response, delimiter=";")
    names = {r["name"] for r in rows}
    assert {"Borlänge", "Västerås", "Växjö", "Region Västerbotten"} <= names
    assert len(rows) == 21
    borlange = next(r for r in rows if r["name"] == "Borlänge")
    assert borlange["code"] == "2081" and borlange["county_name"] == "Dalarnas län"


def test_formulas_are_neutralised(exporter, db):
    make_project(
        "evil", title_sv='=HYPERLINK("http://x","y")', summary_sv="+1-1", title_en="@SUM(A1)"
    )
    row = read_csv(exporter.get("/projekt/export.csv"))[0]
    assert row["title_sv"] == '\'=HYPERLINK("http://x","y")'
    assert row["summary_sv"] == "'+1-1"
    assert row["title_en"] == "'@SUM(A1)"


def test_grants_export_and_360giving_columns(exporter, seeded, goals):
    borlange = Municipality.objects.get(slug="borlange")
    make_partnership(
        "borlange-kenya",
        country="KE",
        participants=[borlange],
        goals=[goals[11]],
        grants=[(2016, 400_000, 3)],
    )
    make_partnership("elsewhere", country="CN", grants=[(2017, 300_000, 1)])
    rows = read_csv(exporter.get("/partnerskap/bidrag.csv?country=KE"))
    assert len(rows) == 1
    assert rows[0]["amount_sek_per_year"] == "400000" and rows[0]["total_sek"] == "1200000"
    assert rows[0]["swedish_participant_codes"] == "2081"

    # 360Giving (more in tests/test_one_description.py, which reads the file back as JSON)
    # leaves out a grant without a grant-maker.
    url = "/partnerskap/bidrag.csv?country=KE&columns=360giving"
    assert read_csv(exporter.get(url)) == []
    set_roles(Grant.objects.all(), grant_maker=Municipality.objects.get(slug="icld"))
    (row,) = read_csv(exporter.get(url))
    assert row["Identifier"].startswith("360G-icld-")
    assert row["Currency"] == "SEK" and row["Amount Awarded"] == "1200000"
    assert row["Award Date"] == "2016-01-01"
    assert row["Planned Dates:0:Duration (months)"] == "36"
    assert row["Recipient Org:0:Name"] == "Borlänge"
    assert row["Beneficiary Location:0:Country Code"] == "KE"
    assert row["Classifications:0:Code"] == "11"


def test_invalid_filters_export_no_rows(exporter, seeded):
    rows = read_csv(exporter.get("/projekt/export.csv?country=ZZ"))
    assert rows == []


def build(n, goals, offset):
    kommun = Municipality.objects.create(
        slug=f"k-{offset}",
        name_sv=f"K {offset}",
        kind="kommun",
        country_id="SE",
        publication="published",
    )
    for i in range(n):
        make_project(f"p-{offset}-{i}", countries=["KE", "CO"], goals=[goals[11], goals[13]])
        make_partnership(
            f"s-{offset}-{i}",
            country="KE",
            participants=[kommun],
            goals=[goals[11]],
            grants=[(2016, 300_000, 2)],
        )
    # 360Giving describes only grants with a grant-maker.
    set_roles(Grant.objects.filter(roles=None), grant_maker=kommun)


@pytest.mark.parametrize(
    "url",
    [
        "/projekt/export.csv?country=KE",
        "/partnerskap/export.csv",
        "/partnerskap/bidrag.csv",
        "/partnerskap/bidrag.csv?columns=360giving",
        "/kommuner/export.csv",
    ],
)
def test_export_query_count_is_constant(exporter, goals, url, no_stream_limits):
    # Pinned per database: PostgreSQL streams the rows with one COPY statement; the
    # 360Giving CSV reads the grants as the JSON package does (the published programmes,
    # the grants with their own grant-makers, their recipients and goals) and first how
    # many recipients and goals the widest has.
    if "360giving" in url:
        expected = 10  # + the rounds' grant-makers (partnerships.GrantRoundParticipant)
    else:
        expected = 4 if connection.vendor == "postgresql" else 5

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = exporter.get(url)
            rows = b"".join(response.streaming_content).count(b"\n")
        return len(ctx.captured_queries), rows

    build(5, goals, 0)
    few, few_rows = count()
    build(495, goals, 1)
    many, many_rows = count()
    assert many_rows > few_rows
    assert few == many == expected


def test_export_is_logged(exporter, seeded, caplog):
    with caplog.at_level("INFO", logger="register.export"):
        b"".join(exporter.get("/projekt/export.csv?goal=11").streaming_content)
    assert "user=analyst" in caplog.text and "goal=11" in caplog.text and "rows=3" in caplog.text


def test_export_log_counts_records_not_lines(exporter, seeded, caplog):
    """A summary with line breaks is one record, however many lines its cell spans."""
    from projects.models import Project

    Project.objects.filter(slug="symbiocity-kenya").update(summary_sv="En\ntvå\r\ntre")
    with caplog.at_level("INFO", logger="register.export"):
        body = b"".join(exporter.get("/projekt/export.csv?country=KE").streaming_content)
    assert b"En\ntv" in body  # the line break is inside one quoted cell
    assert "rows=1" in caplog.text


def test_admin_action_exports_selected(client, editor, seeded):
    from projects.models import Project

    client.force_login(editor)
    ids = list(Project.objects.filter(slug__startswith="symbiocity").values_list("pk", flat=True))
    response = client.post(
        "/admin/projects/project/", {"action": "export_selected", "_selected_action": ids}
    )
    rows = read_csv(response)
    assert sorted(r["slug"] for r in rows) == [
        "symbiocity-colombia",
        "symbiocity-kenya",
        "symbiocity-myanmar",
    ]


HOSTILE = [
    "=SUMMA(A1)",
    "+46 8",
    "-minus",
    "@handle",
    "\tflik",
    "\rvagn",
    'citat "så"; semikolon\nny rad',
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize(
    "path",
    [
        "/projekt/export.csv",
        "/partnerskap/export.csv",
        "/partnerskap/bidrag.csv",
        "/kommuner/export.csv",
        "/partnerskap/export.csv?format=excel",
        "/partnerskap/bidrag.csv?country=KE",
    ],
)
def test_copy_and_the_python_path_write_the_same_bytes(exporter, seeded, settings, path):
    """One description of each cell: PostgreSQL's COPY and the Python path (SQLite's)
    write byte for byte the same file, formula-like, quoted and multi-line text included."""
    from partnerships.models import Partnership
    from projects.models import Project

    borlange = Municipality.objects.get(slug="borlange")
    for i, text in enumerate(HOSTILE):
        make_project(f"fientlig-{i}", title_sv=text, summary_sv=text, countries=["KE"])
        make_partnership(
            f"fientlig-{i}",
            country="KE",
            participants=[borlange],
            start_year=2016,
            grants=[(2016, 100_000 + i, 2)],
        )
    make_partnership("uganda", country="UG", participants=[borlange], grants=[(2017, 1, 1)])
    from partnerships.models import Grant

    set_roles(
        Grant.objects.filter(partnership__slug__in=["fientlig-1", "uganda"]),
        grant_maker=Municipality.objects.get(slug="icld"),
        funding_source=borlange,
    )
    Project.objects.filter(slug__startswith="fientlig").update(title_en="=1+1")
    Partnership.objects.filter(slug__startswith="fientlig").update(title_en="-1")
    Municipality.objects.filter(slug="borlange").update(name_en='=HYPERLINK("x")')

    def work_mem():
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    before = work_mem()
    files = []
    for use_copy in (True, False):
        settings.EXPORT_USE_COPY = use_copy
        files.append(b"".join(exporter.get(path).streaming_content))
    assert files[0].count(b"\n") > len(HOSTILE)
    assert files[0] == files[1]
    # The export's own work_mem (EXPORT_WORK_MEM) ends with it.
    assert settings.EXPORT_WORK_MEM != before and work_mem() == before
