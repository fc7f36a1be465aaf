"""The data version that keeps every cached page, facet count and home page figure fresh.

Everything the register caches (core.pagecache for whole pages, `cached` here for facet
counts and figures) is kept for FACET_CACHE_SECONDS in Django's cache, which every process
shares (Redis or a database table, see CACHES in the settings), under keys that hold the
data version. Any write to a register record calls bump_data_version() (the signals in
core.apps; the management commands that write in bulk call it themselves), which stores a
new version in that shared cache, so the next request in every process misses what was
cached before.

A version is a new random token, not a counter: two processes that bump at once both
change it (the database cache has no atomic increment), and a version key the cache
evicts comes back as a value never used before, not as an old one whose pages may still
be cached."""

import hashlib
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "register:data-version"
_local = threading.local()


def _new_token():
    return uuid.uuid4().hex[:16]


def data_version():
    _local.read = True
    return cache.get_or_set(VERSION_KEY, _new_token, timeout=None)


def _store_new_version():
    cache.set(VERSION_KEY, _new_token(), timeout=None)
    _local.read = False


def bump_data_version(using=None, **kwargs):
    """Make everything cached so far stale, in every process.

    Outside a transaction the version changes at once. Inside one it changes again when
    the transaction commits (once, however many rows it writes): another process that
    renders a page before the commit still sees the old data, and that page must not
    outlive the commit. It also changes at once when this thread has read the version
    since its last bump, since this connection already sees the uncommitted change."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _store_new_version()
        return
    if getattr(_local, "read", True):
        _store_new_version()
    if not any(entry[1] is _store_new_version for entry in connection.run_on_commit):
        transaction.on_commit(_store_new_version, using=using)


def page_cache_key(name):
    """The key of a part of a page (home figures, goal tiles), made when it is needed."""
    return lambda: f"page:{name}:{get_language()}:{data_version()}"


def facet_cache_key(model, params):
    relevant = sorted(
        (k, v) for k, values in params.lists() for v in values if k not in ("page", "sort")
    )
    digest = hashlib.sha1(repr(relevant).encode("utf-8", "surrogatepass")).hexdigest()
    return f"facets:{model._meta.label}:{get_language()}:{data_version()}:{digest}"


def cached_facets(model, params, compute):
    return cached(lambda: facet_cache_key(model, params), compute)


def cached(key, compute):
    """compute(), kept FACET_CACHE_SECONDS under `key` (a string or a function that makes
    it, called only when caching is on), which must carry data_version()."""
    seconds = settings.FACET_CACHE_SECONDS
    if not seconds:
        return compute()
    if callable(key):
        key = key()
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, seconds)
    return result
