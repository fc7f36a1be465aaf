import logging
import time
from urllib.parse import unquote

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.middleware.csp import ContentSecurityPolicyMiddleware as BaseCSPMiddleware
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from core.publication import set_public_reading

logger = logging.getLogger(__name__)

# Browser features the register never uses, denied to every page and any frame in it.
# Only features Chromium recognises: an unknown one is reported on the console.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set, on every response (pages,
    pages from the cache, static files, errors): Permissions-Policy, and
    Cross-Origin-Resource-Policy so that no other site embeds the register's resources."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class PrivateForUsersMiddleware:
    """Cache-Control: private on every response to a logged-in user (staff pages, draft
    previews, pages with export links), so that no shared cache or proxy keeps them.
    Requests without a session cookie are not looked at (their session is not even
    loaded), so anonymous pages stay public and in the page cache (core.pagecache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware(BaseCSPMiddleware):
    """Django's CSP, with the admin's slightly wider policy under /admin/."""

    def process_response(self, request, response):
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return super().process_response(request, response)


def language_prefix(language):
    """The address prefix of a language's pages: none for the default language."""
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def split_language(path):
    """(language, path without its prefix): /en/projects/ -> ("en", "/projects/")."""
    for code, _name in settings.LANGUAGES:
        prefix = language_prefix(code)
        if prefix and path.startswith(prefix + "/"):
            return code, path[len(prefix) :]
    return settings.LANGUAGE_CODE, path


def page_address(words, language, languages):
    """The address in `language` of the page that `words` (a path without a prefix)
    names in the first of `languages` that knows it; None if none does."""
    for code in languages:
        with translation.override(code):
            try:
                match = resolve(language_prefix(code) + words)
            except Resolver404:
                continue
        if not match.url_name:
            return None
        with translation.override(language):
            try:
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return None
    return None


class LanguagePathRedirectMiddleware:
    """A permanent redirect, query string kept, for an address that mixes languages:
    /en/ with Swedish words (/en/projekt/, shared before the English words existed) goes
    to /en/projects/, and English words without /en/ (/projects/) to the English page.
    Only a page no language has at that address is redirected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = self.target(request.path_info)
        # reverse() gives the whole address, with any script prefix, percent-encoded
        # (/en/countries/%C3%A5/ is /en/countries/å/ itself: no redirect to itself).
        if not target or unquote(target) == request.path:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))

    @staticmethod
    def target(path):
        language, words = split_language(path)
        codes = [code for code, _name in settings.LANGUAGES]
        if language != settings.LANGUAGE_CODE:
            # Its own words first: a missing record at an English address stays a 404.
            return page_address(words, language, [language, *codes])
        # Words the default language knows are its page (a missing record stays a 404);
        # otherwise the words of another language lead to that language's page.
        if page_address(words, language, [language]):
            return None
        for code in codes:
            if (target := page_address(words, code, [code])) is not None:
                return target
        return None


class PublicRelationsMiddleware:
    """Every request outside the admin is served to the public: while it is answered (a
    streamed file included), a foreign key to a record that is not published reads as None
    (core.publication). The state is set anew by each request and cleared when its
    response is closed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        set_public_reading(not request.path_info.startswith(self.admin_prefix))
        return self.get_response(request)


def _end_public_reading(**kwargs):
    set_public_reading(False)


request_finished.connect(_end_public_reading, dispatch_uid="core.public_reading")


class DatabaseUnavailableMiddleware:
    """A request that finds the database down gets 503 Service Unavailable with
    Retry-After (and the page says so in both languages), not the generic error page:
    clients and crawlers come back, and the outage is logged once a minute per process,
    not once a request. Pages in the shared cache are still served (they need no
    database)."""

    RETRY_AFTER = 30
    _last_logged = 0.0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not _database_down():
            return None  # a lock timeout or the like: an ordinary error
        now = time.monotonic()
        if now - DatabaseUnavailableMiddleware._last_logged > 60:
            DatabaseUnavailableMiddleware._last_logged = now
            logger.error("database unavailable: %s", exception)
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(self.RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response


def _database_down():
    from django.db import connection

    try:
        connection.close()
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - any failure to connect means down
        return True
    return False
