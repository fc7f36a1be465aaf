"""Importing a grant round: preview without writes, all-or-nothing, idempotent, bad files."""

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.importing import RoundImport, grant_round_import, read_rows
from partnerships.models import Grant, GrantRound, Partnership
from reference.models import Organisation as Municipality
from tests.conftest import admin_form_data

pytestmark = pytest.mark.django_db

HEADER = "svensk_deltagare;partnerkommun;land;titel;teman;mal;kronor_per_ar;ar;beviljat_ar\n"
GOOD = HEADER + (
    "Borlänge;Nakuru;Kenya;Lokal demokrati i Nakuru;medborgardialog;11;400 000;3;2016\n"
    "Region Gotland;;XK;Jämställd förvaltning;womens-participation;5;300000;2;2016\n"
    "Piteå;;KE;Ny deltagare från SCB:s lista;;;500000;1;2016\n"
)


@pytest.fixture
def round_(seeded):
    return GrantRound.objects.get()


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def import_url(round_):
    return reverse("admin:partnerships_grantround_import", args=[round_.pk])


def upload(client, round_, content, name="beslut.csv"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return client.post(import_url(round_), {"file": SimpleUploadedFile(name, data, "text/csv")})


def confirm(client, round_, preview):
    """Presses "Save all rows" on the preview page the upload answered with."""
    token = re.search(r'name="confirm" value="([^"]+)"', preview.content.decode()).group(1)
    return client.post(import_url(round_), {"confirm": token})


def counts():
    return (Partnership.objects.count(), Grant.objects.count(), Municipality.objects.count())


def test_preview_writes_nothing_then_confirm_writes_all(admin_client, round_, editor):
    before = counts()
    preview = upload(admin_client, round_, GOOD)
    assert preview.status_code == 200
    assert preview.context["summary"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert counts() == before

    response = confirm(admin_client, round_, preview)
    assert response.status_code == 302
    assert Partnership.objects.count() == before[0] + 3
    nakuru = Partnership.objects.get(title_sv="Lokal demokrati i Nakuru")
    assert nakuru.publication == "draft" and nakuru.country_id == "KE"
    assert [m.name for m in nakuru.partner_governments] == ["Nakuru"]
    assert [m.scb_code for m in nakuru.swedish_participants] == ["2081"]
    grant = nakuru.grants.get()
    assert (grant.amount_sek_per_year, grant.duration_years, grant.year) == (400_000, 3, 2016)
    # ICLD decides the grant, with money from Sida.
    assert grant.created_by == editor
    assert (grant.grant_maker.slug, grant.funding_source.slug) == ("icld", "sida")
    assert (nakuru.start_year, nakuru.end_year) == (2016, 2018)
    assert Municipality.objects.get(name_sv="Piteå").scb_code == "2581"  # from SCB's list
    # A new partner local government waits as a draft: its name reaches no public page.
    assert Municipality.objects.get(name_sv="Nakuru").publication == "draft"
    # The round's announcement is the imported partnerships' source (issue: the data-quality
    # view flagged every imported partnership as without source).
    assert round_.source is not None
    assert list(nakuru.sources.all()) == [round_.source]


def test_a_municipality_the_import_publishes_has_its_publication_date(admin_client, round_):
    """Added from SCB's list, Piteå is published, so it gets the date it was first
    published, as save() gives every record (the bulk write once left it empty)."""
    confirm(admin_client, round_, upload(admin_client, round_, GOOD))
    pitea = Municipality.objects.get(name_sv="Piteå")
    assert pitea.publication == "published" and pitea.published_at is not None
    assert Municipality.objects.get(name_sv="Nakuru").published_at is None  # a draft


def test_reimporting_the_same_file_changes_nothing(admin_client, round_):
    confirm(admin_client, round_, upload(admin_client, round_, GOOD))
    before = counts()
    history_before = Partnership.history.count()
    response = upload(admin_client, round_, GOOD)
    assert response.context["summary"] == {"create": 0, "update": 0, "unchanged": 3, "errors": 0}
    confirm(admin_client, round_, response)
    assert counts() == before
    assert Partnership.history.count() == history_before


def test_changed_amount_is_an_update(admin_client, round_):
    confirm(admin_client, round_, upload(admin_client, round_, GOOD))
    response = upload(admin_client, round_, GOOD.replace("400 000", "450000"))
    assert response.context["summary"]["update"] == 1
    confirm(admin_client, round_, response)
    assert (
        Grant.objects.get(partnership__title_sv="Lokal demokrati i Nakuru").amount_sek_per_year
        == 450_000
    )


# Issue "Reliability and security", point 4: an import is saved exactly once.

THIRTY = HEADER + "".join(
    f"Borlänge;Partnerstad {n};KE;Partnerskap nummer {n};;11;400000;2;2016\n" for n in range(30)
)


def test_saving_the_same_preview_twice_saves_once(admin_client, round_, editor):
    preview = upload(admin_client, round_, GOOD)
    assert confirm(admin_client, round_, preview).status_code == 302
    before, history_before = counts(), Partnership.history.count()
    again = confirm(admin_client, round_, preview)
    assert again.status_code == 409
    page = again.content.decode()
    assert "Raderna i den här filen är redan sparade; inget sparades två gånger." in page
    assert "grants__grant_round__id__exact=" in page and "Visa omgångens utkast" in page
    assert counts() == before and Partnership.history.count() == history_before


def test_another_users_preview_cannot_be_saved(client, round_, editor):
    from tests.conftest import make_user

    client.force_login(editor)
    preview = upload(client, round_, GOOD)
    client.force_login(make_user("colleague", "Editors"))
    before = counts()
    response = confirm(client, round_, preview)
    assert "Förhandsvisningen har gått ut; ladda upp filen igen." in response.content.decode()
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_save_the_rows_once(round_, editor):
    """Two requests of one session press "Save all rows" of the same preview at the same
    moment: one saves the 30 rows, the other is told they are saved; never a 500."""
    from django.db import connection
    from django.test import Client

    first = Client(raise_request_exception=False)
    first.force_login(editor)
    preview = upload(first, round_, THIRTY)
    assert preview.context["summary"]["create"] == 30
    second = Client(raise_request_exception=False)
    second.cookies = first.cookies  # the same session
    before = counts()
    barrier, responses = threading.Barrier(2), {}

    def press(client):
        try:
            barrier.wait(timeout=10)
            responses[client] = confirm(client, round_, preview)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [302, 409]
    told = next(r for r in responses.values() if r.status_code == 409).content.decode()
    assert "är redan sparade" in told
    assert Partnership.objects.count() == before[0] + 30
    assert Grant.objects.count() == before[1] + 30
    titles = Partnership.objects.filter(title_sv__startswith="Partnerskap nummer ")
    assert sorted(titles.values_list("title_sv", flat=True)) == sorted(
        f"Partnerskap nummer {n}" for n in range(30)
    )


# Point 8: an xlsx file whose sheet claims 16 384 columns (A1:XFD…) is read in little memory.


def wide_xlsx(rows_below):
    """GOOD as an Excel sheet with a cell in the last column (XFD) and styled, empty cells
    in the `rows_below` rows under the decisions, as a spreadsheet that once had them."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().split("\n"):
        sheet.append(line.split(";"))
    sheet.cell(row=2, column=16384, value="anteckning långt till höger")
    for row in range(5, 5 + rows_below):
        sheet.cell(row=row, column=1).font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_as_wide_as_excel_allows_is_read_in_little_memory(admin_client, round_):
    import time
    import tracemalloc

    content = wide_xlsx(rows_below=600)
    assert len(content) < 50_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        response = upload(admin_client, round_, content, name="beslut.xlsx")
        elapsed = time.monotonic() - started
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.context["summary"] == {"create": 3, "update": 0, "unchanged": 0, "errors": 0}
    assert [row.line for row in response.context["results"]] == [2, 3, 4]
    assert peak < 50 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    assert elapsed < 10


def test_reading_an_xlsx_stops_after_its_time(admin_client, round_, monkeypatch):
    from partnerships import importing

    monkeypatch.setattr(importing, "MAX_XLSX_SECONDS", -1)
    response = upload(admin_client, round_, wide_xlsx(rows_below=0), name="beslut.xlsx")
    assert "Excelfilen tar för lång tid att läsa." in response.content.decode()
    assert response.context["results"] is None


def test_row_errors_are_explained_in_swedish(admin_client, round_):
    bad = HEADER + (
        "Borlänga;;KE;A;;;400000;3;2016\n"
        "Borlänge;;;B;;;400000;3;2016\n"
        "Borlänge;;KE;C;;;fyrahundra;3;2016\n"
        "Borlänge;;KE;D;;;400000;4;2016\n"
        "Borlänge;;KE;E;;99;900000;2;2016\n"
    )
    before = counts()
    response = upload(admin_client, round_, bad)
    body = response.content.decode()
    assert "Okänd kommun ”Borlänga”. Menade du ”Borlänge”?" in body
    assert "Land saknas." in body
    assert "Beloppet ”fyrahundra” är inte ett tal." in body
    assert "Längden 4 år ligger utanför omgångens intervall 1–3." in body
    assert "”99” är inget målnummer 1–17." in body
    assert "utanför omgångens intervall 300\xa0000–500\xa0000" in body  # numbers formatted
    assert response.context["summary"]["errors"] == 5
    assert "Spara alla rader" not in body
    assert counts() == before


@pytest.mark.parametrize(
    "cells,column,message",
    [
        ("Borlänge;;KE;A;;;;3;2016", "sek_per_year", "Belopp saknas."),
        ("Borlänge;;KE;A;;;0;3;2016", "sek_per_year", "Beloppet måste vara större än 0."),
        ("Borlänge;;KE;A;;;3000000000;3;2016", "sek_per_year", "större än registret kan lagra"),
        ("Borlänge;;KE;A;;;400000;0;2016", "years", "Längden måste vara större än 0."),
        ("Borlänge;;KE;A;;;400000;11;2016", "years", "Längden får vara högst 10 år, inte 11."),
        ("Borlänge;;KE;A;;;400000;3;1800", "year", "”1800” är inte ett årtal mellan 1990"),
        ("Borlänge;;KE;A;;;400000;3;tjugo", "year", "”tjugo” är inte ett årtal mellan 1990"),
        ("Borlänge;;KE;" + "x" * 301 + ";;;400000;3;2016", "title", "300 tecken (den har 301)"),
        ("Borlänge;;Atlantis;A;;;400000;3;2016", "country", "Okänt land ”Atlantis”."),
        ("Borlänge;;KE;A;ingenting;;400000;3;2016", "themes", "Okänt tema ”ingenting”."),
    ],
)
def test_each_cell_gets_the_message_of_its_rule(round_, cells, column, message):
    """The row's form checks each cell by the model's own rules; the message goes to the
    cell, in Swedish."""
    (row,) = RoundImport(round_).check(*read_rows((HEADER + cells + "\n").encode()))
    assert message in " ".join(row.column_errors[column]), row.column_errors
    assert list(row.column_errors) == [column] and row.row_errors == []


def test_failing_row_rolls_back_everything(round_, editor, monkeypatch):
    """A failure in the last write (the grants) leaves nothing of the earlier ones."""
    from partnerships import importing

    header, body = read_rows(GOOD.encode())
    results = RoundImport(round_).check(header, body)
    before = counts()
    original = importing.bulk_create_with_history

    def fail_on_grants(objs, model, *args, **kwargs):
        if model is Grant:
            raise RuntimeError("disk full")
        return original(objs, model, *args, **kwargs)

    monkeypatch.setattr(importing, "bulk_create_with_history", fail_on_grants)
    with pytest.raises(RuntimeError):
        grant_round_import(grant_round=round_, results=results, user=editor)
    assert counts() == before


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "Filen är tom."),
        (b"   \n", "Filen är tom."),
        (b"name,amount\nx,1\n", "Obligatoriska kolumner saknas"),
        (b"\x00\x01\x02binary", "varken en textfil"),
    ],
)
def test_bad_files_get_a_clear_message(admin_client, round_, content, message):
    before = counts()
    response = upload(admin_client, round_, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_the_row_limit_holds_for_both_formats_and_blank_rows_at_the_end_do_not_count(
    admin_client, round_, monkeypatch
):
    from partnerships import importing

    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    for name, content in (("beslut.csv", GOOD), ("beslut.xlsx", wide_xlsx(rows_below=0))):
        response = upload(admin_client, round_, content, name=name)
        assert "Filen har fler än 2 rader." in response.content.decode(), name
    two_rows = "\n".join(GOOD.split("\n")[:3]) + "\n;;;;;;;;\n\n\n"
    assert upload(admin_client, round_, two_rows).context["summary"]["create"] == 2


def test_an_xlsx_that_unpacks_too_large_is_refused(admin_client, round_, monkeypatch):
    from partnerships import importing

    monkeypatch.setattr(importing, "MAX_XLSX_UNPACKED_BYTES", 1000)
    response = upload(admin_client, round_, wide_xlsx(rows_below=0), name="beslut.xlsx")
    assert "Excelfilen är för stor när den packas upp." in response.content.decode()


def test_an_old_excel_file_and_a_broken_csv_are_explained(admin_client, round_):
    old_excel = upload(admin_client, round_, b"\xd0\xcf\x11\xe0" + b"x" * 100, name="b.xls")
    assert "Excels gamla format (xls)" in old_excel.content.decode()
    broken = HEADER + 'Borlänge;;KE;"' + "x" * 200_000 + '";;;400000;3;2016\n'
    assert "Filen kunde inte läsas som CSV" in upload(admin_client, round_, broken).content.decode()
    # Whatever another library set for the whole process (frictionless raises the csv
    # module's field limit when it is imported): the import keeps its own.
    import csv
    import sys

    before = csv.field_size_limit(sys.maxsize)
    try:
        text = upload(admin_client, round_, broken).content.decode()
    finally:
        csv.field_size_limit(before)
    assert "Filen kunde inte läsas som CSV: en cell har fler än 131" in text


def test_excel_latin1_semicolon_and_bom(admin_client, round_):
    latin1 = GOOD.encode("cp1252")
    assert upload(admin_client, round_, latin1).context["summary"]["create"] == 3
    bom_comma = ("\ufeff" + GOOD.replace(";", ",").replace("400 000", "400000")).encode("utf-8")
    assert upload(admin_client, round_, bom_comma).context["summary"]["create"] == 3


def test_duplicate_rows_in_the_file(admin_client, round_):
    line = "Borlänge;;KE;A;;;400000;3;2016\n"
    response = upload(admin_client, round_, HEADER + line + line)
    assert "Samma deltagare, partner och land som rad 2." in response.content.decode()


def test_fifty_megabyte_file_is_refused(admin_client, round_):
    big = HEADER.encode() + b"x" * (50 * 1024 * 1024)
    response = upload(admin_client, round_, big)
    assert "Filen är 50,0 MB; största tillåtna är 5 MB." in response.content.decode()


def test_staff_cannot_import(client, staff_user, round_):
    client.force_login(staff_user)
    assert client.get(import_url(round_)).status_code == 403


def test_history_after_admin_edit_and_restore(admin_client, editor, seeded):
    from projects.models import Project

    project = Project.objects.get(slug="symbiocity-kenya")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(admin_client, url)
    data.update(title_sv="Ändrad titel")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = project.history.first()
    assert latest.title_sv == "Ändrad titel" and latest.history_user == editor
    previous = latest.prev_record
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "title_sv"] == [
        ("title_sv", "SymbioCity Kenya", "Ändrad titel")
    ]
    history_page = admin_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert "Ändrad titel" in history_page.content.decode()
    # Restore the earlier version through the admin's revert form.
    revert_url = reverse(
        "admin:projects_project_simple_history", args=[project.pk, previous.history_id]
    )
    revert_data = admin_form_data(admin_client, revert_url)
    assert admin_client.post(revert_url, revert_data).status_code == 302
    project.refresh_from_db()
    assert project.title_sv == "SymbioCity Kenya"


def test_history_records_imports(admin_client, round_, editor):
    confirm(admin_client, round_, upload(admin_client, round_, GOOD))
    nakuru = Partnership.objects.get(title_sv="Lokal demokrati i Nakuru")
    assert nakuru.history.count() >= 1
    assert nakuru.history.first().history_user == editor


def test_a_row_with_more_cells_than_the_header_says_so(admin_client, round_):
    """An unquoted ; inside a title shifts every later cell: the row says how many cells
    it has against the header's, not a confusing message about the shifted amount."""
    shifted = HEADER + (
        "Borlänge;Nakuru;Kenya;Vatten; avlopp och hygien;medborgardialog;11;400 000;3;2016\n"
        "Borlänge;;KE;Rätt rad;;;400000;3;2016\n"
    )
    body = upload(admin_client, round_, shifted).content.decode()
    assert "Raden har 10 celler men rubrikraden har 9" in body
    assert "Beloppet" not in body
    assert upload(admin_client, round_, shifted).context["summary"]["errors"] == 1
