"""Helpers shared by the benchmarks: running commands, serving, load generation."""

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"  # generated databases; ignored by git
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
BIN = Path(PY).parent


def django_env(database_url, **extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "HTTPS_ONLY": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # The shared cache production uses (README, "Production"); its own database number
        # and prefix, so a run never touches another's keys.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "CACHE_KEY_PREFIX": "bench",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(database_url, *args, **extra):
    started = time.perf_counter()
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=django_env(database_url, **extra),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started, result.stdout


def sqlite_url(path):
    return f"sqlite:///{path}"


def postgres_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def recreate_postgres(name):
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(database_url, partnerships, grants_per_partnership=2, projects=None):
    """migrate + seed + generate; returns timings."""
    migrate_s, _ = manage(database_url, "migrate", "--no-input")
    seed_s, _ = manage(database_url, "seed")
    projects = partnerships // 10 if projects is None else projects
    gen_s, out = manage(
        database_url,
        "generate_demo",
        "--partnerships",
        str(partnerships),
        "--projects",
        str(projects),
        "--grants-per-partnership",
        str(grants_per_partnership),
    )
    match = re.search(r"Generated ([\d,]+) rows", out)
    rows = int(match.group(1).replace(",", "")) if match else 0
    return {"migrate_s": migrate_s, "seed_s": seed_s, "generate_s": gen_s, "generated_rows": rows}


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Server:
    def __init__(self, args, env, health_url, cwd=ROOT):
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for(health_url)
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def gunicorn(database_url, port, workers, **extra):
    # The whole open-data files (opendata/wholefiles.py) in a folder of this server's own,
    # empty at its start: a run measures writing them too, and never serves another
    # database's files.
    files = DATA / f"open-data-{port}"
    shutil.rmtree(files, ignore_errors=True)
    extra.setdefault("OPEN_DATA_FILES_ROOT", files)
    env = django_env(database_url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=workers, **extra)
    return Server(
        [
            str(BIN / "gunicorn"),
            "-c",
            "skrsite/gunicorn.py",
            "--access-logfile",
            "/dev/null",
            "skrsite.wsgi",
        ],
        env,
        f"http://127.0.0.1:{port}/healthz",
    )


def datasette(path, port):
    return Server(
        [
            str(BIN / "datasette"),
            "serve",
            "-i",
            str(path),
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "--setting",
            "sql_time_limit_ms",
            "20000",
            "--setting",
            "facet_time_limit_ms",
            "20000",
            "--setting",
            "default_page_size",
            "20",
            "--setting",
            "num_sql_threads",
            "4",
        ],
        os.environ.copy(),
        f"http://127.0.0.1:{port}/-/versions.json",
    )


def wrk(url, seconds, connections=8, threads=2, script=None):
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk")
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60).stdout

    def pick(pattern, conv=float, default=0.0):
        m = re.search(pattern, out)
        return conv(m.group(1)) if m else default

    def ms(text):
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return {
        "rps": pick(r"Requests/sec:\s+([\d.]+)"),
        "requests": pick(r"(\d+) requests in", int, 0),
        "p50_ms": ms(p50.group(1)) if p50 else None,
        "p99_ms": ms(p99.group(1)) if p99 else None,
        "non_2xx": pick(r"Non-2xx or 3xx responses: (\d+)", int, 0),
        "socket_errors": sum(
            int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
        # Printed by a script that counts answers by status (bench/reliability.py).
        "statuses": {int(s): int(n) for s, n in re.findall(r"^status (\d+): (\d+)$", out, re.M)},
    }


def machine():
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
    }
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.*)", cpu).group(1)
        mem = Path("/proc/meminfo").read_text()
        info["memory_gib"] = round(
            int(re.search(r"MemTotal:\s+(\d+)", mem).group(1)) / 1024 / 1024, 1
        )
    except (OSError, AttributeError):
        pass
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    try:
        import psycopg

        with psycopg.connect(postgres_url("postgres")) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001
        info["postgresql"] = "unavailable"
    return info


def median(values):
    return statistics.median(values) if values else None


def save(name, data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
