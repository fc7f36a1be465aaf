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


def page_benchmark(sizes, seconds, repeats):
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
        ours = gunicorn(url, 8101, WORKERS)
        try:
            import urllib.request

            html = urllib.request.urlopen("http://127.0.0.1:8101/").read().decode()
            css = html.split('href="/static/css/')[1].split('"')[0]
            targets = {
                "static file (whitenoise)": f"http://127.0.0.1:8101/static/css/{css}",
                "projects, 0 filters": "http://127.0.0.1:8101/projekt/",
                "projects, 1 filter": "http://127.0.0.1:8101/projekt/?country=KE",
                "projects, 3 filters": "http://127.0.0.1:8101/projekt/?country=KE&goal=16&year=2016",
                "partnerships, 0 filters": "http://127.0.0.1:8101/partnerskap/",
                "partnerships, 1 filter": "http://127.0.0.1:8101/partnerskap/?country=KE",
                "partnerships, 3 filters": "http://127.0.0.1:8101/partnerskap/?country=KE&goal=11&year=2016",
            }
            measured = {
                name: [wrk(u, seconds) for _ in range(repeats)] for name, u in targets.items()
            }
        finally:
            ours.stop()
        # The same pages with the facet cache off: every request counts every facet.
        ours = gunicorn(url, 8101, WORKERS, FACET_CACHE_SECONDS=0)
        try:
            for name, u in list(targets.items())[1:]:
                measured[f"{name} (uncached)"] = [wrk(u, seconds) for _ in range(repeats)]
        finally:
            ours.stop()
        ds = datasette(path, 8102)
        base = f"http://127.0.0.1:8102/{path.stem}"
        through = '{"table":"projects_project_countries","column":"country_id","value":"KE"}'
        import urllib.parse

        thr = urllib.parse.quote(through)
        gthr = urllib.parse.quote(
            '{"table":"partnerships_partnership_goals","column":"goal_id","value":"11"}'
        )
        try:
            ds_targets = {
                "Datasette projects, 0 filters": f"{base}/projects_project?publication=published&_facet=stated_status&_facet=start_date",
                "Datasette projects, 1 filter": f"{base}/projects_project?publication=published&_through={thr}&_facet=stated_status&_facet=start_date",
                "Datasette projects, 3 filters": f"{base}/projects_project?publication=published&_through={thr}&stated_status=ongoing&start_date__lte=2016-12-31&_facet=stated_status&_facet=start_date",
                "Datasette partnerships, 0 filters": f"{base}/partnerships_partnership?publication=published&_facet=country_id&_facet=stated_status&_facet=start_date",
                "Datasette partnerships, 1 filter": f"{base}/partnerships_partnership?publication=published&country_id=KE&_facet=country_id&_facet=stated_status&_facet=start_date",
                "Datasette partnerships, 3 filters": f"{base}/partnerships_partnership?publication=published&country_id=KE&_through={gthr}&start_date__lte=2016-12-31&_facet=country_id&_facet=stated_status&_facet=start_date",
            }
            measured.update(
                {name: [wrk(u, seconds) for _ in range(repeats)] for name, u in ds_targets.items()}
            )
        finally:
            ds.stop()
        static_rps = median([r["rps"] for r in measured["static file (whitenoise)"]])
        for name, runs in measured.items():
            rps = median([r["rps"] for r in runs])
            rows.append(
                {
                    "partnerships": size,
                    "target": name,
                    "rps": round(rps, 1),
                    "p50_ms": median([r["p50_ms"] for r in runs]),
                    "p99_ms": median([r["p99_ms"] for r in runs]),
                    "errors": sum(r["non_2xx"] + r["socket_errors"] for r in runs),
                    "vs_static": round(rps / static_rps, 3) if static_rps else None,
                }
            )
        for kind in ("projects", "partnerships"):
            for n in ("0 filters", "1 filter", "3 filters"):
                ours_rps = next(
                    r["rps"]
                    for r in rows
                    if r["partnerships"] == size and r["target"] == f"{kind}, {n}"
                )
                ds_rps = next(
                    r["rps"]
                    for r in rows
                    if r["partnerships"] == size and r["target"] == f"Datasette {kind}, {n}"
                )
                rows.append(
                    {
                        "partnerships": size,
                        "target": f"ratio ours/Datasette: {kind}, {n}",
                        "ratio": round(ours_rps / ds_rps, 2) if ds_rps else None,
                    }
                )
    return rows


def export_benchmark(sizes, repeats):
    rows = []
    for grants in sizes:
        name = f"skr_bench_{grants}"
        url = postgres_url(name)
        recreate_postgres(name)
        prepare_database(url, grants // 2, grants_per_partnership=2, projects=0)
        for method in ("ours", "ours-python", "ours-360", "import-export", "copy"):
            runs = []
            for _ in range(repeats):
                out = subprocess.run(
                    [PY, "bench/export_worker.py", method],
                    cwd=ROOT,
                    env=django_env(url),
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
        ds = datasette(path, 8103)
        try:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                out = subprocess.run(
                    [
                        "curl",
                        "-s",
                        f"http://127.0.0.1:8103/{path.stem}/partnerships_grant.csv?_stream=on&_size=max",
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
    server = gunicorn(sqlite_url(path), 8104, WORKERS)
    try:
        return wrk(
            "http://127.0.0.1:8104", seconds, connections=16, script=ROOT / "bench" / "mixed.lua"
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
