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
be cached.

In front of that shared cache each process keeps a small local level (LocalLevel, used
through two_level()): copies of pages, facet counts and figures it has read or stored,
for LOCAL_CACHE_SECONDS at most. Their keys carry the data version, which is never kept
locally, so a write in another process is seen by the next request here as well; the
local level only spares the round trips to Redis for the rest of a cached page."""

import hashlib
import logging
import pickle
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "register:data-version"
_local = threading.local()
logger = logging.getLogger(__name__)


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
    levels = two_level(cache)
    result = levels.get(key)
    if result is None:
        result = compute()
        levels.set(key, result, seconds)
    return result


class LocalLevel:
    """This process's copies of shared values: a least-recently-used dictionary of
    pickled values (a reader gets its own copy, which it may change), each kept
    LOCAL_CACHE_SECONDS at most (and no longer than the shared cache keeps it), bounded
    by LOCAL_CACHE_ENTRIES entries and LOCAL_CACHE_MB megabytes of pickled values. The
    settings are read on each call, so a test can change them."""

    def __init__(self):
        self._entries = OrderedDict()  # key -> (expires at, pickled value)
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    @property
    def bytes(self):
        return self._bytes

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
        return pickle.loads(entry[1])  # noqa: S301 - our own pickle of a value we read

    def set(self, key, value, seconds):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        most_entries = settings.LOCAL_CACHE_ENTRIES
        most_bytes = settings.LOCAL_CACHE_MB * 1024 * 1024
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if len(data) > most_bytes or most_entries < 1:
                return
            self._entries[key] = (time.monotonic() + seconds, data)
            self._bytes += len(data)
            while len(self._entries) > most_entries or self._bytes > most_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key):
        _expires, data = self._entries.pop(key)
        self._bytes -= len(data)


local_level = LocalLevel()


class TwoLevelCache:
    """`shared` (a Django cache) with this process's local level in front, for keys that
    carry the data version only: page cache entries, facet counts, figures. Off when
    LOCAL_CACHE_SECONDS is 0, and while the shared cache is down (every call then goes
    to the shared cache, which answers as a miss, as without a local level)."""

    def __init__(self, shared):
        self.shared = shared

    def _seconds(self, timeout=None):
        seconds = settings.LOCAL_CACHE_SECONDS
        if not seconds or cache_is_down():
            return 0
        if timeout is None or timeout is DEFAULT_TIMEOUT:
            timeout = self.shared.default_timeout
        return seconds if timeout is None else min(seconds, timeout)

    def get(self, key, default=None):
        if not self._seconds():
            return self.shared.get(key, default)
        local_key = self.shared.make_key(key)
        value = local_level.get(local_key)
        if value is not None:
            return value
        value = self.shared.get(key)
        if value is None:
            return default
        if seconds := self._seconds():  # the shared cache answered, not an outage
            local_level.set(local_key, value, seconds)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self.shared.set(key, value, timeout)
        if seconds := self._seconds(timeout):  # stored in the shared cache too
            local_level.set(self.shared.make_key(key), value, seconds)


def two_level(shared):
    return TwoLevelCache(shared)


# The cache is an accelerator. When Redis cannot be reached, pages are computed from the
# database: every call answers as a miss at once, the outage is logged once (and its end),
# and Redis is tried again every CACHE_RETRY_SECONDS rather than on every call. Writes made
# meanwhile could not move the data version, so when Redis answers again the version is
# moved before anything is read from it: a page cached before the outage is never served.
_outage = {"since": None, "retry_at": 0.0}
_outage_lock = threading.Lock()


def _redis_errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that degrades to "nothing cached" while Redis is down."""

    def _call(self, method, default, *args, **kwargs):
        if _outage["since"] is not None:
            if time.monotonic() < _outage["retry_at"]:
                return default
            if not self._come_back():
                return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except _redis_errors() as error:
            self._went_down(error)
            return default

    def _went_down(self, error):
        with _outage_lock:
            first = _outage["since"] is None
            if first:
                _outage["since"] = time.monotonic()
            _outage["retry_at"] = time.monotonic() + settings.CACHE_RETRY_SECONDS
        if first:
            logger.error("cache unavailable, pages are computed from the database: %s", error)

    def _come_back(self):
        """After an outage, move the data version before anything else is read: writes
        made meanwhile could not. False while Redis still does not answer."""
        try:
            super().set(VERSION_KEY, _new_token(), timeout=None)
        except _redis_errors() as error:
            self._went_down(error)
            return False
        with _outage_lock:
            since, _outage["since"] = _outage["since"], None
        if since is not None:
            logger.warning("cache available again after %.1f s", time.monotonic() - since)
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", 0, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def available(self):
        """Whether Redis answers now (for the health check; not rate-limited)."""
        try:
            self._cache.get_client(write=False).ping()
        except _redis_errors():
            return False
        return _outage["since"] is None or self._come_back()


def cache_is_down():
    """Whether this process found the shared cache down and has not seen it back yet."""
    return _outage["since"] is not None


def cache_available():
    """Whether the shared cache answers: Redis's ping, or a read of the database cache."""
    available = getattr(cache, "available", None)
    if available is not None:
        return available()
    try:
        cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - any failure of the cache means unavailable
        return False
    return True
