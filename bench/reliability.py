"""Reliability figures (issue #14), one run on this machine:

  load     mixed public load (bench/mixed.lua) for --seconds at 16 and 64 connections,
           caches on and off, on SQLite and PostgreSQL: req/s, p50, p99, errors and the
           gunicorn workers' memory (RSS, summed) after the run;
  unpublish  under 16 connections of that load, a record is unpublished by another
           process; how long until 30 requests in a row (spread over the workers) get 410 (or 404);
  import   a 5 000-row grant-round file checked (preview) and saved, SQLite and PostgreSQL,
           in-process: seconds and queries;
  export   the grants CSV of 1 000 000 grants on PostgreSQL with and without a filter
           (country=XK), JIT off (the default) and on (PG_JIT=1).

Faults (issue "Reliability and security"), caches on, SQLite and PostgreSQL unless said:

  flood    the mixed load at 16 and 64 connections, alone and with 4 clients (from
           127.0.0.2-5) looping on the whole-file exports: the pages' req/s, p50, p99 and
           errors, the exports' 200 and 429 answers, the workers' memory before and after;
  redis-down  16 connections of mixed load against a site whose cache is a redis-server of
           our own, stopped for 30 s in the middle and started again with its old keys:
           5xx answers, what /healthz says meanwhile, and whether a project unpublished
           during the outage (by another process) is served after the restart;
  pg-down  PostgreSQL only, reached through a TCP proxy of our own, which is stopped: cached
           pages must answer 200, others 503 with Retry-After; when it is back, the time
           until the first 200 of a page not in the cache (the shared PostgreSQL is never
           stopped);
  confirm  two "Save all rows" of one 30-row import preview at the same moment (test
           client, two threads): exactly one writes, the other gets 409.

Usage: .venv/bin/python bench/reliability.py [--only load unpublish import export flood
       redis-down pg-down confirm]
Results: bench/results/reliability-*.json; bench/README.md quotes them.
"""

import argparse
import http.client
import itertools
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DATA,
    PY,
    ROOT,
    descendants,
    django_env,
    free_port,
    gunicorn,
    manage,
    median,
    postgres_url,
    prepare_database,
    recreate_postgres,
    save,
    sqlite_url,
    wrk,
)

WORKERS = 5
MIXED = ROOT / "bench" / "mixed.lua"
FAULTS = ["flood", "redis-down", "pg-down", "confirm"]


def databases(size):
    sqlite_path = DATA / f"pages-{size}.sqlite3"
    if not sqlite_path.exists():
        prepare_database(sqlite_url(sqlite_path), size)
    pg_name = f"skr_reliability_{size}"
    pg = postgres_url(pg_name)
    marker = DATA / f"{pg_name}.ready"
    if not marker.exists():
        recreate_postgres(pg_name)
        prepare_database(pg, size)
        marker.write_text("ok")
    for url in (sqlite_url(sqlite_path), pg):
        manage(url, "migrate", "--no-input")  # databases kept from an earlier run
    return {"sqlite": sqlite_url(sqlite_path), "postgresql": pg}


def workers_rss_mb(server):
    """Resident memory of the gunicorn master, its workers and their children (a process
    writing an open-data file, opendata/wholefiles.py), summed, in MB."""
    pids = [server.process.pid, *descendants(server.process.pid)]
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def load(seconds):
    rows = []
    for db, url in databases(10_000).items():
        for cache in ("on", "off"):
            extra = {"FACET_CACHE_SECONDS": 60 if cache == "on" else 0}
            server = gunicorn(url, WORKERS, **extra)
            try:
                wrk(server.base, 3, connections=16, script=MIXED)  # warm up
                for connections in (16, 64):
                    result = wrk(
                        server.base,
                        seconds,
                        connections=connections,
                        threads=2,
                        script=MIXED,
                    )
                    rows.append(
                        {
                            "database": db,
                            "cache": cache,
                            "connections": connections,
                            "rps": result["rps"],
                            "requests": result["requests"],
                            "p50_ms": result["p50_ms"],
                            "p99_ms": result["p99_ms"],
                            "errors": result["non_2xx"] + result["socket_errors"],
                            "workers_rss_mb": workers_rss_mb(server),
                        }
                    )
                    print(json.dumps(rows[-1]), flush=True)
            finally:
                server.stop()
    return rows


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def unpublish(repeats=3):
    rows = []
    for db, url in databases(10_000).items():
        server = gunicorn(url, WORKERS, FACET_CACHE_SECONDS=60)
        try:
            for attempt in range(repeats):
                slug = f"demo-partnerskap-{100 + attempt}"
                page = f"{server.base}/partnerskap/{slug}/"
                manage(url, "shell", "-c", publish_code(slug, "published"))
                for _ in range(50):  # every worker has the published page cached
                    assert status_of(page) == 200
                load = threading.Thread(
                    target=wrk,
                    args=(server.base, 12),
                    kwargs={"connections": 16, "script": MIXED},
                )
                load.start()
                time.sleep(2)
                manage(url, "shell", "-c", publish_code(slug, "unpublished"))
                committed = time.perf_counter()
                streak, first_all_404 = 0, None
                while time.perf_counter() - committed < 10:
                    if status_of(page) in (404, 410):  # gone (410 since addresses are kept)
                        streak += 1
                        if streak == 1:
                            first_all_404 = time.perf_counter() - committed
                        if streak >= 30:
                            break
                    else:
                        streak, first_all_404 = 0, None
                load.join()
                rows.append(
                    {
                        "database": db,
                        "attempt": attempt,
                        "seconds_until_gone_everywhere": round(first_all_404, 3)
                        if streak >= 30
                        else None,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            server.stop()
    return rows


def publish_code(slug, state, model="partnerships.models.Partnership"):
    module, name = model.rsplit(".", 1)
    return (
        f"from {module} import {name}; "
        f"p = {name}.objects.get(slug='{slug}'); p.publication = '{state}'; p.save()"
    )


IMPORT_WORKER = r"""
import json, random, time
import django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from partnerships.importing import RoundImport, grant_round_import, read_rows
from partnerships.models import GrantRound
from reference.services import read_municipality_codes

rng = random.Random(2026)
names = sorted(read_municipality_codes()[0])
countries = ["KE", "CN", "BW", "UG", "ZA", "XK", "TZ", "VN", "UA", "GE"]
lines = ["svensk_deltagare;partnerkommun;land;titel;mal;kronor_per_ar;ar;beviljat_ar"]
for i in range(5000):
    lines.append(
        f"{rng.choice(names)};Partnerstad {i};{rng.choice(countries)};"
        f"[Syntetisk] Importrad {i};{rng.randint(1, 17)};{rng.randrange(300000, 500001, 25000)};"
        f"{rng.randint(1, 3)};2026"
    )
raw = ("\n".join(lines) + "\n").encode("utf-8")
user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
    "bench-import", password="x-not-used-7q"
)
grant_round = GrantRound.objects.get(slug="icld-32-nya-partnerskap")
started = time.perf_counter()
with CaptureQueriesContext(connection) as check_queries:
    header, body = read_rows(raw)
    results = RoundImport(grant_round).check(header, body)
check_s = time.perf_counter() - started
assert not [r for r in results if r.errors], [r.errors for r in results if r.errors][:3]
started = time.perf_counter()
with CaptureQueriesContext(connection) as save_queries:
    written = grant_round_import(grant_round=grant_round, results=results, user=user)
save_s = time.perf_counter() - started
print(json.dumps({
    "rows": len(results), "written": written,
    "preview_s": round(check_s, 2), "preview_queries": len(check_queries.captured_queries),
    "save_s": round(save_s, 2), "save_queries": len(save_queries.captured_queries),
}))
"""


def seeded(name):
    """(database, url) of a new SQLite file and a new PostgreSQL database, both seeded."""
    for db in ("sqlite", "postgresql"):
        if db == "sqlite":
            path = DATA / f"{name}.sqlite3"
            path.unlink(missing_ok=True)
            url = sqlite_url(path)
        else:
            pg_name = "skr_" + name.replace("-", "_")
            recreate_postgres(pg_name)
            url = postgres_url(pg_name)
        manage(url, "migrate", "--no-input")
        manage(url, "seed")
        yield db, url


def worker_rows(code, url, *args):
    """The JSON lines a worker (Python code with Django set up) prints, log lines left out."""
    out = subprocess.run(
        [PY, "-c", code, *args],
        cwd=ROOT,
        env=django_env(url, DJANGO_SETTINGS_MODULE="skrsite.settings"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return [row for row in rows if "logger" not in row]


def import_rows():
    rows = []
    for db, url in seeded("import-5000"):
        rows.append({"database": db, **worker_rows(IMPORT_WORKER, url)[-1]})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def export(grants=1_000_000, repeats=3):
    name = f"skr_bench_{grants}"
    url = postgres_url(name)
    marker = DATA / f"{name}.ready"
    if not marker.exists():
        recreate_postgres(name)
        prepare_database(url, grants // 2, grants_per_partnership=2, projects=0)
        marker.write_text("ok")
    rows = []
    for jit in ("0", "1"):
        for query in ("", "?country=XK"):
            runs = []
            for _ in range(repeats):
                out = subprocess.run(
                    [PY, "bench/export_worker.py", "ours", query],
                    cwd=ROOT,
                    env=django_env(url, PG_JIT=jit),
                    capture_output=True,
                    text=True,
                    timeout=1800,
                )
                if out.returncode:
                    raise RuntimeError(out.stderr[-3000:])
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            rows.append(
                {
                    "grants": grants,
                    "jit": "on" if jit == "1" else "off",
                    "filter": query or "none",
                    "rows": runs[0]["rows"],
                    "seconds": median([r["seconds"] for r in runs]),
                    "first_byte_s": median([r["first_byte_s"] for r in runs]),
                    "rows_per_s": median([r["rows_per_s"] for r in runs]),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


# Counts the answers by status in every wrk thread; done() prints them (common.wrk reads
# the lines "status 200: 1234").
STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d: %d\\n", status, n)) end
end
"""


def mixed_with_statuses():
    path = DATA / "mixed-statuses.lua"
    path.write_text(MIXED.read_text() + STATUS_LUA)
    return path


def wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def get(url, timeout=10):
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


EXPORTS = ("/partnerskap/bidrag.json", "/partnerskap/iati.xml", "/projekt/iati.xml")
EXPORT_CLIENTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")


def export_client(port, source, stop, counts):
    """Downloads the whole files one after the other, from address `source`, without
    waiting after a 429 (a careless or hostile client), until `stop` is set."""
    for path in itertools.cycle(EXPORTS):
        if stop.is_set():
            return
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=120, source_address=(source, 0)
        )
        started = time.monotonic()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            while response.read(65536):
                pass
            counts[response.status] += 1
            if response.status == 200:
                counts["longest_s"] = max(counts["longest_s"], time.monotonic() - started)
        except http.client.IncompleteRead:
            counts["cut"] += 1  # the server closed the stream before its end
        except (OSError, http.client.HTTPException):
            counts["error"] += 1
        finally:
            connection.close()


def flood(seconds):
    rows = []
    for db, url in databases(10_000).items():
        server = gunicorn(url, WORKERS, FACET_CACHE_SECONDS=60)
        try:
            wrk(server.base, 3, connections=16, script=MIXED)  # warm up
            for connections in (16, 64):
                for exports in (0, len(EXPORT_CLIENTS)):
                    stop, counts = threading.Event(), Counter()
                    clients = [
                        threading.Thread(target=export_client, args=(server.port, a, stop, counts))
                        for a in EXPORT_CLIENTS[:exports]
                    ]
                    rss_before = workers_rss_mb(server)
                    for client in clients:
                        client.start()
                    result = wrk(server.base, seconds, connections=connections, script=MIXED)
                    stop.set()
                    for client in clients:
                        client.join(timeout=180)
                    rows.append(
                        {
                            "database": db,
                            "connections": connections,
                            "export_clients": exports,
                            "rps": result["rps"],
                            "requests": result["requests"],
                            "p50_ms": result["p50_ms"],
                            "p99_ms": result["p99_ms"],
                            "errors": result["non_2xx"] + result["socket_errors"],
                            "exports_200": counts[200],
                            "exports_429": counts[429],
                            "exports_cut": counts["cut"],
                            "exports_error": counts["error"],
                            "export_longest_s": round(counts["longest_s"], 1),
                            "workers_rss_mb_before": rss_before,
                            "workers_rss_mb_after": workers_rss_mb(server),
                        }
                    )
                    if exports:
                        alone = rows[-2]["rps"]
                        rows[-1]["rate_kept"] = round(result["rps"] / alone, 2) if alone else None
                    print(json.dumps(rows[-1]), flush=True)
        finally:
            server.stop()
    return rows


class RedisServer:
    """A redis-server of our own on `port`, keeping its data in `directory` (not the
    shared one: stopping it disturbs nobody)."""

    def __init__(self, port, directory):
        self.port, self.directory = port, directory
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self, save=True):
        """Saves its keys to the data directory (`shutdown save`), so that start() brings
        them back as a restarted Redis would."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "save" if save else "nosave"],
            capture_output=True,
            timeout=30,
        )
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def background(function, *args, **kwargs):
    """function(*args, **kwargs) started in a thread; its result goes into the list."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function(*args, **kwargs)))
    thread.start()
    return thread, result


def health_line(port):
    status, _headers, body = get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    return f"{status} " + " / ".join(body.decode().split("\n")[:3]).strip(" /")


def redis_down(outage=30, before=15, after=15):
    rows = []
    script = mixed_with_statuses()
    project = "demo-projekt-7"  # not one of bench/mixed.lua's pages
    project_model = "projects.models.Project"
    for db, url in databases(10_000).items():
        with tempfile.TemporaryDirectory() as directory:
            redis = RedisServer(free_port(), directory)
            cache = {"CACHE_URL": f"redis://127.0.0.1:{redis.port}/0"}
            server = None
            try:
                manage(url, "shell", "-c", publish_code(project, "published", project_model))
                server = gunicorn(url, WORKERS, FACET_CACHE_SECONDS=60, **cache)
                page = f"{server.base}/projekt/{project}/"
                assert all(get(page)[0] == 200 for _ in range(10))  # now in the cache
                load, results = background(
                    wrk,
                    server.base,
                    before + outage + after,
                    connections=16,
                    script=script,
                )
                time.sleep(before)
                redis.stop()
                down_at = time.monotonic()
                health, unpublished = Counter(), False
                while time.monotonic() - down_at < outage:
                    health[health_line(server.port)] += 1
                    if not unpublished and time.monotonic() - down_at > 3:
                        manage(
                            url, "shell", "-c", publish_code(project, "unpublished", project_model)
                        )
                        unpublished = True
                    time.sleep(1)
                redis.start()
                back = Counter(get(page)[0] for _ in range(30))
                health_after = health_line(server.port)
                load.join()
                result = results[0]
                rows.append(
                    {
                        "database": db,
                        "seconds": before + outage + after,
                        "outage_s": outage,
                        "requests": result["requests"],
                        "rps": result["rps"],
                        "p99_ms": result["p99_ms"],
                        "statuses": result["statuses"],
                        "server_errors": sum(
                            n for status, n in result["statuses"].items() if status >= 500
                        ),
                        "socket_errors": result["socket_errors"],
                        "healthz_during_outage": dict(health),
                        "healthz_after": health_after,
                        "unpublished_page_after_restart": dict(back),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
            finally:
                if server:
                    server.stop()
                redis.stop(save=False)
                manage(url, "shell", "-c", publish_code(project, "published", project_model))
    return rows


# A TCP proxy to the shared PostgreSQL: stopping it cuts the site off the database
# without stopping PostgreSQL for anyone else.
PROXY = r"""
import asyncio, sys

async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()

async def client(reader, writer):
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", 5432)
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

async def main():
    server = await asyncio.start_server(client, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""


def start_proxy(port):
    process = subprocess.Popen([PY, "-c", PROXY, str(port)])
    wait_for_port(port)
    return process


def stop_proxy(process):
    process.terminate()
    process.wait(timeout=15)


def pg_down(repeats=3, outage=10):
    name = "skr_reliability_10000"
    databases(10_000)
    cached = ["/", "/projekt/", "/partnerskap/", "/partnerskap/?country=KE", "/mal/11/"]
    cached += ["/lander/ke/", "/projekt/symbiocity-kenya/", "/partnerskap/demo-partnerskap-17/"]
    fresh = (f"/partnerskap/demo-partnerskap-{n}/" for n in itertools.count(3000))
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        redis = RedisServer(free_port(), directory)
        port = free_port()
        proxy = start_proxy(port)
        server = None
        try:
            url = f"postgres://postgres@127.0.0.1:{port}/{name}"
            cache = f"redis://127.0.0.1:{redis.port}/0"
            server = gunicorn(url, WORKERS, FACET_CACHE_SECONDS=60, CACHE_URL=cache)
            base = server.base
            for attempt in range(repeats):
                for path in cached:  # warm: the cache every worker shares
                    assert get(base + path)[0] == 200, path
                stop_proxy(proxy)
                down_at = time.monotonic()
                cached_statuses, fresh_answers, health = Counter(), Counter(), Counter()
                while time.monotonic() - down_at < outage:
                    for path in cached:
                        cached_statuses[get(base + path)[0]] += 1
                    status, headers, _body = get(base + next(fresh))
                    fresh_answers[f"{status} Retry-After: {headers.get('Retry-After')}"] += 1
                    health[health_line(server.port)] += 1
                    time.sleep(0.5)
                proxy = start_proxy(port)
                back_at = time.monotonic()
                first_200, streak = None, 0
                while time.monotonic() - back_at < 30:
                    if get(base + next(fresh))[0] == 200:
                        first_200 = first_200 or time.monotonic() - back_at
                        streak += 1
                        if streak >= 20:
                            break
                    else:
                        first_200, streak = None, 0
                    time.sleep(0.02)
                rows.append(
                    {
                        "attempt": attempt,
                        "outage_s": outage,
                        "cached_pages_during_outage": dict(cached_statuses),
                        "uncached_pages_during_outage": dict(fresh_answers),
                        "healthz_during_outage": dict(health),
                        "seconds_to_first_200": round(first_200, 3) if first_200 else None,
                        "then_20_uncached_200_in_a_row": streak >= 20,
                        "seconds_to_20_in_a_row": round(time.monotonic() - back_at, 3),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            if server:
                server.stop()
            stop_proxy(proxy)
            redis.stop(save=False)
    return rows


CONFIRM_WORKER = r"""
import json, re, sys, threading, time
import django
django.setup()
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from partnerships.models import Grant, GrantRound, Partnership

user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
    "bench-confirm", password="x-not-used-7q"
)
grant_round = GrantRound.objects.get(slug="icld-32-nya-partnerskap")
url = reverse("admin:partnerships_grantround_import", args=[grant_round.pk])
for attempt in range(int(sys.argv[1])):
    rows = "svensk_deltagare;partnerkommun;land;titel;teman;mal;kronor_per_ar;ar;beviljat_ar\n"
    rows += "".join(
        f"Borlänge;Partnerstad {attempt}-{n};KE;[Syntetisk] Samtidig import {attempt}-{n};"
        ";11;400000;2;2016\n"
        for n in range(30)
    )
    first = Client(raise_request_exception=False)
    first.force_login(user)
    preview = first.post(url, {"file": SimpleUploadedFile("beslut.csv", rows.encode(), "text/csv")})
    token = re.search(r'name="confirm" value="([^"]+)"', preview.content.decode()).group(1)
    second = Client(raise_request_exception=False)
    second.cookies = first.cookies  # the same session, as a double click
    before = (Partnership.objects.count(), Grant.objects.count())
    barrier, statuses = threading.Barrier(2), []

    def press(client):
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, {"confirm": token}).status_code)
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=press, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    print(json.dumps({
        "attempt": attempt,
        "statuses": sorted(statuses),
        "partnerships_written": Partnership.objects.count() - before[0],
        "grants_written": Grant.objects.count() - before[1],
        "seconds": round(time.perf_counter() - started, 2),
    }))
"""


def confirm(repeats=5):
    rows = []
    for db, url in seeded("confirm"):
        for row in worker_rows(CONFIRM_WORKER, url, str(repeats)):
            rows.append({"database": db, **row})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--only",
        nargs="*",
        default=["import", "unpublish", "load", "export"],
        choices=["import", "unpublish", "load", "export", *FAULTS],
    )
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    # Production settings serve hashed static files: collect them first.
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=django_env(sqlite_url(DATA / "pages-10.sqlite3")),
        check=True,
    )
    steps = {
        "load": lambda: load(args.seconds),
        "unpublish": unpublish,
        "import": import_rows,
        "export": export,
        "flood": lambda: flood(args.seconds),
        "redis-down": redis_down,
        "pg-down": pg_down,
        "confirm": confirm,
    }
    for name in args.only:
        started = time.perf_counter()
        save(f"reliability-{name}", steps[name]())
        print(f"== {name} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
