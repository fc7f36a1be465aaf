"""The shared cache is an accelerator (issue: Redis down meant every page answered 500
while /healthz said 200). With a real Redis that the test stops and starts again: pages
are computed from the database while it is down, the outage is logged once, /healthz
reports the cache apart from the database, an editor's write during the outage succeeds,
and once Redis is back nothing cached before the write is served."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from core import cache as core_cache
from projects.models import Project
from tests.conftest import make_project

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, keeping its data in a folder across restarts."""

    def __init__(self, folder, port):
        self.folder, self.port, self.process = folder, port, None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        """Shut down saving the data, as a restart of a persistent Redis does."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "save"],
            capture_output=True,
            check=False,
        )
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the cache outage tests (.ci/run installs it)")
    server = RedisServer(tmp_path, free_port())
    server.start()
    core_cache._outage.update(since=None, retry_at=0.0)
    settings = {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        "KEY_PREFIX": "outage-test",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    with override_settings(
        CACHES={"default": settings}, FACET_CACHE_SECONDS=60, CACHE_RETRY_SECONDS=0
    ):
        yield server
    if server.process.poll() is None:
        server.stop()
    core_cache._outage.update(since=None, retry_at=0.0)


def test_pages_are_served_from_the_database_while_redis_is_down(
    client, redis_server, seeded, caplog
):
    make_project("outage", countries=["KE"], title_sv="Under avbrottet")
    assert client.get("/projekt/outage/").status_code == 200
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="core.cache")
    for path in ("/", "/projekt/", "/projekt/outage/", "/lander/ke/", "/statistik/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Under avbrottet" in client.get("/projekt/?country=KE").content.decode()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "cache unavailable" in errors[0].getMessage()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.content.decode().splitlines()[1:] == ["database ok", "cache unavailable"]


def test_a_write_during_the_outage_succeeds_and_nothing_stale_is_served_after(
    client, redis_server, seeded, editor
):
    project = make_project("outage-write", countries=["KE"], title_sv="Snart avpublicerat")
    assert client.get("/projekt/outage-write/").status_code == 200  # cached now
    cached_version = core_cache.data_version()
    redis_server.stop()

    client.force_login(editor)
    response = client.post(
        "/admin/projects/project/",
        {"action": "unpublish_selected", "_selected_action": [project.pk]},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.publication == "unpublished"
    client.logout()

    # Redis comes back with what it held before the outage: the old version and the page.
    redis_server.start()
    assert cache.get(core_cache.VERSION_KEY) != cached_version  # moved on its first answer
    assert client.get("/projekt/outage-write/").status_code == 410  # gone, not cached
    assert "Snart avpublicerat" not in client.get("/projekt/?country=KE").content.decode()
    assert client.get("/healthz").content.decode().splitlines()[-1] == "cache ok"


def test_a_stopped_redis_does_not_slow_every_call(redis_server, settings):
    """While Redis is down it is tried again only every CACHE_RETRY_SECONDS; other calls
    answer as misses at once."""
    settings.CACHE_RETRY_SECONDS = 30
    redis_server.stop()
    assert cache.get("anything") is None  # finds the outage
    started = time.perf_counter()
    for _ in range(200):
        assert cache.get("anything", "miss") == "miss"
        cache.set("anything", 1)
    assert time.perf_counter() - started < 0.5
    assert Project.objects.count() >= 0


DATABASE_DOWN = """
from django.test import Client
client = Client()
for path in ("/projekt/", "/api/v1/projects", "/partnerskap/bidrag.json", "/healthz"):
    response = client.get(path)
    print("RESULT", path, response.status_code, response.get("Retry-After"))
"""


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:{port}/skr", "sqlite:///{folder}/missing/db.sqlite3"],
)
def test_a_database_that_does_not_answer_gives_503_with_retry_after(database_url, tmp_path):
    """With a real refused connection (nothing listens on the port; a folder that does
    not exist for SQLite): 503 and Retry-After instead of the generic error page."""
    from tests.test_reliability import manage, subprocess_env

    url = database_url.format(port=free_port(), folder=tmp_path)
    env = subprocess_env(url, "database", "db-down")
    env["FACET_CACHE_SECONDS"] = "0"
    lines = [line.split() for line in manage(env, "shell", "-c", DATABASE_DOWN).splitlines()]
    results = {line[1]: (int(line[2]), line[3]) for line in lines if line[:1] == ["RESULT"]}
    assert results["/healthz"][0] == 503
    for path in ("/projekt/", "/api/v1/projects", "/partnerskap/bidrag.json"):
        assert results[path] == (503, "30"), path
