"""Helpers shared by the benchmarks: running commands, serving, load generation."""

import json
import os
import platform
import re
import shutil
import socket
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


def free_port():
    """A TCP port nothing listens on now, chosen by the kernel (bind to port 0). Every
    server of the benchmarks gets one at run time, never a fixed number: a fixed port
    may be taken by a foreign server, which would then answer the health check and be
    measured instead of ours."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid):
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        pids = [int(p) for p in children.read_text().split()]
    except OSError:
        return []
    return pids + [d for child in pids for d in descendants(child)]


def listening_pids(port):
    """Processes with a socket listening on 127.0.0.1 or any address at `port` (Linux
    /proc/net/tcp{,6}: state 0A is LISTEN; socket inodes matched in /proc/<pid>/fd)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    pids = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    pids.add(int(fd_dir.parent.name))
        except OSError:
            continue
    return pids


def cpu_seconds(pids):
    """User plus system CPU time of `pids`, with that of their children already waited
    for (fields 14-17 of /proc/<pid>/stat: utime, stime, cutime, cstime), in seconds."""
    ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended since it was listed; its parent's cutime/cstime holds its time
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        ticks += sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_for(url, timeout=60, process=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Server:
    """A server on a free port; `base` is its address. After its health check answers,
    the listening socket must belong to this process or one of its children."""

    def __init__(self, args, env, port, health_path, cwd=ROOT, scratch=None):
        self.port = port
        self.scratch = scratch  # a folder of this server's own, removed when it stops
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for(self.base + health_path, process=self.process)
            listeners = listening_pids(port)
            if not listeners or not listeners <= set(self.pids()):
                raise RuntimeError(
                    f"port {port} is served by {sorted(listeners)}, not by our server "
                    f"{self.process.pid}"
                )
        except RuntimeError:
            self.stop()
            raise

    def pids(self):
        return [self.process.pid, *descendants(self.process.pid)]

    def cpu_seconds(self):
        """CPU time of the server so far: the process, its live children (gunicorn's
        workers) and those that ended (recycled workers, via cutime/cstime)."""
        return cpu_seconds(self.pids())

    def wait_idle(self, interval=0.25, busy=0.005, timeout=60):
        """Waits until the server spends less than `busy` CPU seconds in `interval`
        (requests still in flight are done); its CPU seconds then."""
        deadline = time.monotonic() + timeout
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(interval)
            now = self.cpu_seconds()
            if now - last < busy:
                return now
            last = now
        raise RuntimeError(f"{self.base} still busy {timeout} s after the load stopped")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def gunicorn(database_url, workers, **extra):
    port = free_port()
    # The whole open-data files (opendata/wholefiles.py) in a folder of this server's own,
    # empty at its start: a run measures writing them too, and never serves another
    # database's files.
    files = DATA / f"open-data-{port}"
    shutil.rmtree(files, ignore_errors=True)
    extra.setdefault("OPEN_DATA_FILES_ROOT", files)
    # Another settings file (bench/cache_levels.py times the settings of an older commit).
    config = str(extra.pop("GUNICORN_CONFIG", "skrsite/gunicorn.py"))
    env = django_env(database_url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=workers, **extra)
    return Server(
        [
            str(BIN / "gunicorn"),
            "-c",
            config,
            "--access-logfile",
            "/dev/null",
            "skrsite.wsgi",
        ],
        env,
        port,
        "/healthz",
        scratch=files if extra["OPEN_DATA_FILES_ROOT"] == files else None,
    )


def datasette(path):
    port = free_port()
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
        port,
        "/-/versions.json",
    )


def wrk(url, seconds, connections=8, threads=2, script=None, server=None):
    """wrk's figures for `url`; with `server` (a Server), also the CPU time its processes
    spent per request (cpu_ms_per_request): from just before wrk starts until the server
    is idle again after wrk stops, divided by the requests wrk counted plus the
    `connections` requests still in flight when it stopped, which the server completes
    (a closed-loop client keeps one request outstanding on every connection)."""
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
    if server:
        server.wait_idle()
        cpu_before = server.cpu_seconds()
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    cpu = server.wait_idle() - cpu_before if server else None

    def pick(pattern, conv=float, default=0.0):
        m = re.search(pattern, out)
        return conv(m.group(1)) if m else default

    def ms(text):
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    requests = pick(r"(\d+) requests in", int, 0)
    return {
        "rps": pick(r"Requests/sec:\s+([\d.]+)"),
        "requests": requests,
        "cpu_s": round(cpu, 2) if cpu is not None else None,
        "cpu_ms_per_request": (
            round(1000 * cpu / (requests + connections), 2)
            if cpu is not None and requests
            else None
        ),
        "p50_ms": ms(p50.group(1)) if p50 else None,
        "p99_ms": ms(p99.group(1)) if p99 else None,
        "non_2xx": pick(r"Non-2xx or 3xx responses: (\d+)", int, 0),
        "socket_errors": sum(
            int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
        # Printed by bench/recycling.lua: requests slower than each limit.
        "over_ms": {int(ms): int(n) for ms, n in re.findall(r"^over (\d+) ms: (\d+)$", out, re.M)},
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
