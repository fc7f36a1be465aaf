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
