"""Reliability figures (issue #14), one run on this machine:

  load     mixed public load (bench/mixed.lua) for --seconds at 16 and 64 connections,
           caches on and off, on SQLite and PostgreSQL: req/s, p50, p99, errors and the
           gunicorn workers' memory (RSS, summed) after the run;
  unpublish  under 16 connections of that load, a record is unpublished by another
           process; how long until 30 requests in a row (spread over the workers) get 404;
  import   a 5 000-row grant-round file checked (preview) and saved, SQLite and PostgreSQL,
           in-process: seconds and queries;
  export   the grants CSV of 1 000 000 grants on PostgreSQL with and without a filter
           (country=XK), JIT off (the default) and on (PG_JIT=1).

Usage: .venv/bin/python bench/reliability.py [--only load unpublish import export]
Results: bench/results/reliability-*.json; bench/README.md quotes them.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DATA,
    PY,
    ROOT,
    django_env,
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
    """Resident memory of the gunicorn master and its workers, summed, in MB."""
    pids = [server.process.pid]
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
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
            server = gunicorn(url, 8110, WORKERS, **extra)
            try:
                wrk("http://127.0.0.1:8110", 3, connections=16, script=MIXED)  # warm up
                for connections in (16, 64):
                    result = wrk(
                        "http://127.0.0.1:8110",
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
        server = gunicorn(url, 8111, WORKERS, FACET_CACHE_SECONDS=60)
        try:
            for attempt in range(repeats):
                slug = f"demo-partnerskap-{100 + attempt}"
                page = f"http://127.0.0.1:8111/partnerskap/{slug}/"
                manage(url, "shell", "-c", publish_code(slug, "published"))
                for _ in range(50):  # every worker has the published page cached
                    assert status_of(page) == 200
                load = threading.Thread(
                    target=wrk,
                    args=("http://127.0.0.1:8111", 12),
                    kwargs={"connections": 16, "script": MIXED},
                )
                load.start()
                time.sleep(2)
                manage(url, "shell", "-c", publish_code(slug, "unpublished"))
                committed = time.perf_counter()
                streak, first_all_404 = 0, None
                while time.perf_counter() - committed < 10:
                    if status_of(page) == 404:
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


def publish_code(slug, state):
    return (
        "from partnerships.models import Partnership; "
        f"p = Partnership.objects.get(slug='{slug}'); p.publication = '{state}'; p.save()"
    )


IMPORT_WORKER = r"""
import json, random, time
import django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from partnerships.importing import RoundImport, grant_round_import, parse_bytes
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
    header, body = parse_bytes(raw)
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


def import_rows():
    rows = []
    for db in ("sqlite", "postgresql"):
        if db == "sqlite":
            path = DATA / "import-5000.sqlite3"
            path.unlink(missing_ok=True)
            url = sqlite_url(path)
        else:
            recreate_postgres("skr_import_5000")
            url = postgres_url("skr_import_5000")
        manage(url, "migrate", "--no-input")
        manage(url, "seed")
        out = subprocess.run(
            [PY, "-c", IMPORT_WORKER],
            cwd=ROOT,
            env=django_env(url, DJANGO_SETTINGS_MODULE="skrsite.settings"),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if out.returncode:
            raise RuntimeError(out.stderr[-3000:])
        rows.append({"database": db, **json.loads(out.stdout.strip().splitlines()[-1])})
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=["import", "unpublish", "load", "export"])
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
    }
    for name in args.only:
        started = time.perf_counter()
        save(f"reliability-{name}", steps[name]())
        print(f"== {name} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
