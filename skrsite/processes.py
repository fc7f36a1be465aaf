"""What gunicorn's hooks do (skrsite/gunicorn.py) with the application loaded once in the
master (preload_app) and forked into every worker.

The master warms the application up once (warm_up): it renders the warm-up pages through
the whole middleware stack, so compiled templates, URL resolvers and translation
catalogues are in its memory and every worker it forks, a recycled one too, starts with
them. Nothing it renders is stored in the page cache. Before each fork the master closes
what must not be shared between processes (close_before_fork): its database connections
(two processes on one socket corrupt each other's conversation with the database), its
cache clients with their Redis connection pools, and the local cache level. Each worker
then opens its own connections at once (open_in_worker), before its first request."""

import io
import logging
import os
import sys

logger = logging.getLogger(__name__)

# Rendered in the master before the first fork: the home page in both languages.
WARM_UP_PATHS = ("/", "/en/")


def _host():
    from django.conf import settings

    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


def render(path):
    """The status of `path` rendered by the WSGI application as for an anonymous visitor
    over HTTPS, not stored in (nor read from) the page cache."""
    from django.core.handlers.wsgi import WSGIHandler

    from core.pagecache import NOT_FOR_VISITORS

    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": _host(),
        "SERVER_PORT": "443",
        "HTTP_HOST": _host(),
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        NOT_FOR_VISITORS: True,
    }
    response = WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status))
    try:
        for _chunk in response:
            pass
    finally:
        response.close()
    return int(statuses[0].split()[0])


def warm_up(paths=WARM_UP_PATHS):
    """In the master, once the application is loaded: render `paths`. A failure (the
    database down at start) is logged and the workers start anyway."""
    for path in paths:
        try:
            status = render(path)
        except Exception:  # noqa: BLE001 - the workers must start whatever happens here
            logger.exception("warm-up of %s failed", path)
            continue
        if status != 200:
            logger.warning("warm-up of %s answered %s", path, status)


def close_before_fork():
    """In the master: close the database connections and drop the cache clients (and
    their connection pools), so that a forked worker shares none of them, and empty the
    local cache level."""
    from django.core.cache import caches
    from django.db import connections

    from core.cache import local_level

    connections.close_all()
    for alias in caches:
        try:
            del caches[alias]  # its Redis connections close with their pool
        except AttributeError:
            pass  # not opened in this process
    local_level.clear()


def open_in_worker():
    """In a new worker: open its own database connection and Redis connection pool now
    (reading the data version), so its first visitor does not wait for them."""
    from django.db import connection

    from core.cache import data_version

    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - the database down: requests will answer 503
        logger.warning("worker %s could not connect to the database", os.getpid())
    data_version()  # the shared cache answers, or its outage is noted (core/cache.py)
