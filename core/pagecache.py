"""Whole public pages for anonymous visitors, in the cache every process shares, through
Django's own two-part cache middleware.

As Django asks, UpdatePublicPageCacheMiddleware comes before the middleware that adds to
Vary (sessions, locale) and FetchPublicPageCacheMiddleware after them and after
CommonMiddleware. Django's keys hold the absolute URL, the Vary headers and the language,
so a page is looked up only after the Host header has passed ALLOWED_HOSTS. What these
subclasses change:

- only anonymous GET (and HEAD) requests take part: never a request with a session cookie
  (a logged-in user, a staff preview), /admin/, /healthz or an export (.csv);
- the key prefix holds the data version (core.cache), read once as the request starts:
  a write in any process makes every process miss at once, and a page rendered while a
  write was under way is stored under the old version, where nobody looks;
- pages are kept FACET_CACHE_SECONDS (0: off), read on each request;
- the page and Django's list of its headers are read through this process's local
  level (core.cache.two_level): a repeated request costs one round trip to the shared
  cache (the data version) instead of three;
- responses get no Expires or max-age, so no browser or proxy keeps an unpublished page,
  and a response that sets a cookie is never stored."""

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.utils.cache import get_cache_key, has_vary_header, learn_cache_key
from django.utils.http import split_directive_names

from core.cache import data_version, two_level
from core.filters import contract_parameters

BYPASS_PREFIXES = ("/admin/", "/healthz")

# Set in request.META of a page rendered for a file (opendata.wholefiles.render_as_served:
# releases, the archive's every page), which nobody will ask for again.
NOT_FOR_VISITORS = "register.not_for_visitors"


def cacheable(request):
    return (
        settings.FACET_CACHE_SECONDS
        and not request.META.get(NOT_FOR_VISITORS)
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(BYPASS_PREFIXES)
        and not request.path.endswith(".csv")
    )


class FetchPublicPageCacheMiddleware(FetchFromCacheMiddleware):
    @property
    def cache(self):
        return two_level(caches[self.cache_alias])

    def process_request(self, request):
        request._cache_update_cache = False
        if not cacheable(request):
            return None
        try:
            prefix = f"public-page:{data_version()}"
            response = None
            key = get_cache_key(request, prefix, "GET", cache=self.cache)
            if key is not None:
                response = self.cache.get(key)
                if response is None and request.method == "HEAD":
                    head = get_cache_key(request, prefix, "HEAD", cache=self.cache)
                    response = self.cache.get(head)
        except DatabaseError:
            # The database cache with the database down: the view answers (503).
            return None
        request._page_cache_prefix = prefix
        if response is None:
            request._cache_update_cache = True
        return response


class UpdatePublicPageCacheMiddleware(UpdateCacheMiddleware):
    @property
    def cache(self):
        return two_level(caches[self.cache_alias])

    def process_response(self, request, response):
        prefix = getattr(request, "_page_cache_prefix", None)
        timeout = settings.FACET_CACHE_SECONDS
        if (
            prefix is None
            or not timeout
            or not self._should_update_cache(request, response)
            or response.streaming
            or response.status_code != 200
            or response.cookies
            or has_vary_header(response, "*")
            # Only the filter contract's parameters: ?utm_source=… and the like are served
            # but not stored, so stray parameters cannot fill the cache with copies.
            or not set(request.GET).issubset(contract_parameters())
            or {"private", "no-cache", "no-store"}
            & set(split_directive_names(response.get("Cache-Control", "")))
        ):
            return response
        key = learn_cache_key(request, response, timeout, prefix, cache=self.cache)
        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(lambda r: self.cache.set(key, r, timeout))
        else:
            self.cache.set(key, response, timeout)
        return response
