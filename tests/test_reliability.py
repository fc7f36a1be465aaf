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


# 9. Client addresses behind a proxy ----------------------------------------------------


def login(client, password, forwarded_for, proxy="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_the_client_address_comes_from_x_forwarded_for(client, editor):
    from skrsite.settings import client_address_settings

    with override_settings(**client_address_settings(proxy_count=1)):
        for _ in range(5):
            login(client, "wrong", "198.51.100.7")
        assert login(client, "correct horse battery", "198.51.100.7").status_code == 429
        # What a client writes into the header itself comes before the proxy's entry.
        spoofed = login(client, "correct horse battery", "198.51.100.8, 198.51.100.7")
        assert spoofed.status_code == 429
        # Another client behind the same proxy is not locked out.
        assert login(client, "correct horse battery", "198.51.100.8").status_code == 302


def test_without_a_proxy_x_forwarded_for_is_ignored(client, editor):
    from skrsite.settings import client_address_settings

    with override_settings(**client_address_settings(proxy_count=0)):
        for _ in range(5):
            login(client, "wrong", "198.51.100.7", proxy="203.0.113.5")
        changed = login(client, "correct horse battery", "198.51.100.9", proxy="203.0.113.5")
        assert changed.status_code == 429


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
