"""{% data_links %}: "this list as JSON / 360Giving / IATI / Atom", with the list's own
filters, under a list."""

from django import template
from django.urls import reverse

register = template.Library()

# url name of a list: [(label, address name, language-neutral?)]
LIST_FORMATS = {
    "projects:project-list": [
        ("JSON", "api-v1:projects", True),
        ("IATI", "data-projects-iati", True),
        ("Atom", "opendata:project-feed", False),
    ],
    "partnerships:partnership-list": [
        ("JSON", "api-v1:partnerships", True),
        ("360Giving", "data-grants-360giving", True),
        ("IATI", "data-partnerships-iati", True),
        ("Atom", "opendata:partnership-feed", False),
    ],
    "partnerships:municipality-list": [("JSON", "api-v1:municipalities", True)],
}


@register.inclusion_tag("opendata/data_links.html", takes_context=True)
def data_links(context):
    request = context["request"]
    match = request.resolver_match
    formats = LIST_FORMATS.get(match.view_name if match else "", [])
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    links = []
    for label, name, neutral in formats:
        url = reverse(name)
        if neutral and url.startswith("/en/"):
            url = url[3:]
        links.append((label, f"{url}?{query}" if query else url))
    return {"links": links}
