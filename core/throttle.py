"""Whole-file downloads (360Giving, IATI, CSV exports) take seconds of a worker each. So
that a few clients looping on them cannot starve the pages, at most EXPORT_STREAMS_TOTAL
of them run at once over all workers and at most EXPORT_STREAMS_PER_CLIENT per client
address; a request beyond that gets 429 Too Many Requests with Retry-After and a message.

The slots are keys in the cache every worker shares, taken with an atomic add and given
back when the response is closed (after its last byte, or when the client goes away); a
worker that dies mid-stream loses its slot after EXPORT_SLOT_SECONDS at the latest. While
the cache is down nothing can be shared, so downloads are not limited then (pages are
computed from the database anyway, core.cache)."""

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


def too_many_requests():
    response = HttpResponse(
        _(
            "Too many downloads of whole files are running right now. Try again in a "
            "minute; the lists and pages are not affected."
        )
        + "\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(settings.EXPORT_RETRY_AFTER)
    return response


def limit_streams(view):
    """Decorates a view that answers with a whole file (see the module's docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
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
