"""Widgets for municipal and regional websites (issue: reach beyond the register): an
embeddable page per municipality or region, country, global goal, programme and
organisation, at `<its address>inbaddning/` (English `…/embed/`), and per filtered list
(`/partnerskap/inbaddning/?country=KE`, the list's query string), listing its newest
published records with links to the register, and an oEmbed endpoint (`/oembed`) that
gives the <iframe> for any of those pages.

The widget page may be framed by any site (`frame-ancestors *`, no X-Frame-Options) and
only it; it sets no cookie, runs no script and is a whole accessible page (language,
title, heading, links that open the register in the top window). Its records are what
the list with the same filter shows (the filter contract: ?municipality=, ?country=,
?goal=, ?programme=, or any filter of a list's widget), read with the lists' FilterSets
(core.filters.selected); an organisation's are those it takes part in, as on its page."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from core.filters import contract_parameters, selection
from core.text import quoted
from core.urls import resolve_own_address
from pages.statistics import filter_words
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.models import SWEDISH_LOCAL_KINDS, Country, Goal, Organisation, Programme

SHOWN = 10
WIDTH, HEIGHT = 600, 420


@dataclass
class Subject:
    """What a widget shows: its heading, the filter of the lists it reads (a QueryDict of
    the filter contract), the kinds of record it lists, whether it is a list's widget (a
    parameter the list lacks is then said, as on the list) and, for an organisation, the
    organisation its records have as a participant."""

    title: str
    params: QueryDict
    kinds: tuple = ("partnerships", "projects")
    listed: bool = False
    participant: Organisation | None = None


def list_query(query):
    """The parameters of the filter contract in a list's query string, without the page
    and the order: what the list's widget shows (other parameters, such as a newsletter's
    utm_source, are dropped)."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in contract_parameters() and name not in ("page", "sort", "format"):
            kept.setlist(name, values)
    return kept


def _params(**values):
    params = QueryDict(mutable=True)
    params.update(values)
    return params


def municipality(slug):
    org = get_object_or_404(Organisation.objects.published().swedish_local(), slug=slug)
    return Subject(org.name, _params(municipality=org.slug))


def country(code):
    if not code.isalpha() or len(code) != 2:
        raise Http404
    found = get_object_or_404(Country, code=code.upper())
    return Subject(found.name, _params(country=found.code))


def goal(number):
    found = get_object_or_404(Goal, framework="sdg", number=number)
    return Subject(str(found), _params(goal=str(found.number)))


def programme(slug):
    found = get_object_or_404(Programme.objects.published(), slug=slug)
    return Subject(found.name, _params(programme=found.slug))


def organisation(slug):
    """Any other published organisation: the records it takes part in, as its page."""
    found = get_object_or_404(
        Organisation.objects.published().exclude(kind__in=SWEDISH_LOCAL_KINDS), slug=slug
    )
    return Subject(found.name, QueryDict(), participant=found)


def filtered_list(kind, title):
    """A list with any filter of the contract (the query string of the widget's address,
    as the list's): its own kind of record, its title and the filter in words."""

    def lookup(params, described=True):
        shown = list_query(params)
        words = described and ", ".join(quoted(str(value)) for _label, value in filter_words(shown))
        return Subject(
            f"{title}: {words}" if words else str(title), shown, kinds=(kind,), listed=True
        )

    return lookup


# route name of the widget: (route name of the page it shows, the subject's lookup)
WIDGETS = {
    "pages:municipality-embed": ("partnerships:municipality-detail", municipality),
    "pages:country-embed": ("pages:country-detail", country),
    "pages:goal-embed": ("pages:goal-detail", goal),
    "pages:programme-embed": ("pages:programme-detail", programme),
    "pages:organisation-embed": ("pages:organisation-detail", organisation),
}
# The lists' widgets take the list's query string rather than a part of the address.
LIST_WIDGETS = {
    "pages:partnership-list-embed": (
        "partnerships:partnership-list",
        filtered_list("partnerships", _("Partnerships")),
    ),
    "pages:project-list-embed": ("projects:project-list", filtered_list("projects", _("Projects"))),
}
DETAIL_TO_WIDGET = {detail: widget for widget, (detail, _lookup) in WIDGETS.items()}
LIST_TO_WIDGET = {page: widget for widget, (page, _lookup) in LIST_WIDGETS.items()}
FILTERSETS = {
    "partnerships": (PartnershipFilterSet, Partnership),
    "projects": (ProjectFilterSet, Project),
}


def subject_of(route, kwargs, query, described=True):
    """The Subject of the widget `route` for an address's kwargs and query (Http404 for a
    record that is not public); a list's title says its filter in words unless not
    `described` (the list's own page says it already)."""
    if route in LIST_WIDGETS:
        return LIST_WIDGETS[route][1](query, described)
    return WIDGETS[route][1](*kwargs.values())


def records_for(subject):
    """(newest records, number of partnerships, number of projects, problems): what the
    lists show for the subject's filter; a number is None where the list has no such
    filter or the widget lists the other kind, and problems are the values the lists
    cannot use (their notices)."""
    found = []
    counts = {}
    problems = []
    for key, (filterset_class, model) in FILTERSETS.items():
        if key not in subject.kinds or (
            not subject.listed
            and any(name not in filterset_class.base_filters for name in subject.params)
        ):
            counts[key] = None  # the filter does not apply to this kind (a municipality's projects)
            continue
        records = model.objects.published()
        if subject.participant is not None:
            link = model.participants.rel  # the participation rows (role, organisation)
            records = records.filter(
                pk__in=link.related_model.objects.filter(organisation=subject.participant).values(
                    link.field.name
                )
            )
        filterset = filterset_class(subject.params or None, queryset=records)
        records, notices = selection(filterset, subject.params)
        problems += notices
        counts[key] = records.count()
        found += list(records.order_by("-start_date", "-id")[:SHOWN])
    found.sort(key=lambda r: (r.start_date is not None, r.start_date), reverse=True)
    return found[:SHOWN], counts["partnerships"], counts["projects"], list(dict.fromkeys(problems))


class WidgetView(TemplateView):
    template_name = "pages/widget.html"
    route = None  # a key of WIDGETS or LIST_WIDGETS

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
        subject = subject_of(self.route, kwargs, self.request.GET)
        records, partnerships, projects, problems = records_for(subject)
        if self.route in LIST_WIDGETS:
            query = subject.params.urlencode()
            page = reverse(LIST_WIDGETS[self.route][0]) + (f"?{query}" if query else "")
        else:
            page = reverse(WIDGETS[self.route][0], kwargs=kwargs)
        return super().get_context_data(
            title=subject.title,
            page=self.request.build_absolute_uri(page),
            records=[(r, self.request.build_absolute_uri(r.get_absolute_url())) for r in records],
            partnerships=partnerships,
            projects=projects,
            problems=problems,
            **kwargs,
        )


def widget_address(request, page_name, kwargs, query=None):
    """The widget of the page `page_name` (a record's page, or a list with `query`)."""
    if page_name in LIST_TO_WIDGET:
        encoded = list_query(query or QueryDict()).urlencode()
        address = reverse(LIST_TO_WIDGET[page_name]) + (f"?{encoded}" if encoded else "")
    else:
        address = reverse(DETAIL_TO_WIDGET[page_name], kwargs=kwargs)
    return request.build_absolute_uri(address)


def widget_of(page_name):
    """The widget route of a page's route name, or None."""
    return DETAIL_TO_WIDGET.get(page_name) or LIST_TO_WIDGET.get(page_name)


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
    address = request.GET.get("url", "")
    match, language = resolve_own_address(request, address)
    with translation.override(language):
        route = widget_of(match.view_name)
        if route is None:
            raise Http404
        query = QueryDict(urlsplit(address).query)
        title = subject_of(route, match.kwargs, query).title
        address = widget_address(request, match.view_name, match.kwargs, query)
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
