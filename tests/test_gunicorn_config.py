"""gunicorn's settings (skrsite/gunicorn.py): the application is loaded once in the
master and warmed up there, workers are recycled with a jitter of about half
max_requests, and no database connection or Redis connection pool of the master is
shared with a forked worker (skrsite/processes.py). The hooks are run in a process that
really forks, and gunicorn itself serves pages while it recycles its workers."""

import json
import re
import runpy
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.test_cache_outage import free_port
from tests.test_reliability import (
    ROOT,
    database_url_for_subprocesses,
    key_prefix,  # noqa: F401 - a fixture
    manage,
    redis_url_or_fail,
    subprocess_env,
)


def test_the_application_is_loaded_once_and_workers_recycle_spread_out():
    settings = runpy.run_path(str(ROOT / "skrsite" / "gunicorn.py"))
    assert settings["preload_app"] is True
    assert settings["max_requests"] >= 1000
    assert 0.4 <= settings["max_requests_jitter"] / settings["max_requests"] <= 0.6
    for hook in ("when_ready", "pre_fork", "post_fork"):
        assert callable(settings[hook]), hook


# The master's part and the worker's part of a real fork, in a process of their own (the
# test's database connection must not be closed under it): what each holds afterwards.
FORK = """
import json, os, runpy
from django.core.cache import caches
from django.db import connection
from django.template import engines
from skrsite import processes

hooks = runpy.run_path("skrsite/gunicorn.py")
templates = engines["django"].engine.template_loaders[0].get_template_cache
before = {"templates": len(templates)}
hooks["when_ready"](None)
parent = {
    "templates": len(templates),
    "db_open": connection.connection is not None,
    "pages": [processes.render("/"), processes.render("/en/")],
}
# The master, like a preloaded application, holds a connection and a cache client again.
connection.ensure_connection()
postgresql = connection.vendor == "postgresql"
backend_pid = connection.cursor().connection.info.backend_pid if postgresql else None
inherited = caches["default"]
inherited.get("anything")
hooks["pre_fork"](None, None)
parent["db_open_at_fork"] = connection.connection is not None
parent["same_cache_client_at_fork"] = caches["default"] is inherited
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    hooks["post_fork"](None, None)
    child = {
        "db_open": connection.connection is not None,
        "same_cache_client": caches["default"] is inherited,
        "same_db_backend": (
            connection.cursor().connection.info.backend_pid == backend_pid
            if backend_pid else None
        ),
        "page": processes.render("/projekt/"),
    }
    os.write(write, json.dumps(child).encode())
    os._exit(0)
os.close(write)
child = json.loads(os.read(read, 65536))
os.waitpid(pid, 0)
print("RESULT " + json.dumps({"before": before, "parent": parent, "child": child}))
"""


@pytest.mark.django_db(transaction=True)
def test_the_hooks_warm_up_the_master_and_share_no_connection_with_a_worker(
    tmp_path,
    key_prefix,  # noqa: F811
):
    env = subprocess_env(database_url_for_subprocesses(tmp_path), "redis", key_prefix)
    redis_url_or_fail()
    out = manage(env, "shell", "-c", FORK)
    result = json.loads(re.search(r"^RESULT (.*)$", out, re.M).group(1))
    before, parent, child = result["before"], result["parent"], result["child"]
    # Warmed up: the pages rendered in the master, their templates compiled there once.
    assert parent["pages"] == [200, 200]
    assert before["templates"] == 0 and parent["templates"] > 0
    # Nothing the master opened is open when it forks ...
    assert parent["db_open"] is False
    assert parent["db_open_at_fork"] is False
    assert parent["same_cache_client_at_fork"] is False
    # ... and the worker has its own, opened before its first request.
    assert child["db_open"] is True
    assert child["same_cache_client"] is False
    if connection.vendor == "postgresql":
        assert child["same_db_backend"] is False
    assert child["page"] == 200


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_every_request_while_it_recycles_its_workers(
    tmp_path,
    key_prefix,  # noqa: F811
):
    env = subprocess_env(database_url_for_subprocesses(tmp_path), "redis", key_prefix)
    redis_url_or_fail()
    port = free_port()
    env.update(
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        # Recycled every 4 to 6 requests; the jitter as the settings compute it.
        GUNICORN_CMD_ARGS="--max-requests 4 --max-requests-jitter 2 "
        f"--control-socket {tmp_path / 'gunicorn.ctl'}",
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log_file = tmp_path / "gunicorn.log"
    statuses = []
    with log_file.open("w") as log_output:
        server = subprocess.Popen(
            [gunicorn, "-c", "skrsite/gunicorn.py", "skrsite.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log_output,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.2)
            for n in range(30):
                path = ("/", "/projekt/", "/en/projects/")[n % 3]
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    statuses.append(response.status)
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = log_file.read_text()
    assert statuses == [200] * 30
    booted = re.findall(r"Booting worker with pid", log)
    assert len(booted) >= 6, log[-3000:]  # 2 at the start, then at least 4 replacements
    assert "Traceback" not in log and "warm-up" not in log, log[-3000:]
