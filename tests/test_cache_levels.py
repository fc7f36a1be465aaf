"""The two cache levels (core/cache.py): each process keeps copies of cached pages and
facet counts in front of the shared cache, under keys that carry the data version, which
is always read from the shared cache. A cached page then costs one round trip to the
shared cache instead of three, a write in any process is still seen by the next request
everywhere, the local level stays within its bounds, and it steps aside while the shared
cache is down."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache as core_cache
from core.cache import VERSION_KEY, LocalLevel, local_level
from projects.models import Project
from tests.conftest import make_project
from tests.test_cache_outage import redis_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

PAGE = "/projekt/?country=KE"


@pytest.fixture
def caching(settings):
    settings.FACET_CACHE_SECONDS = 60
    settings.LOCAL_CACHE_SECONDS = 10
    cache.clear()
    return settings


def shared_cache_reads(client, path):
    """The page's body and the queries it made to the shared cache (a database table in
    the tests); any other query fails the test, the page must come from the cache."""
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path).content.decode()
    queries = [q["sql"] for q in ctx.captured_queries]
    assert all("register_cache" in q for q in queries), queries
    return body, len(queries)


def test_a_cached_page_costs_one_read_of_the_shared_cache(client, seeded, caching):
    client.get(PAGE)  # rendered, stored in both levels
    body, reads = shared_cache_reads(client, PAGE)
    assert "SymbioCity Kenya" in body
    assert reads == 1  # the data version; the header list and the page are local


def test_without_the_local_level_a_cached_page_costs_three_reads(client, seeded, caching):
    caching.LOCAL_CACHE_SECONDS = 0
    client.get(PAGE)
    body, reads = shared_cache_reads(client, PAGE)
    assert "SymbioCity Kenya" in body
    assert reads == 3  # data version, Django's header list, the page
    assert len(local_level) == 0


def test_a_write_in_another_worker_is_seen_at_once(client, seeded, caching):
    assert "SymbioCity Kenya" in client.get(PAGE).content.decode()
    # Another worker changes the title (no signal in this process) ...
    Project.objects.filter(slug="symbiocity-kenya").update(title_sv="Omdöpt i en annan process")
    assert "SymbioCity Kenya" in client.get(PAGE).content.decode()  # still the cached page
    # ... and moves the data version, in the shared cache only.
    cache.set(VERSION_KEY, "moved-by-another-worker", timeout=None)
    body = client.get(PAGE).content.decode()
    assert "Omdöpt i en annan process" in body and "SymbioCity Kenya" not in body


def test_facet_counts_follow_a_write_in_another_worker(client, seeded, caching):
    client.cookies["sessionid"] = "no-such-session"  # past the page cache, to the facets

    def kenya_count():
        facets = client.get("/projekt/").context["facets"]["country"]
        return dict((v, c) for v, _l, c, _s in facets).get("KE", 0)

    assert kenya_count() == 1
    make_project("ny-i-kenya", countries=["KE"])  # bumps the version in this process
    assert kenya_count() == 2
    Project.objects.filter(slug="ny-i-kenya").update(publication="unpublished")
    assert kenya_count() == 2  # the counts are cached
    cache.set(VERSION_KEY, "moved-by-another-worker", timeout=None)
    assert kenya_count() == 1


def test_the_local_level_keeps_at_most_its_entries(client, seeded, caching):
    caching.LOCAL_CACHE_ENTRIES = 4
    paths = ["/projekt/", PAGE, "/projekt/?country=CO", "/projekt/?goal=13", "/partnerskap/"]
    bodies = {path: client.get(path).content for path in paths}
    assert len(local_level) == 4
    for path in paths:  # every page is still served right, from one level or the other
        assert client.get(path).content == bodies[path]
    assert len(local_level) == 4


def test_the_least_recently_used_entry_goes_first(settings):
    settings.LOCAL_CACHE_ENTRIES = 2
    level = LocalLevel()
    level.set("a", "first", 10)
    level.set("b", "second", 10)
    assert level.get("a") == "first"  # now "b" is the least recently used
    level.set("c", "third", 10)
    assert (level.get("a"), level.get("b"), level.get("c")) == ("first", None, "third")


def test_the_local_level_keeps_at_most_its_megabytes(settings):
    settings.LOCAL_CACHE_MB = 0.1  # 104 857 bytes
    level = LocalLevel()
    for n in range(10):
        level.set(n, "x" * 30_000, 10)
    assert level.bytes <= 104_857 and len(level) == 3
    assert level.get(9) is not None and level.get(0) is None
    level.set("too big", "x" * 200_000, 10)  # more than the whole level: not kept
    assert level.get("too big") is None and len(level) == 3


def test_a_local_copy_lives_local_cache_seconds(client, seeded, caching):
    caching.LOCAL_CACHE_SECONDS = 0.2
    client.get(PAGE)
    assert shared_cache_reads(client, PAGE)[1] == 1
    time.sleep(0.3)
    assert shared_cache_reads(client, PAGE)[1] == 3  # expired here, read from the shared
    assert shared_cache_reads(client, PAGE)[1] == 1  # and kept again


def test_a_reader_gets_its_own_copy(settings):
    level = LocalLevel()
    level.set("facets", {"KE": 1}, 10)
    level.get("facets")["KE"] = 99
    assert level.get("facets") == {"KE": 1}


def test_a_cached_page_costs_one_round_trip_to_redis(client, seeded, redis_server):  # noqa: F811
    import redis

    server = redis.Redis(port=redis_server.port)
    client.get(PAGE)
    client.get(PAGE)
    before = server.info("stats")["total_commands_processed"]
    assert "SymbioCity Kenya" in client.get(PAGE).content.decode()
    after = server.info("stats")["total_commands_processed"]
    assert after - before - 1 == 1  # the GET of the data version (the -1: INFO itself)


def test_while_redis_is_down_the_local_copies_are_not_served(client, seeded, redis_server):  # noqa: F811
    """While the shared cache is down pages are computed from the database, as without
    a local level: a write made meanwhile is seen, though its version could not move;
    nothing is added to the local level (each request has a version of its own)."""
    assert "SymbioCity Kenya" in client.get(PAGE).content.decode()
    assert "SymbioCity Kenya" in client.get(PAGE).content.decode()  # a local copy now
    kept = len(local_level)
    assert kept > 0
    redis_server.stop()
    project = Project.objects.get(slug="symbiocity-kenya")
    project.title_sv = "Ändrat under avbrottet"
    project.save()
    for _ in range(2):
        body = client.get(PAGE).content.decode()
        assert "Ändrat under avbrottet" in body and "SymbioCity Kenya" not in body
    assert core_cache.cache_is_down()
    assert len(local_level) == kept
    redis_server.start()
    body = client.get(PAGE).content.decode()  # the version moved before anything is read
    assert "Ändrat under avbrottet" in body and "SymbioCity Kenya" not in body
