from django.conf import settings
from django.db.models import Count, F, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from core.cache import cached, page_cache_key
from core.exports import EXPORT_PERMISSION, check_export_permission, csv_response, export_filename
from core.models import Continent, Country, Goal
from core.pagination import paginate
from partnerships.models import Grant, Municipality, Partnership
from projects.models import Project


class FilteredSourceMixin:
    """What a list and its export share: the published records and the FilterSet."""

    filterset_class = None

    def get_base_queryset(self):
        raise NotImplementedError

    def get_filterset(self):
        return self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )


class FilteredListView(FilteredSourceMixin, TemplateView):
    """A public list: one FilterSet selects the records, gives the facet counts and tells
    the user about values it could not use."""

    paginate_by = settings.PAGE_SIZE

    def decorate_page(self, objects):
        """Hook: add per-row figures to the rows of one page (in a constant number of
        queries)."""

    # [(label, url name, extra parameters)] offered to users with the export permission
    exports = ()

    def export_links(self):
        if not self.request.user.has_perm(EXPORT_PERMISSION):
            return []
        params = self.request.GET.copy()
        params.pop("page", None)
        links = []
        for label, url_name, extra in self.exports:
            query = params.copy()
            for key, value in extra.items():
                query[key] = value
            encoded = query.urlencode()
            links.append((label, reverse(url_name) + (f"?{encoded}" if encoded else "")))
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        notices = []
        if filterset.is_bound and not filterset.is_valid():
            records = filterset.queryset.none()
            for name, errors in filterset.errors.items():
                label = filterset.filters[name].label if name in filterset.filters else name
                notices.extend(f"{label}: {error}" for error in errors)
        else:
            records = filterset.qs
        page, page_notice = paginate(records, self.request.GET.get("page"), self.paginate_by)
        if page_notice:
            notices.append(page_notice)
        self.decorate_page(page.object_list)
        context.update(
            filter=filterset,
            facets=filterset.facets(),
            page_obj=page,
            object_list=page.object_list,
            notices=notices,
            export_links=self.export_links(),
            is_filtered=any(
                self.request.GET.getlist(name) for name in filterset.filters if name != "sort"
            ),
        )
        return context


class FilteredExportView(FilteredSourceMixin, View):
    """Streams exactly the records the list with the same parameters shows, as CSV.
    `format=excel` gives semicolons for Excel in a Swedish locale."""

    filename_stem = "export"

    def get_dataset(self):
        raise NotImplementedError

    def get_export_queryset(self, records):
        return records

    def get(self, request, *args, **kwargs):
        denied = check_export_permission(request)
        if denied:
            return denied
        filterset = self.get_filterset()
        valid = not filterset.is_bound or filterset.is_valid()
        records = filterset.qs if valid else filterset.queryset.none()
        export_format = request.GET.get("format", "csv")
        return csv_response(
            self.get_export_queryset(records.prefetch_related(None)),
            self.get_dataset(),
            export_filename(self.filename_stem, "-excel" if export_format == "excel" else ""),
            request=request,
            export_format=export_format,
            log_context=f"user={request.user.username} path={request.get_full_path()[:500]!r}",
        )


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached(page_cache_key("home"), self.figures))
        return context

    def figures(self):
        context = {}
        projects = Project.objects.published()
        partnerships = Partnership.objects.published()
        grants = Grant.objects.filter(partnership__publication="published")
        country_codes = set(
            Project.countries.through.objects.filter(project__publication="published")
            .values_list("country_id", flat=True)
            .distinct()
        ) | set(partnerships.exclude(country=None).values_list("country_id", flat=True).distinct())
        context["figures"] = {
            "projects": projects.count(),
            "partnerships": partnerships.count(),
            "countries": len(country_codes),
            "municipalities": Municipality.objects.published().swedish().count(),
            "sek": grants.aggregate(total=Sum(F("amount_sek_per_year") * F("duration_years")))[
                "total"
            ]
            or 0,
        }
        context["goals"] = goal_tiles()
        context["latest_grants"] = list(
            grants.select_related("partnership", "partnership__country").order_by("-year", "-id")[
                :5
            ]
        )
        return context


def published_link_counts(field, target):
    """{target id: number of published projects} and the same for partnerships, counted
    on the link tables (two grouped queries, no join of projects with partnerships)."""
    result = []
    for model, source in ((Project, "project"), (Partnership, "partnership")):
        through = model._meta.get_field(field).remote_field.through
        rows = through.objects.filter(**{f"{source}__publication": "published"})
        result.append(dict(rows.values_list(target).annotate(n=Count("pk"))))
    return result


def goal_tiles(framework="sdg"):
    """The goals with how many published projects and partnerships each has."""
    projects, partnerships = published_link_counts("goals", "goal_id")
    goals = list(Goal.objects.filter(framework=framework).order_by("number"))
    for goal in goals:
        goal.n_projects = projects.get(goal.pk, 0)
        goal.n_partnerships = partnerships.get(goal.pk, 0)
    return goals


class GoalListView(TemplateView):
    template_name = "core/goal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goals"] = cached(page_cache_key("goal-tiles"), goal_tiles)
        context["mdgs"] = goal_tiles("mdg")
        return context


DETAIL_LIST_SIZE = 50


class GoalDetailView(TemplateView):
    template_name = "core/goal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal = get_object_or_404(Goal, framework="sdg", number=kwargs["number"])
        projects = Project.objects.published().filter(goals=goal)
        partnerships = Partnership.objects.published().filter(goals=goal)
        context.update(
            goal=goal,
            projects=projects.for_list()[:DETAIL_LIST_SIZE],
            project_count=projects.count(),
            partnerships=partnerships.for_list()[:DETAIL_LIST_SIZE],
            partnership_count=partnerships.count(),
            query=f"goal={goal.number}",
        )
        return context


class CountryListView(TemplateView):
    template_name = "core/country_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        through = Project.countries.through.objects.filter(project__publication="published")
        projects = dict(through.values_list("country_id").annotate(n=Count("pk")))
        partnerships = dict(
            Partnership.objects.published()
            .exclude(country=None)
            .values_list("country_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        countries = Country.objects.filter(code__in=set(projects) | set(partnerships))
        countries = countries.order_by("continent", "name_sv")
        for country in countries:
            country.n_projects = projects.get(country.code, 0)
            country.n_partnerships = partnerships.get(country.code, 0)
        by_continent = {}
        labels = dict(Continent.choices)
        for country in countries:
            by_continent.setdefault(labels.get(country.continent, "–"), []).append(country)
        context["continents"] = sorted(by_continent.items(), key=lambda item: str(item[0]))
        return context


class CountryDetailView(TemplateView):
    template_name = "core/country_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = kwargs["code"]
        if not code.isalpha() or len(code) != 2:
            raise Http404
        country = get_object_or_404(Country, code=code.upper())
        projects = Project.objects.published().filter(countries=country)
        partnerships = Partnership.objects.published().filter(country=country)
        context.update(
            country=country,
            projects=projects.for_list()[:DETAIL_LIST_SIZE],
            project_count=projects.count(),
            partnerships=partnerships.for_list()[:DETAIL_LIST_SIZE],
            partnership_count=partnerships.count(),
            query=f"country={country.code}",
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "core/accessibility.html"


@require_GET
@cache_control(no_store=True)
def health(request):
    """For a load balancer: 200 when the database answers, 503 when it does not."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
@cache_control(max_age=3600, public=True)
def goal_colours_css(request):
    """Goal colours as CSS classes, from the database, so that public pages need no inline
    styles (Content-Security-Policy) and the colours live in one place."""
    rules = [
        f".goal-{g.number}{{background:{g.colour};color:{g.text_colour}}}"
        for g in Goal.objects.filter(framework="sdg").exclude(colour="")
    ]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
