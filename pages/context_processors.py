from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode


def widget(request):
    """On the pages that have a widget (pages/widgets.py): `embed` (its address),
    `embed_title` and `oembed` (the oEmbed address of this page), for the "Embed on your
    site" box and the head's oEmbed link."""
    from pages.widgets import DETAIL_TO_WIDGET, WIDGETS, widget_address

    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in DETAIL_TO_WIDGET:
        return {}
    try:
        _subject, title, _parameter, _value = WIDGETS[DETAIL_TO_WIDGET[match.view_name]][1](
            *match.kwargs.values()
        )
    except Http404:  # a draft seen in preview has no widget
        return {}
    page = request.build_absolute_uri(request.path)
    return {
        "embed": widget_address(request, match.view_name, match.kwargs),
        "embed_title": title,
        "oembed": request.build_absolute_uri(reverse("oembed"))
        + "?"
        + urlencode({"url": page, "format": "json"}),
    }
