"""The two cache levels and gunicorn's worker recycling (issue #23, point 5), one run on
this machine:

  levels     cached pages under gunicorn (5 workers, Redis as in production) with the
             local cache level off (LOCAL_CACHE_SECONDS=0: every hit reads the data
             version, Django's header list and the page from Redis) and on (the default:
             the data version only), against a static file from the same server: req/s,
             CPU ms per request, and Redis commands per request (Redis's own counter, so
             anything else using that Redis during the window counts too);
  recycling  bench/mixed.lua at 16 connections with workers recycled every 500 requests,
             for --load-seconds, --repeats times in turn:
             the settings before (skrsite/gunicorn.py at --before, no preload, a jitter
             of a tenth) and now (preload_app, warm-up, a jitter of half): p50, p99 and
             the requests over 1 s and 5 s.

Usage: .venv/bin/python bench/cache_levels.py [--only levels recycling] [--seconds 5]
       [--repeats 2] [--load-seconds 30] [--before <commit>]
Results: bench/results/cache-levels.json; bench/README.md quotes them.
"""

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DATA,
    PY,
    ROOT,
    django_env,
    gunicorn,
    machine,
    median,
    prepare_database,
    save,
    sqlite_url,
    wrk,
)

WORKERS = 5
PAGES = [
    "/",
    "/projekt/",
    "/projekt/?country=KE",
    "/partnerskap/",
    "/partnerskap/?country=KE&goal=11&year=2016",
]


def redis_commands():
    import redis

    url = django_env("")["REDIS_URL"]
    return redis.Redis.from_url(url).info("stats")["total_commands_processed"]


def measure(server, url, seconds):
    before = redis_commands()
    run = wrk(url, seconds, server=server)
    run["redis_commands_per_request"] = round(
        (redis_commands() - before - 1) / (run["requests"] + 8), 2
    )
    return run


def levels(database, seconds, repeats):
    servers = {
        "one level": gunicorn(sqlite_url(database), WORKERS, LOCAL_CACHE_SECONDS=0),
        "two levels": gunicorn(sqlite_url(database), WORKERS),
    }
    runs = {}
    try:
        first = next(iter(servers.values()))
        html = urllib.request.urlopen(first.base + "/").read().decode()
        static = "/static/css/" + html.split('href="/static/css/')[1].split('"')[0]
        for server in servers.values():
            for page in PAGES:  # rendered once, cached from now on
                urllib.request.urlopen(server.base + page, timeout=120).read()
        for repeat in range(repeats):
            for name, server in servers.items():
                for page in [static, *PAGES]:
                    runs.setdefault((name, page), []).append(
                        measure(server, server.base + page, seconds)
                    )
            print(f"== levels: run {repeat + 1} of {repeats} done", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    rows = []
    for name in servers:
        static_rps = median([r["rps"] for r in runs[(name, static)]])
        for page in [static, *PAGES]:
            got = runs[(name, page)]
            rps = median([r["rps"] for r in got])
            rows.append(
                {
                    "levels": name,
                    "page": "static file" if page == static else page,
                    "rps": round(rps, 1),
                    "cpu_ms_per_request": median([r["cpu_ms_per_request"] for r in got]),
                    "cached_to_static": round(rps / static_rps, 2),
                    "redis_commands_per_request": median(
                        [r["redis_commands_per_request"] for r in got]
                    ),
                    "errors": sum(r["non_2xx"] + r["socket_errors"] for r in got),
                    "rps_runs": [r["rps"] for r in got],
                    "cpu_ms_per_request_runs": [r["cpu_ms_per_request"] for r in got],
                }
            )
    return rows


def recycling(database, load_seconds, repeats, before_commit):
    """The mixed load with workers recycled every 500 requests, settings before and now."""
    before = DATA / "gunicorn-before.py"
    before.write_text(
        subprocess.run(
            ["git", "show", f"{before_commit}:skrsite/gunicorn.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    configs = {
        "before (no preload, jitter 50)": (before, "--max-requests 500 --max-requests-jitter 50"),
        "now (preload, warm-up, jitter 250)": (
            ROOT / "skrsite" / "gunicorn.py",
            "--max-requests 500 --max-requests-jitter 250",
        ),
    }
    rows = []
    for repeat in range(repeats):  # in turn, so that a change in the machine's load
        for name, (config, arguments) in configs.items():  # falls on both
            server = gunicorn(
                sqlite_url(database),
                WORKERS,
                GUNICORN_CONFIG=config,
                GUNICORN_CMD_ARGS=arguments,
            )
            try:
                run = wrk(
                    server.base,
                    load_seconds,
                    connections=16,
                    script=ROOT / "bench" / "recycling.lua",
                    server=server,
                )
            finally:
                server.stop()
            rows.append({"settings": name, "repeat": repeat + 1, **run})
            print(f"== recycling: {name}, run {repeat + 1} of {repeats} done", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", default=["levels", "recycling"])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--before", default="97621f7", help="the commit of the old settings")
    args = parser.parse_args()
    os.chdir(ROOT)  # bench/recycling.lua loads bench/mixed.lua from here
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / "pages-10000.sqlite3"
    if not database.exists():
        prepare_database(sqlite_url(database), 10_000)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=django_env(sqlite_url(database)),
        check=True,
    )
    result = {"machine": machine(), "load_average_before": os.getloadavg()}
    if "levels" in args.only:
        result["levels"] = levels(database, args.seconds, args.repeats)
    if "recycling" in args.only:
        result["recycling"] = recycling(database, args.load_seconds, args.repeats, args.before)
    result["load_average_after"] = os.getloadavg()
    save("cache-levels", result)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
