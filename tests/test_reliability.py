"""Issue #14, reliability and security: CSV rows that survive any text, a page cache that
every process invalidates at once, client addresses behind a proxy, /healthz over plain
HTTP, and the headers every response carries."""

import csv
import io

import pytest
from django.test import override_settings

from core.exports import FORMULA_STARTS
from tests.conftest import make_project

pytestmark = pytest.mark.django_db


# 3. CSV rows and line breaks -----------------------------------------------------------


class WriterBefore3123:
    """csv.writer as CPython wrote before 3.12.3 (gh-67044), which the project's
    `requires-python >= 3.12` admits: under QUOTE_MINIMAL a field is quoted only when it
    holds the delimiter, the quote character or a character of the line terminator, so
    with lineterminator="\\n" a lone carriage return is written bare."""

    def __init__(self, out, delimiter=",", lineterminator="\r\n", **kwargs):
        self.out, self.delimiter, self.terminator = out, delimiter, lineterminator

    def writerow(self, row):
        special = {self.delimiter, '"', *self.terminator}
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if special & set(text):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        return self.out.write(self.delimiter.join(cells) + self.terminator)


NASTY = {
    "title_sv": "bare CR\r=2+2",
    "title_en": "=1+1\r\n@SUM(A1)",
    "summary_sv": "line\n-1\r+2\n\n\r\r=3",
}


def parse(response, delimiter):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("python_csv", ["this Python", "CPython < 3.12.3"])
@pytest.mark.parametrize(
    "via, export_format",
    [("list export", "csv"), ("list export", "excel"), ("admin action", "csv")],
)
def test_line_breaks_in_cells_never_split_rows(
    client, editor, monkeypatch, python_csv, via, export_format
):
    if python_csv != "this Python":
        monkeypatch.setattr(csv, "writer", WriterBefore3123)
    nasty = make_project("nasty", countries=["KE"], **NASTY)
    plain = make_project("plain", countries=["KE"], title_sv="Vanligt projekt")
    client.force_login(editor)
    delimiter = ";" if export_format == "excel" else ","
    if via == "list export":
        listed = client.get("/projekt/?country=KE").context["object_list"]
        response = client.get(f"/projekt/export.csv?country=KE&format={export_format}")
        expected = [p.slug for p in listed]
    else:
        response = client.post(
            "/admin/projects/project/",
            {"action": "export_selected", "_selected_action": [nasty.pk, plain.pk]},
        )
        expected = ["nasty", "plain"]
    header, *rows = parse(response, delimiter)
    assert len(rows) == len(expected) == 2
    assert all(len(row) == len(header) for row in rows)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(r["slug"] for r in records) == sorted(expected)
    nasty_row = next(r for r in records if r["slug"] == "nasty")
    assert nasty_row["title_sv"] == "bare CR\r=2+2"
    assert nasty_row["title_en"] == "'=1+1\r\n@SUM(A1)"
    assert nasty_row["summary_sv"] == NASTY["summary_sv"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


# 10. /healthz over plain HTTP ----------------------------------------------------------


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_check_answers_plain_http_when_https_is_on(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/projekt/").status_code == 301  # everything else is redirected


# 12. Headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/projekt/", "/en/", "/admin/login/", "/healthz"])
def test_every_response_has_permissions_and_resource_policies(client, path):
    response = client.get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
