"""What every open-data response shares: conditional GET on the register's data version,
CORS for other sites' scripts, and errors as JSON.

The validators come from core.cache.data_version(), which changes with every write to a
register record (publishing, unpublishing and deleting included), so they cost one cache
lookup and no query of the records:

- ETag: the data version and the address (path and parameters), so a client that sends
  If-None-Match gets 304 Not Modified until any record changes;
- Last-Modified: the moment this process first saw the current data version (kept in the
  shared cache beside it), at or after the change itself, so If-Modified-Since works too.

Responses say `Cache-Control: public, no-cache`: anyone may keep them but must ask again
(cheaply, with the validators) before using them, so an unpublished record is gone at
once; for the same reason the shared page cache (core.pagecache) does not store them."""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_safe

from core.cache import data_version
from core.filters import invalid_values

SEEN_TIMEOUT = 60 * 60 * 24 * 30


def request_version(request):
    """The data version, read once a request (the ETag and Last-Modified both use it)."""
    if not hasattr(request, "_open_data_version"):
        request._open_data_version = data_version()
    return request._open_data_version


def data_etag(request, *args, **kwargs):
    digest = hashlib.sha1(
        request.get_full_path().encode("utf-8", "surrogatepass"), usedforsecurity=False
    ).hexdigest()[:16]
    return f'"{request_version(request)}-{digest}"'


def data_last_modified(request, *args, **kwargs):
    key = f"opendata:version-seen:{request_version(request)}"
    seen = cache.get(key)
    if seen is None:
        seen = timezone.now().replace(microsecond=0)
        cache.add(key, seen, timeout=SEEN_TIMEOUT)
    return seen


# Request headers a script may send (If-None-Match and If-Modified-Since are not
# CORS-safelisted, so sending them makes the browser ask first), and response headers it
# may read beyond the safelisted ones.
CORS_ALLOW_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
CORS_EXPOSE_HEADERS = "ETag, Last-Modified, Content-Disposition"
CORS_MAX_AGE = 60 * 60 * 24


def add_open_headers(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_cache_control(response, public=True, no_cache=True)
    return response


READ_METHODS = ["GET", "HEAD", "OPTIONS"]


def preflight():
    """The answer to a CORS preflight (OPTIONS): any site may read, never write."""
    response = HttpResponse(status=204)
    response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
    response["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
    response["Access-Control-Max-Age"] = str(CORS_MAX_AGE)
    return add_open_headers(response)


def open_data(view):
    """A public, read-only data view: conditional GET (304), CORS with preflight, no-cache;
    any other method than reading is answered 405 with the methods allowed."""
    conditional = condition(etag_func=data_etag, last_modified_func=data_last_modified)(view)

    @csrf_exempt  # nothing here writes, so there is nothing to forge: the 405 comes first
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return preflight()
        if request.method not in READ_METHODS:
            return add_open_headers(HttpResponseNotAllowed(READ_METHODS))
        return add_open_headers(conditional(request, *args, **kwargs))

    return wrapped


def read_only(view):
    """GET and HEAD only, anything else 405 with Allow (also without a CSRF token: the view
    writes nothing): for public files that are not open data's (robots.txt, sitemap)."""
    return csrf_exempt(require_safe(view))


def json_error(message, status=400, errors=None):
    body = {"detail": message}
    if errors:
        body["errors"] = errors
    return add_open_headers(JsonResponse(body, status=status))


def xml_error(message, status=400):
    """json_error for the XML formats: <error><detail>message</detail></error>."""
    from lxml import etree

    root = etree.Element("error")
    etree.SubElement(root, "detail").text = message
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return add_open_headers(
        HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")
    )


def empty_selection(request, media="json"):
    """The answer to a selection that matched nothing, where the format's schema requires
    at least one record (360Giving: a grant; IATI: an activity): 404 with the reason in
    the format's media type, rather than a file that fails its own schema."""
    requires = (
        "(IATI: a date, a status and a participating organisation; 360Giving: a Swedish "
        "recipient and a grant-maker)"
    )
    if request.GET:
        message = (
            "The filters matched nothing this standard can describe: no published record "
            f"that fits them has what it requires {requires}, and the standard does not "
            "allow a file without records. The list with the same parameters shows what "
            "is there."
        )
    else:
        message = (
            "The register has published nothing this standard can describe yet: no record "
            f"has what it requires {requires}, and the standard does not allow a file "
            "without records. The lists, the API and the full download hold every "
            "published record."
        )
    return json_error(message, 404) if media == "json" else xml_error(message, 404)


class BadParameters(Exception):
    """Parameters a data view cannot use: answered with 400 and a JSON body."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def check_parameters(params, allowed):
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise BadParameters(
            "Unknown parameters.",
            {name[:50]: [f"Allowed: {', '.join(sorted(allowed))}."] for name in unknown[:10]},
        )


def filter_errors(filterset):
    """{parameter: [message]} of an invalid FilterSet, messages shortened."""
    return {
        name: [message[:200] for message in messages]
        for name, messages in invalid_values(filterset).items()
    }


def filtered(filterset_class, queryset, params, request, extra=()):
    """The records the FilterSet selects from `params` (the page's own parameters); raises
    BadParameters for unknown parameters or values the page would report in a notice."""
    check_parameters(params, [*filterset_class.base_filters, *extra])
    data = params.copy()
    for name in extra:
        data.pop(name, None)
    filterset = filterset_class(data or None, queryset=queryset, request=request)
    errors = filter_errors(filterset)
    if errors:
        raise BadParameters("Invalid filter values.", errors)
    return filterset
