"""Widgets for municipal and regional websites (issue: reach beyond the register): an
embeddable page per municipality or region, country, global goal and programme, at
`<its address>inbaddning/` (English `…/embed/`), listing its newest published records
with links to the register, and an oEmbed endpoint (`/oembed`) that gives the <iframe>
for any of those records' pages.

The widget page may be framed by any site (`frame-ancestors *`, no X-Frame-Options) and
only it; it sets no cookie, runs no script and is a whole accessible page (language,
title, heading, links that open the register in the top window). Its records are what
the list with the same filter shows (the filter contract: ?municipality=, ?country=,
?goal=, ?programme=), read with the lists' FilterSets (core.filters.selected)."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from core.filters import selected
from core.urls import resolve_own_address
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.models import Country, Goal, Organisation, Programme

SHOWN = 10
WIDTH, HEIGHT = 600, 420


def municipality(slug):
    org = get_object_or_404(Organisation.objects.published().swedish_local(), slug=slug)
    return org, org.name, "municipality", org.slug


def country(code):
    if not code.isalpha() or len(code) != 2:
        raise Http404
    found = get_object_or_404(Country, code=code.upper())
    return found, found.name, "country", found.code


def goal(number):
    found = get_object_or_404(Goal, framework="sdg", number=number)
    return found, str(found), "goal", str(found.number)


def programme(slug):
    found = get_object_or_404(Programme.objects.published(), slug=slug)
    return found, found.name, "programme", found.slug


# route name of the widget: (route name of the record's page, the subject's lookup)
WIDGETS = {
    "pages:municipality-embed": ("partnerships:municipality-detail", municipality),
    "pages:country-embed": ("pages:country-detail", country),
    "pages:goal-embed": ("pages:goal-detail", goal),
    "pages:programme-embed": ("pages:programme-detail", programme),
}
DETAIL_TO_WIDGET = {detail: widget for widget, (detail, _lookup) in WIDGETS.items()}


def records_for(parameter, value):
    """(newest records, number of partnerships, number of projects) that the lists show
    for ?<parameter>=<value>; a number is None where the list has no such filter."""
    params = QueryDict(mutable=True)
    params[parameter] = value
    found = []
    counts = {}
    for key, filterset_class, model in (
        ("partnerships", PartnershipFilterSet, Partnership),
        ("projects", ProjectFilterSet, Project),
    ):
        if parameter not in filterset_class.base_filters:
            counts[key] = None  # the filter does not apply to this kind (a municipality's projects)
            continue
        records = selected(filterset_class(params, queryset=model.objects.published()))
        counts[key] = records.count()
        found += list(records.order_by("-start_date", "-id")[:SHOWN])
    found.sort(key=lambda r: (r.start_date is not None, r.start_date), reverse=True)
    return found[:SHOWN], counts["partnerships"], counts["projects"]


class WidgetView(TemplateView):
    template_name = "pages/widget.html"
    route = None  # a key of WIDGETS

    @classmethod
    def as_view(cls, **initkwargs):
        return xframe_options_exempt(super().as_view(**initkwargs))

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Any site may frame this page, and only this one (the site's policy elsewhere).
        response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    def get_context_data(self, **kwargs):
        detail, lookup = WIDGETS[self.route]
        subject, title, parameter, value = lookup(*kwargs.values())
        records, partnerships, projects = records_for(parameter, value)
        return super().get_context_data(
            title=title,
            subject=subject,
            page=self.request.build_absolute_uri(reverse(detail, kwargs=kwargs)),
            records=[(r, self.request.build_absolute_uri(r.get_absolute_url())) for r in records],
            partnerships=partnerships,
            projects=projects,
            **kwargs,
        )


def widget_address(request, detail_name, kwargs):
    return request.build_absolute_uri(reverse(DETAIL_TO_WIDGET[detail_name], kwargs=kwargs))


def iframe(address, title, width, height):
    return (
        f'<iframe src="{escape(address)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" style="border:0;max-width:100%"></iframe>'
    )


def oembed(request):
    """/oembed?url=<a record page's address>[&maxwidth=&maxheight=&format=json]: the
    oEmbed 1.0 "rich" answer with the widget's <iframe>; 404 for an address that has no
    widget, 501 for a format other than JSON (as the spec says)."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(status=501)
    match, language = resolve_own_address(request, request.GET.get("url", ""))
    with translation.override(language):
        detail = match.view_name
        if detail not in DETAIL_TO_WIDGET:
            raise Http404
        _subject, title, _parameter, _value = WIDGETS[DETAIL_TO_WIDGET[detail]][1](
            *match.kwargs.values()
        )
        address = widget_address(request, detail, match.kwargs)
    width, height = WIDTH, HEIGHT
    for name, default in (("maxwidth", WIDTH), ("maxheight", HEIGHT)):
        value = request.GET.get(name, "")
        if value.isdigit() and int(value) > 0:
            if name == "maxwidth":
                width = min(default, int(value))
            else:
                height = min(default, int(value))
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": str(title),
            "provider_name": "Internationella samarbeten",
            "provider_url": request.build_absolute_uri("/"),
            "html": iframe(address, title, width, height),
            "width": width,
            "height": height,
        }
    )
