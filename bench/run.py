"""The benchmark suite. One command: `make bench` (or .venv/bin/python bench/run.py).

Measures, in one run on this machine, with ratios inside the run:
  1. filtered list pages under gunicorn, against a static file from the same gunicorn
     and Datasette on the same SQLite file, at 10k and 100k partnerships (wrk);
  2. CSV export of 10k/100k/1M grants on PostgreSQL: ours, django-import-export,
     COPY … TO STDOUT, and Datasette's streamed CSV on SQLite;
  3. queries per page type at 10 and 100 000 partnerships;
  4. migrate + seed on a fresh SQLite database, and the generator's rows/s;
  5. a 60-second mixed load test (lists, details, static) for errors and p99.
Results go to bench/results/*.json and a Markdown summary to bench/results/summary.md.
"""

import argparse
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DATA,
    PY,
    RESULTS,
    ROOT,
    datasette,
    django_env,
    gunicorn,
    machine,
    manage,
    median,
    postgres_url,
    prepare_database,
    recreate_postgres,
    save,
    sqlite_url,
    wrk,
)

WORKERS = 5  # 2 × cores + 1 on this 2-core machine


def active_in(year):
    """SQL for ProjectFilterSet/PartnershipFilterSet's `year` (core.models active_in):
    the period includes the year; no end means until now; no start, the end year only."""
    first, last = f"'{year}-01-01'", f"'{year}-12-31'"
    return (
        f"((start_date IS NOT NULL AND end_date IS NOT NULL AND start_date <= {last} "
        f"AND end_date >= {first}) OR (start_date IS NULL AND end_date BETWEEN {first} "
        f"AND {last}) OR (start_date IS NOT NULL AND end_date IS NULL AND start_date <= {last}))"
    )


def sdg(link, column, number):
    """SQL for the `goal` filter: linked to that SDG (reference.filters filter_goal)."""
    return (
        f"id IN (SELECT l.{column} FROM {link} l JOIN reference_goal g ON g.id = l.goal_id "
        f"WHERE g.framework = 'sdg' AND g.number = {number})"
    )


PROJECTS_IN_KE = "id IN (SELECT project_id FROM projects_project_countries WHERE country_id = 'KE')"

# Each compared page: our address, the API list with the same FilterSet (its count), and
# Datasette's table with SQL conditions (`_where=`, one per filter) on the same SQLite
# file, plus the facets Datasette counts on the page. Not `_through=`: Datasette 0.65
# names that parameter p0 again when another filter is present, so `_through=` plus
# `publication=published` matched nothing (three of the six pages measured before
# 2026-12-03 listed no rows). run.py refuses to time a pair whose row counts differ.
PROJECT_FACETS = [("_facet", "stated_status"), ("_facet", "start_date")]
PARTNERSHIP_FACETS = [("_facet", "country_id"), *PROJECT_FACETS]
PAIRS = [
    ("projects, 0 filters", "/projekt/", "projects", "projects_project", [], PROJECT_FACETS),
    (
        "projects, 1 filter",
        "/projekt/?country=KE",
        "projects",
        "projects_project",
        [PROJECTS_IN_KE],
        PROJECT_FACETS,
    ),
    (
        "projects, 3 filters",
        "/projekt/?country=KE&goal=16&year=2016",
        "projects",
        "projects_project",
        [PROJECTS_IN_KE, sdg("projects_project_goals", "project_id", 16), active_in(2016)],
        PROJECT_FACETS,
    ),
    (
        "partnerships, 0 filters",
        "/partnerskap/",
        "partnerships",
        "partnerships_partnership",
        [],
        PARTNERSHIP_FACETS,
    ),
    (
        "partnerships, 1 filter",
        "/partnerskap/?country=KE",
        "partnerships",
        "partnerships_partnership",
        ["country_id = 'KE'"],
        PARTNERSHIP_FACETS,
    ),
    (
        "partnerships, 3 filters",
        "/partnerskap/?country=KE&goal=11&year=2016",
        "partnerships",
        "partnerships_partnership",
        [
            "country_id = 'KE'",
            sdg("partnerships_partnership_goals", "partnership_id", 11),
            active_in(2016),
        ],
        PARTNERSHIP_FACETS,
    ),
]


def get_json(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.load(response)


def our_count(server, api, page):
    query = urllib.parse.urlsplit(page).query
    return get_json(f"{server.base}/api/v1/{api}?{query}&page_size=1")["count"]


def datasette_url(server, path, table, conditions, facets, fmt=""):
    params = [("publication", "published"), *(("_where", c) for c in conditions), *facets]
    return f"{server.base}/{path.stem}/{table}{fmt}?{urllib.parse.urlencode(params)}"


def summary(runs):
    """Medians of the runs of one address (a run with no completed request has no CPU
    per request and is left out of that median)."""
    cpu = [r["cpu_ms_per_request"] for r in runs if r["cpu_ms_per_request"] is not None]
    return {
        "rps": round(median([r["rps"] for r in runs]), 1),
        "p50_ms": median([r["p50_ms"] for r in runs]),
        "p99_ms": median([r["p99_ms"] for r in runs]),
        "cpu_ms_per_request": median(cpu),
        "errors": sum(r["non_2xx"] + r["socket_errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "runs": len(runs),
        # Each run's figures too, to show the spread the medians hide.
        "rps_runs": [r["rps"] for r in runs],
        "cpu_ms_per_request_runs": [r["cpu_ms_per_request"] for r in runs],
    }


def page_benchmark(sizes, seconds, repeats):
    """Per size: our pages with the caches on and off and Datasette's on the same file,
    each pair checked for the same rows first; then, `repeats` times, every address for
    `seconds` in turn (ours uncached, Datasette, ours cached), so that a change in the
    machine's load falls on both sides; medians of the runs."""
    rows = []
    for size in sizes:
        path = DATA / f"pages-{size}.sqlite3"
        url = sqlite_url(path)
        if not path.exists():
            prepare_database(url, size)
        manage(url, "migrate", "--no-input")  # a database kept from an earlier run
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=django_env(url),
            check=True,
        )
        cached = gunicorn(url, WORKERS)
        # The same pages with the facet cache off: every request counts every facet.
        uncached = gunicorn(url, WORKERS, FACET_CACHE_SECONDS=0)
        ds = datasette(path)
        try:
            html = urllib.request.urlopen(cached.base + "/").read().decode()
            css = html.split('href="/static/css/')[1].split('"')[0]
            static = f"{cached.base}/static/css/{css}"
            pairs = []
            for name, page, api, table, conditions, facets in PAIRS:
                ours_rows = our_count(uncached, api, page)
                theirs = datasette_url(ds, path, table, conditions, facets)
                theirs_rows = get_json(datasette_url(ds, path, table, conditions, facets, ".json"))[
                    "filtered_table_rows_count"
                ]
                for server in (cached, uncached):  # the page answers, and warms up
                    urllib.request.urlopen(server.base + page, timeout=120).read()
                urllib.request.urlopen(theirs, timeout=120).read()
                pair = {
                    "partnerships": size,
                    "page": name,
                    "ours_url": page,
                    "datasette_url": theirs.removeprefix(ds.base),
                    "rows_ours": ours_rows,
                    "rows_datasette": theirs_rows,
                    "same_rows": ours_rows == theirs_rows,
                }
                if not pair["same_rows"]:
                    pair["refused"] = f"rows differ: {ours_rows} vs {theirs_rows}"
                    print(f"!! {name}: {pair['refused']}; Datasette not timed", flush=True)
                print(f"{name}: {ours_rows} rows ours, {theirs_rows} Datasette", flush=True)
                pairs.append((pair, page, theirs))
            runs = {"static": []}
            for repeat in range(repeats):
                runs["static"].append(wrk(static, seconds, server=cached))
                for pair, page, theirs in pairs:
                    key = pair["page"]
                    runs.setdefault((key, "uncached"), []).append(
                        wrk(uncached.base + page, seconds, server=uncached)
                    )
                    if pair["same_rows"]:
                        runs.setdefault((key, "datasette"), []).append(
                            wrk(theirs, seconds, server=ds)
                        )
                    runs.setdefault((key, "cached"), []).append(
                        wrk(cached.base + page, seconds, server=cached)
                    )
                print(f"== pages, {size}: run {repeat + 1} of {repeats} done", flush=True)
        finally:
            for server in (cached, uncached, ds):
                server.stop()
        rows.append(
            {
                "partnerships": size,
                "page": "static file (whitenoise)",
                "cached": summary(runs["static"]),
            }
        )
        for pair, _page, _theirs in pairs:
            key = pair["page"]
            pair["cached"] = summary(runs[(key, "cached")])
            pair["uncached"] = summary(runs[(key, "uncached")])
            if pair["same_rows"]:
                pair["datasette"] = d = summary(runs[(key, "datasette")])
                u = pair["uncached"]
                pair["ratio_uncached"] = round(u["rps"] / d["rps"], 2) if d["rps"] else None
                pair["ratio_cached"] = (
                    round(pair["cached"]["rps"] / d["rps"], 2) if d["rps"] else None
                )
                pair["cpu_ratio_uncached"] = (
                    round(d["cpu_ms_per_request"] / u["cpu_ms_per_request"], 2)
                    if d["cpu_ms_per_request"] and u["cpu_ms_per_request"]
                    else None
                )
            rows.append(pair)
    return rows


# The grants CSV (COPY and Python paths), the 360Giving CSV and JSON, the partnerships'
# IATI file (a row is an activity), django-import-export, and the bare COPY.
EXPORT_METHODS = (
    "ours",
    "ours-python",
    "ours-360",
    "ours-360-json",
    "ours-iati",
    "import-export",
    "copy",
)


def export_benchmark(sizes, repeats):
    rows = []
    for grants in sizes:
        name = f"skr_bench_{grants}"
        url = postgres_url(name)
        recreate_postgres(name)
        prepare_database(url, grants // 2, grants_per_partnership=2, projects=0)
        for method in EXPORT_METHODS:
            runs = []
            for _ in range(repeats):
                out = subprocess.run(
                    [PY, "bench/export_worker.py", method],
                    cwd=ROOT,
                    # No limit of downloads a minute: every run comes from one address,
                    # and the eleventh in a minute would be a 429 (core/throttle.py).
                    env=django_env(url, EXPORT_DOWNLOADS_PER_MINUTE=0),
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
                    "method": method,
                    "rows": runs[0]["rows"],
                    "rows_per_s": median([r["rows_per_s"] for r in runs]),
                    "seconds": median([r["seconds"] for r in runs]),
                    "first_byte_s": median([r["first_byte_s"] for r in runs]),
                    "growth_mb": median([r["growth_mb"] for r in runs]),
                    "rss_before_mb": median([r["rss_before_mb"] for r in runs]),
                    "peak_from": runs[0]["peak_from"],
                }
            )
        # Datasette's streamed CSV of the same grants table on SQLite.
        path = DATA / f"export-{grants}.sqlite3"
        if not path.exists():
            prepare_database(sqlite_url(path), grants // 2, grants_per_partnership=2, projects=0)
        ds = datasette(path)
        try:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                out = subprocess.run(
                    [
                        "curl",
                        "-s",
                        f"{ds.base}/{path.stem}/partnerships_grant.csv?_stream=on&_size=max",
                    ],
                    capture_output=True,
                    timeout=1800,
                ).stdout
                times.append(time.perf_counter() - started)
                count = out.count(b"\n") - 1
            rows.append(
                {
                    "grants": grants,
                    "method": "datasette (SQLite)",
                    "rows": count,
                    "rows_per_s": round(count / median(times)),
                    "seconds": round(median(times), 3),
                }
            )
        finally:
            ds.stop()
    return rows


def query_counts():
    small = DATA / "pages-10.sqlite3"
    if not small.exists():
        prepare_database(sqlite_url(small), 10)
    result = {}
    for size, path in ((10, small), (100_000, DATA / "pages-100000.sqlite3")):
        if not path.exists():
            prepare_database(sqlite_url(path), size)
        out = subprocess.run(
            [PY, "bench/querycount_worker.py"],
            cwd=ROOT,
            env=django_env(sqlite_url(path), FACET_CACHE_SECONDS=0),  # count uncached queries
            capture_output=True,
            text=True,
            check=True,
        )
        result[size] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def setup_timings(repeats):
    runs = []
    for i in range(repeats):
        path = DATA / f"setup-{i}.sqlite3"
        path.unlink(missing_ok=True)
        timing = prepare_database(sqlite_url(path), 20_000, grants_per_partnership=3)
        timing["generated_rows_per_s"] = round(timing["generated_rows"] / timing["generate_s"])
        runs.append(timing)
        path.unlink(missing_ok=True)
    return {k: median([r[k] for r in runs]) for k in runs[0]}


def load_test(seconds):
    path = DATA / "pages-10000.sqlite3"
    if not path.exists():
        prepare_database(sqlite_url(path), 10_000)
    server = gunicorn(sqlite_url(path), WORKERS)
    try:
        return wrk(
            server.base,
            seconds,
            connections=16,
            script=ROOT / "bench" / "mixed.lua",
            server=server,
        )
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", nargs="*", default=["setup", "queries", "pages", "export", "load"]
    )
    parser.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--export-sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--load-seconds", type=int, default=60)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # Production settings serve hashed static files: collect them once for every step.
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=django_env(sqlite_url(DATA / "pages-10.sqlite3")),
        check=True,
    )
    save("machine", machine())
    print(json.dumps(machine(), indent=2))
    steps = {
        "setup": lambda: setup_timings(args.repeats),
        "queries": query_counts,
        "pages": lambda: page_benchmark(args.sizes, args.seconds, args.repeats),
        "export": lambda: export_benchmark(args.export_sizes, args.repeats),
        "load": lambda: load_test(args.load_seconds),
    }
    for name in args.only:
        started = time.perf_counter()
        result = steps[name]()
        save(name, result)
        print(f"== {name} ({time.perf_counter() - started:.0f} s)")
        print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
