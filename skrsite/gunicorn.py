"""gunicorn settings: `gunicorn -c skrsite/gunicorn.py skrsite.wsgi`. Everything can be
overridden with the environment (GUNICORN_CMD_ARGS, WEB_CONCURRENCY, PORT).

The application is loaded once, in the master (preload_app), and warmed up there, so a
worker, the first ones and every one that replaces a recycled worker, starts in
milliseconds instead of importing Django, and its first visitor does not wait. The
master's database connections, cache clients and local cache level are closed before
each fork and every worker opens its own (skrsite/processes.py). Workers are recycled
after max_requests plus a random jitter of up to half as many again, so they do not all
restart in the same minute."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 60
graceful_timeout = 30
keepalive = 5
preload_app = True
max_requests = 5000
max_requests_jitter = max_requests // 2
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, once the application is loaded and before the first fork."""
    from skrsite import processes

    processes.warm_up()
    processes.close_before_fork()


def pre_fork(server, worker):
    """In the master, before each fork (recycled workers too)."""
    from skrsite import processes

    processes.close_before_fork()


def post_fork(server, worker):
    """In the new worker, before it accepts a request."""
    from skrsite import processes

    processes.open_in_worker()
