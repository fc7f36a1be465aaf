"""Every named public address of the site, read from the URL resolver (not a hand-kept
list), so that a page added later is walked by the tests that use this without anyone
remembering to add it."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

# Namespaces and names that are not public pages: the admin, the health check, the files
# only staff may download (they are checked by the export tests) and the favicon redirect.
NOT_PUBLIC_NAMESPACES = {"admin"}
NOT_PUBLIC_NAMES = {
    "health",
    "projects:project-export",
    "partnerships:partnership-export",
    "partnerships:grant-export",
    "partnerships:municipality-export",
}


def named_patterns(patterns=None, namespace=()):
    """(full name, names of the address's parameters) of every named route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            if set(inner) & NOT_PUBLIC_NAMESPACES:
                continue
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = ":".join(namespace + (pattern.name,))
            if name not in NOT_PUBLIC_NAMES:
                yield (
                    name,
                    tuple(pattern.pattern.converters) or tuple(pattern.pattern.regex.groupindex),
                )


def public_addresses(samples, languages=("sv", "en")):
    """Every public address in each language: routes without parameters once, routes with
    parameters once for each set of values `samples(name)` gives. A route with parameters
    for which `samples` has nothing fails the walk, so no page is skipped unnoticed."""
    addresses = []
    missing = []
    for name, parameters in named_patterns():
        values = [{}] if not parameters else samples(name)
        if not values:
            missing.append(name)
            continue
        for language in languages:
            with translation.override(language):
                for kwargs in values:
                    address = reverse(name, kwargs=kwargs)
                    if address not in addresses:
                        addresses.append(address)
    assert not missing, f"no sample values for the public routes {missing}"
    return addresses
