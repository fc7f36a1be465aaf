"""The PDF of any filtered statistics view and of each record page (issue: "A PDF of any
filtered view"): drawn on the server by WeasyPrint, in the page's language, with the same
figures as the page, the filter in words, the date, the sources and the licence; tagged
for accessibility; drafts never in it. The text is read back with pdftotext, as a reader's
tools would."""

import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from core.models import Publication
from reference.models import Goal, Source
from tests.conftest import english, make_municipality, make_partnership, make_project

pytestmark = pytest.mark.django_db

LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"


def pdf_text(content):
    assert shutil.which("pdftotext"), "pdftotext is missing: scripts/system-deps installs it"
    assert content.startswith(b"%PDF-"), content[:100]
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return squashed(result.stdout.decode("utf-8"))


def squashed(text):
    """Spaces of any kind (no-break, narrow no-break, line ends) as one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


def get_pdf(client, address):
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return response.content


def html_tables(html):
    """{table title: [(row label, [figures])]} of the statistics page's tables, and the
    headline figures, as the page shows them."""
    tree = lxml.html.fromstring(html)
    tables = {}
    for section in tree.xpath("//section[contains(@class, 'stats')]"):
        title = squashed(section.xpath(".//h2")[0].text_content())
        rows = []
        for row in section.xpath(".//tbody/tr"):
            label = squashed(row.xpath("./th")[0].text_content())
            figures = [squashed(cell.text_content()) for cell in row.xpath("./td")]
            rows.append((label, figures))
        tables[title] = rows
    headline = [squashed(f.text_content()) for f in tree.xpath("//span[@class='figure']")]
    return tables, headline


@pytest.fixture
def register(seeded):
    """Partnerships with grants in Kenya and Tanzania beside the seeded projects, and a
    draft partnership in Mozambique that no statistics may count."""
    goal11 = Goal.objects.get(framework="sdg", number=11)
    goal5 = Goal.objects.get(framework="sdg", number=5)
    kommun = make_municipality("Pdfkommun", code="2995", county_code="20", county_name="Dalarna")
    source = Source.objects.create(slug="pdf-kalla", title="Årsrapport om partnerskapen 2017")
    for n, (country, goals, grants) in enumerate(
        [
            ("KE", [goal11], [(2016, 400_000, 2), (2018, 350_000, 1)]),
            ("KE", [goal11, goal5], [(2017, 1_250_000, 3)]),
            ("TZ", [goal5], [(2016, 300_000, 1)]),
        ]
    ):
        partnership = make_partnership(
            f"pdf-partnerskap-{n}",
            title_sv=f"Pdfpartnerskap nummer {n}",
            country=country,
            participants=[kommun],
            goals=goals,
            grants=grants,
            start_year=2016,
            end_year=2019,
        )
        partnership.sources.add(source)
    make_project("pdf-projekt", countries=["KE"], goals=[goal11], start_year=2017)
    make_partnership(
        "hemligt-utkast",
        title_sv="Hemligt utkast",
        country="MZ",
        participants=[kommun],
        goals=[goal11],
        grants=[(2017, 9_990_000, 1)],
        publication=Publication.DRAFT,
    )


@pytest.mark.parametrize("query", ["", "country=KE&goal=11", "goal=5", "municipality=pdfkommun"])
def test_the_statistics_pdf_has_the_figures_of_the_page(client, register, query):
    html = client.get(f"/statistik/?{query}").content.decode()
    text = pdf_text(get_pdf(client, f"/statistik/pdf/?{query}"))
    tables, headline = html_tables(html)
    assert tables and headline
    for figure in headline:
        assert figure in text, figure
    for title, rows in tables.items():
        assert title in text, title
        for label, figures in rows:
            # Each row of the page's table is a row of the PDF's table: the label, then
            # the same figures in the same order.
            assert " ".join([label, *figures]) in text, (title, label, figures)
    assert "Moçambique" not in text and "9 990 000" not in text


def test_the_statistics_pdf_states_the_filter_the_date_the_sources_and_the_licence(
    client, register
):
    text = pdf_text(get_pdf(client, "/statistik/pdf/?country=KE&goal=11"))
    assert "Land: Kenya" in text
    assert "Globalt mål: 11. Hållbara städer och samhällen" in text
    with override("sv"):
        assert date_format(timezone.localdate(), "j F Y") in text
    assert LICENCE in text
    assert "Årsrapport om partnerskapen 2017" in text  # the records' source
    assert "http://testserver/statistik/?country=KE&goal=11" in text  # the page it prints
    whole = pdf_text(get_pdf(client, "/statistik/pdf/"))
    assert "Hela registret" in whole


def test_the_english_statistics_pdf_is_in_english(client, register):
    from pypdf import PdfReader

    content = get_pdf(client, english("/statistik/pdf/?country=KE&goal=11"))
    text = pdf_text(content)
    assert "Country: Kenya" in text and "By year" in text and "Per år" not in text
    with override("en"):
        assert date_format(timezone.localdate(), "j F Y") in text
    reader = PdfReader(_file(content))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title.startswith("Statistics")


def _file(content):
    import io

    return io.BytesIO(content)


def structure_types(reader):
    """Every structure element's type and its alternative text, depth first."""
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_the_pdf_is_tagged_for_accessibility(client, register):
    from pypdf import PdfReader

    content = get_pdf(client, "/statistik/pdf/?country=KE")
    reader = PdfReader(_file(content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "sv"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title.startswith("Statistik")
    # PDF/UA-1 is declared in the XMP metadata.
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and re.search(r"pdfuaid:part[^0-9]*1", xmp)
    types = structure_types(reader)
    names = {name for name, _alt in types}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= names
    # The charts are figures with the text alternative the page gives them.
    alts = [alt for name, alt in types if name == "/Figure"]
    assert alts and all("Stapeldiagram" in alt for alt in alts), alts


def test_the_charts_are_vector_graphics(client, register):
    """No picture of a chart: the PDF has no image at all, and the charts' labels are
    text."""
    from pypdf import PdfReader

    reader = PdfReader(_file(get_pdf(client, "/statistik/pdf/")))
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            assert xobject.get_object().get("/Subtype") != "/Image"


def test_a_project_pdf_has_its_title_facts_and_sources(client, seeded):
    from projects.models import Project

    project = Project.objects.get(slug="symbiocity-kenya")
    text = pdf_text(get_pdf(client, "/projekt/symbiocity-kenya/pdf/"))
    assert project.title_sv in text
    assert "Kenya" in text
    sources = list(project.sources.all())
    assert sources
    for source in sources:
        assert squashed(source.title) in text
    assert LICENCE in text
    assert "http://testserver/projekt/symbiocity-kenya/" in text


def test_a_partnership_pdf_has_its_title_grants_and_sources(client, register):
    text = pdf_text(get_pdf(client, "/partnerskap/pdf-partnerskap-0/pdf/"))
    assert "Pdfpartnerskap nummer 0" in text
    assert "Pdfkommun" in text and "Kenya" in text
    assert "800 000" in text and "350 000" in text and "1 150 000" in text  # grants, total
    assert "Årsrapport om partnerskapen 2017" in text
    english_text = pdf_text(get_pdf(client, "/en/partnerships/pdf-partnerskap-0/pdf/"))
    assert "Grants" in english_text and "800,000" in english_text


def test_a_draft_s_pdf_is_not_found_by_the_public(client, register, editor):
    draft = make_project("utkastprojekt", title_sv="Utkastprojekt", publication=Publication.DRAFT)
    for address in ("/projekt/utkastprojekt/pdf/", "/partnerskap/hemligt-utkast/pdf/"):
        assert client.get(address).status_code == 404, address
        assert client.get(english(address)).status_code == 404, address
    client.force_login(editor)
    text = pdf_text(get_pdf(client, "/projekt/utkastprojekt/pdf/"))
    assert draft.title_sv in text and "inte publicerad" in text  # the preview says so


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "goal=99&year=abc",
        "theme=finns-inte&programme=%00",
        "status=" + "x" * 5000,
        "municipality=borlange&unstated=budget",
        "q=" + "å" * 300,
        "page=-1&sort=nonsense&format=csv",
    ],
)
def test_a_bad_filter_value_gives_the_notice_not_an_error(client, register, query):
    html = client.get(f"/statistik/?{query}")
    response = client.get(f"/statistik/pdf/?{query}")
    assert response.status_code == html.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    notices = lxml.html.fromstring(html.content).xpath("//div[@class='notice']//li")
    for notice in notices:
        # A NUL byte the visitor sent is dropped by both (the page shows U+FFFD).
        words = squashed(re.sub("[\x00-\x1f\ufffd]", " ", notice.text_content()))
        assert words[:60] in text
    if notices:
        assert "Några av filtren kunde inte användas" in text


def test_the_pages_link_to_their_pdf(client, register):
    html = client.get("/statistik/?country=KE&goal=11").content.decode()
    assert 'href="/statistik/pdf/?country=KE&amp;goal=11"' in html
    assert "Ladda ner som PDF" in html
    html = client.get("/en/statistics/?country=KE").content.decode()
    assert 'href="/en/statistics/pdf/?country=KE"' in html and "Download as PDF" in html
    html = client.get("/projekt/pdf-projekt/").content.decode()
    assert 'href="/projekt/pdf-projekt/pdf/"' in html
    html = client.get("/en/partnerships/pdf-partnerskap-1/").content.decode()
    assert 'href="/en/partnerships/pdf-partnerskap-1/pdf/"' in html


def test_a_renamed_record_s_old_pdf_address_moves_to_the_new_pdf(client, register):
    from partnerships.models import Partnership

    partnership = Partnership.objects.get(slug="pdf-partnerskap-2")
    partnership.slug = "pdf-partnerskap-tanzania"
    partnership.save()
    response = client.get("/partnerskap/pdf-partnerskap-2/pdf/")
    assert response.status_code == 301
    assert response["Location"] == "/partnerskap/pdf-partnerskap-tanzania/pdf/"


def test_nothing_is_fetched_from_other_hosts(client, seeded, settings, monkeypatch):
    """The stylesheet is read from the static files; any other address is refused, so a
    PDF never makes a request to the network."""
    import socket

    from core.pdf import local_fetcher

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetcher = local_fetcher("http://testserver/")
    stylesheet = fetcher.fetch("http://testserver/static/css/pdf.css")
    assert b"@page" in stylesheet.read()
    for address in (
        "http://example.org/static/css/pdf.css",
        "https://fonts.example.com/font.woff2",
        Path(__file__).resolve().as_uri(),  # a file of this machine
        "http://testserver/static/../../skrsite/settings.py",
        "http://testserver/admin/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(address)
    assert client.get("/statistik/pdf/").status_code == 200


def test_check_deploy_warns_when_weasyprint_cannot_load(monkeypatch):
    import sys

    from core.pdf import pdf_engine

    assert pdf_engine() == []
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    assert [warning.id for warning in pdf_engine()] == ["core.W001"]


@pytest.mark.browser
def test_a_screenshot_of_the_statistics_pdf(client, register):
    """Writes page 1 of the statistics PDF as a picture to screenshots/ (ignored by git;
    README, "Tests"), for people to look at."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/system-deps installs it"
    folder = Path(__file__).resolve().parent.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    for name, address in (
        ("statistics-pdf", "/statistik/pdf/?country=KE"),
        ("partnership-pdf", "/partnerskap/pdf-partnerskap-0/pdf/"),
    ):
        stem = folder / f"{name}-page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-", str(stem)],
            input=get_pdf(client, address),
            check=True,
        )
        pictures = sorted(folder.glob(f"{name}-page-*1.png"))
        assert pictures, list(folder.iterdir())
        target = folder / f"{name}-page-1.png"
        if pictures[0] != target:
            pictures[0].replace(target)
        assert target.stat().st_size > 10_000


def test_a_client_looping_on_pdfs_is_told_to_wait(client, register, settings, monkeypatch):
    """A PDF takes a second of a worker: the limits of whole-file downloads apply (per
    client address and minute, and the slots shared by all workers)."""
    from types import SimpleNamespace

    from core import throttle

    # One minute's window for the whole test: three PDFs take seconds on a loaded machine
    # and once crossed a minute's boundary, where the third counted in a new window.
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.EXPORT_DOWNLOADS_PER_MINUTE = 2
    cache.clear()  # no count of another test's
    for query in ("goal=5", "country=KE"):
        assert client.get(f"/statistik/pdf/?{query}", REMOTE_ADDR="192.0.2.9").status_code == 200
    refused = client.get("/statistik/pdf/?goal=11", REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get("/statistik/pdf/?goal=11", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.get("/statistik/?goal=11", REMOTE_ADDR="192.0.2.9").status_code == 200
