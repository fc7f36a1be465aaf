"""The site's own pages, the top layer: home, goals, countries, accessibility. They read
the feature apps' records; nothing below imports them."""

from django.db.models import Count, F, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from core.cache import cached, page_cache_key
from partnerships.models import Grant, Partnership
from projects.models import Project
from reference.models import Continent, Country, Goal, Organisation


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached(page_cache_key("home"), self.figures))
        return context

    def figures(self):
        context = {}
        projects = Project.objects.published()
        partnerships = Partnership.objects.published()
        grants = Grant.objects.filter(partnership__in=partnerships)
        country_codes = set(
            Project.countries.through.objects.filter(project__in=projects)
            .values_list("country_id", flat=True)
            .distinct()
        ) | set(partnerships.exclude(country=None).values_list("country_id", flat=True).distinct())
        context["figures"] = {
            "projects": projects.count(),
            "partnerships": partnerships.count(),
            "countries": len(country_codes),
            "municipalities": Organisation.objects.published().swedish_local().count(),
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
        rows = through.objects.filter(**{f"{source}__in": model.objects.published()})
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
    template_name = "pages/goal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goals"] = cached(page_cache_key("goal-tiles"), goal_tiles)
        context["mdgs"] = Goal.objects.filter(framework="mdg").order_by("number")
        return context


DETAIL_LIST_SIZE = 50


class GoalDetailView(TemplateView):
    template_name = "pages/goal_detail.html"

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
    template_name = "pages/country_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        through = Project.countries.through.objects.filter(project__in=Project.objects.published())
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
    template_name = "pages/country_detail.html"

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
    template_name = "pages/accessibility.html"


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
