from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode


def widget(request):
    """On the pages that have a widget (pages/widgets.py): `embed` (its address),
    `embed_title` and `oembed` (the oEmbed address of this page), for the "Embed on your
    site" box and the head's oEmbed link."""
    from pages.widgets import subject_of, widget_address, widget_of

    match = getattr(request, "resolver_match", None)
    route = widget_of(match.view_name) if match is not None else None
    if route is None:
        return {}
    try:
        title = subject_of(route, match.kwargs, request.GET, described=False).title
    except Http404:  # a draft seen in preview has no widget
        return {}
    page = request.build_absolute_uri(request.get_full_path())
    return {
        "embed": widget_address(request, match.view_name, match.kwargs, request.GET),
        "embed_title": title,
        "oembed": request.build_absolute_uri(reverse("oembed"))
        + "?"
        + urlencode({"url": page, "format": "json"}),
    }
