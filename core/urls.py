"""Addresses in each language: the Swedish pages use Swedish words without a prefix
(/projekt/), the English pages English words under /en/ (/en/projects/)."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def _route(sv, en):
    return en if get_language() == "en" else sv


localized_route = lazy(_route, str)
localized_route.__doc__ = """A route for path() that follows the active language, as a
translated route would, but kept in the code with both words side by side (a missing
message catalogue can't change an address): path(localized_route("projekt/",
"projects/"), ...). Only used inside i18n_patterns."""


def resolve_own_address(request, address):
    """The route of `address`, a path of this site or its whole URL, resolved in the
    language of its path (the English routes are English words), as (match, language);
    Http404 for another site's address or one that resolves to nothing."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.http import Http404
    from django.urls import Resolver404, resolve
    from django.utils import translation

    try:
        parts = urlsplit(address)
    except ValueError:  # "http://[", an address no browser could have
        raise Http404 from None
    if parts.scheme not in ("", "http", "https") or (
        parts.netloc and parts.netloc != request.get_host()
    ):
        raise Http404
    language = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return resolve(parts.path or "/"), language
        except Resolver404:
            raise Http404 from None
