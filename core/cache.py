"""A short-lived cache for facet counts, the costly part of a list page (table-wide
grouped counts). Any change to a register record bumps a data version, so the cache
holding the version is invalidated at once; other processes' local caches expire after
FACET_CACHE_SECONDS. With a shared cache backend every process sees the bump at once."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

VERSION_KEY = "register:data-version"


def data_version():
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_data_version(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def page_cache_key(name):
    return f"page:{name}:{get_language()}:{data_version()}"


def facet_cache_key(model, params):
    relevant = sorted(
        (k, v) for k, values in params.lists() for v in values if k not in ("page", "sort")
    )
    digest = hashlib.sha1(repr(relevant).encode("utf-8", "surrogatepass")).hexdigest()
    return f"facets:{model._meta.label}:{get_language()}:{data_version()}:{digest}"


def cached_facets(model, params, compute):
    return cached(facet_cache_key(model, params), compute)


def cached(key, compute):
    """compute(), kept FACET_CACHE_SECONDS under `key` (which must carry data_version())."""
    seconds = settings.FACET_CACHE_SECONDS
    if not seconds:
        return compute()
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, seconds)
    return result
