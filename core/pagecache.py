"""Whole public pages for anonymous visitors, cached briefly and dropped on any change.

The key holds the data version (core.cache), so an edit is visible at once in the process
that made it and within FACET_CACHE_SECONDS elsewhere. Logged-in users (staff previews,
export links) and anything but a plain GET of an HTML page bypass it."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from core.cache import data_version

BYPASS_PREFIXES = ("/admin/", "/healthz")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def cacheable(self, request):
        return (
            settings.FACET_CACHE_SECONDS
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(BYPASS_PREFIXES)
            and not request.path.endswith(".csv")
        )

    def __call__(self, request):
        if not self.cacheable(request):
            return self.get_response(request)
        digest = hashlib.sha1(request.get_full_path().encode("utf-8", "surrogatepass")).hexdigest()
        key = f"public-page:{data_version()}:{digest}"
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, response, settings.FACET_CACHE_SECONDS)
        return response
