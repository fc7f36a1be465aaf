"""Whole-file downloads (360Giving, IATI, CSV exports) take seconds of a worker each. So
that a few clients looping on them cannot starve the pages, at most EXPORT_STREAMS_TOTAL
of them run at once over all workers and at most EXPORT_STREAMS_PER_CLIENT per client
address; a request beyond that gets 429 Too Many Requests with Retry-After and a message.

The slots are keys in the cache every worker shares, taken with an atomic add and given
back when the response is closed (after its last byte, or when the client goes away); a
worker that dies mid-stream loses its slot after EXPORT_SLOT_SECONDS at the latest. While
the cache is down nothing can be shared, so downloads are not limited then (pages are
computed from the database anyway, core.cache). Besides, a client address may start at
most EXPORT_DOWNLOADS_PER_MINUTE downloads of whole files a minute, computed or served
from disk (a counter per address and minute in the same cache)."""

import time
import uuid
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.cache import cache_is_down


def _take(key, token):
    return cache.add(key, token, timeout=settings.EXPORT_SLOT_SECONDS)


def _give_back(key, token):
    if cache.get(key) == token:
        cache.delete(key)


def acquire(request):
    """The keys taken for this request's download, or None when none is free."""
    if cache_is_down():
        return []
    token = uuid.uuid4().hex
    address = get_client_ip_address(request) or "unknown"
    taken = []
    for i in range(settings.EXPORT_STREAMS_PER_CLIENT):
        key = f"stream-slot:client:{address}:{i}"
        if _take(key, token):
            taken.append((key, token))
            break
    else:
        return None
    for i in range(settings.EXPORT_STREAMS_TOTAL):
        key = f"stream-slot:all:{i}"
        if _take(key, token):
            taken.append((key, token))
            return taken
    release(taken)
    return None


def release(taken):
    for key, token in taken:
        _give_back(key, token)


def _released_after(content, taken):
    try:
        yield from content
    finally:
        release(taken)


def too_many_requests(retry_after=None):
    response = HttpResponse(
        _(
            "Too many downloads of whole files are running right now. Try again in a "
            "minute; the lists and pages are not affected."
        )
        + "\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after or settings.EXPORT_RETRY_AFTER)
    return response


def over_limit(request, name, limit, seconds):
    """Seconds to wait when this client address has done `name` `limit` times in the
    current window of `seconds` already (this time counted), else 0; nothing is counted
    while the shared cache is down or without a limit (0)."""
    if not limit or cache_is_down():
        return 0
    now = time.time()
    window = int(now // seconds)
    address = get_client_ip_address(request) or "unknown"
    key = f"{name}:{address}:{window}"
    cache.add(key, 0, timeout=2 * seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one only
        count = 1
    return int((window + 1) * seconds - now) + 1 if count > limit else 0


def over_rate(request):
    """Seconds to wait when this client address has started EXPORT_DOWNLOADS_PER_MINUTE
    downloads of whole files in the current minute already, else 0: a file served from
    disk costs the server little, but a client looping on it still takes a worker and
    bandwidth from everyone else. Not counted while the cache is down."""
    return over_limit(request, "download-rate", settings.EXPORT_DOWNLOADS_PER_MINUTE, 60)


def limit_rate(view):
    """Decorates a view that answers with a whole file from disk: only the rate per
    client address (over_rate) applies."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        wait = over_rate(request) if request.method in ("GET", "HEAD") else 0
        return too_many_requests(wait) if wait else view(request, *args, **kwargs)

    return wrapped


def limit_streams(view):
    """Decorates a view that answers with a whole file (see the module's docstring): the
    rate per client address and the slots."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        wait = over_rate(request)
        if wait:
            return too_many_requests(wait)
        taken = acquire(request)
        if taken is None:
            return too_many_requests()
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            release(taken)
            raise
        if response.streaming:
            # Closing the response closes this generator, which gives the slots back.
            response.streaming_content = _released_after(response.streaming_content, taken)
        else:
            release(taken)
        return response

    return wrapped
