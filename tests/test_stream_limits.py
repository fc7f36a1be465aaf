"""A few clients looping on whole-file downloads cannot take every worker (issue: four
anonymous clients on bidrag.json and iati.xml took the pages from 168 to 5.9 req/s): at
most EXPORT_STREAMS_TOTAL downloads run at once and one per client address; the next
gets 429 with Retry-After, and a slot is free again when its download is closed."""

import pytest
from django.core.cache import cache

from tests.conftest import describable_partnership, describable_project

pytestmark = pytest.mark.django_db

# Filtered, so computed for each request (the whole files are written once, below).
FILES = [
    "/partnerskap/bidrag.json?country=KE",
    "/partnerskap/iati.xml?country=KE",
    "/projekt/iati.xml?country=KE",
]


@pytest.fixture
def limits(settings, seeded):
    settings.EXPORT_STREAMS_TOTAL = 2
    settings.EXPORT_STREAMS_PER_CLIENT = 1
    cache.clear()
    describable_project("p")
    describable_partnership("q")  # in every file (a file of no record is a 404)


def started(client, path, address):
    """A download whose first bytes were read and whose rest is not (still running)."""
    response = client.get(path, REMOTE_ADDR=address)
    assert response.status_code == 200, response.content
    response.rest = iter(response.streaming_content)
    next(response.rest)
    return response


def finish(response):
    """Reads the download to its end, which closes it (as a client that finishes does;
    the test client then closes it without touching the test's database connection)."""
    b"".join(response.rest)


@pytest.mark.parametrize("path", FILES)
def test_one_download_at_a_time_per_client(client, limits, path):
    first = started(client, path, "192.0.2.1")
    refused = client.get(path, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many downloads" in refused.content.decode() or "nedladdningar" in (
        refused.content.decode()
    )
    finish(first)
    again = client.get(path, REMOTE_ADDR="192.0.2.1")
    assert again.status_code == 200
    b"".join(again.streaming_content)


def test_at_most_the_total_at_once_over_all_clients(client, limits):
    downloads = [started(client, FILES[i % 3], f"192.0.2.{i + 1}") for i in range(2)]
    assert client.get(FILES[0], REMOTE_ADDR="192.0.2.9").status_code == 429
    # The pages are not limited.
    assert client.get("/partnerskap/", REMOTE_ADDR="192.0.2.9").status_code == 200
    finish(downloads[0])
    response = client.get(FILES[0], REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    finish(downloads[1])


def test_a_download_read_to_the_end_frees_its_slot(client, limits):
    for _ in range(3):
        response = client.get(FILES[1], REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 200
        assert b"iati-activities" in b"".join(response.streaming_content)


def test_staff_csv_exports_are_limited_too(client, limits, staff_user):
    client.force_login(staff_user)
    first = started(client, "/partnerskap/bidrag.csv", "192.0.2.1")
    assert client.get("/projekt/export.csv", REMOTE_ADDR="192.0.2.1").status_code == 429
    finish(first)
    assert client.get("/projekt/export.csv", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_a_client_looping_on_whole_files_is_told_to_wait(client, limits, settings):
    """A file served from disk costs little, but a client that downloads the register a
    dozen times a minute still takes a worker and bandwidth from everyone else."""
    settings.EXPORT_DOWNLOADS_PER_MINUTE = 3
    paths = ["/partnerskap/iati.xml", "/partnerskap/iati.xml", "/projekt/iati.xml"]
    for path in paths:
        response = client.get(path, REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    for path in ("/partnerskap/iati.xml", FILES[0]):
        refused = client.get(path, REMOTE_ADDR="192.0.2.1")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 61
    # Another client, and the pages, are not affected.
    other = client.get("/partnerskap/iati.xml", REMOTE_ADDR="192.0.2.2")
    assert other.status_code == 200
    b"".join(other.streaming_content)
    assert client.get("/partnerskap/", REMOTE_ADDR="192.0.2.1").status_code == 200
