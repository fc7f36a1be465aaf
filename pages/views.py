"""The site's own pages, the top layer: home, goals, countries, accessibility. They read
the feature apps' records; nothing below imports them."""

from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from core.cache import cached, page_cache_key
from core.charts import chart_parts
from core.exports import neutralise
from core.filters import Q_MAX_LENGTH, text_search, unindexed
from core.pagination import DETAIL_LIST_SIZE
from core.pdf import PdfMixin
from core.quality import completeness
from core.views import KeptAddressMixin, PreviewDetailView
from pages import statistics as stats
from pages.worldmap import land, shapes, world_map
from partnerships.models import (
    Grant,
    GrantParticipant,
    GrantRound,
    GrantRoundParticipant,
    Partnership,
    granted_sek,
)
from partnerships.queries import published_completeness, published_totals, tallied
from projects.models import Project, ProjectParticipant
from projects.quality import CHECKS as PROJECT_CHECKS
from reference.models import (
    SWEDISH_LOCAL_KINDS,
    Continent,
    Country,
    Goal,
    Organisation,
    Programme,
    Role,
    Source,
)


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
        tallies = SimpleNamespace()  # where the partnerships' tallies are read once
        n_partnerships, _grants, sek = published_totals(tallies)
        # The countries of the figures are the map's: those with a published record.
        by_country = country_record_counts(tallies)
        context["figures"] = {
            "projects": projects.count(),
            "partnerships": n_partnerships,
            "countries": len(by_country),
            "municipalities": Organisation.objects.published().swedish_local().count(),
            "sek": sek,
        }
        context["goals"] = goal_tiles(tallies=tallies)
        context["world_map"] = map_context(by_country)
        context["stated_rounds"] = list(
            GrantRound.objects.filter(
                programme__in=Programme.objects.published(),
                stated_new_partnerships__isnull=False,
            ).select_related("programme")[:3]
        )
        context["latest_grants"] = list(
            Grant.objects.filter(partnership__in=partnerships)
            .select_related("partnership", "partnership__country")
            .order_by("-year", "-id")[:5]
        )
        return context


def country_record_counts(tallies=None):
    """{country code: (published projects, published partnerships)}; `tallies` memoises
    the partnerships' (partnerships.queries.tallies)."""
    through = Project.countries.through.objects.filter(project__in=Project.objects.published())
    projects = dict(through.values_list("country_id").annotate(n=Count("pk")).order_by())
    partnerships = tallied("country", tallies)
    return {
        code: (projects.get(code, 0), partnerships.get(code, 0))
        for code in set(projects) | set(partnerships)
    }


def map_context(counts, countries=None):
    if countries is None:
        countries = Country.objects.filter(code__in=list(counts))
    names = {c.code: c.name for c in countries}
    return world_map(
        counts, names, lambda code: reverse("pages:country-detail", args=[code.lower()])
    )


def goal_tiles(framework="sdg", tallies=None):
    """The goals with how many published projects and partnerships each has (the
    projects counted on their link table, the partnerships read from their tallies,
    memoised on `tallies`)."""
    through = Project.goals.through.objects.filter(project__in=Project.objects.published())
    projects = dict(through.values_list("goal_id").annotate(n=Count("pk")))
    partnerships = tallied("goal", tallies, key=int)
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


class RecordsAboutMixin:
    """A page about a goal or a country: the first DETAIL_LIST_SIZE of its published
    projects and partnerships with their counts, the filter that lists them all, and the
    statistics panel of that filter."""

    def records_context(self, projects, partnerships, query, tally=None):
        """`tally`: (dimension, code) of the tallies of all published partnerships that
        counts `partnerships` (partnerships/tallies.py), instead of counting them again
        (a goal's at 100 000 on PostgreSQL: 30 ms)."""
        if tally:
            partnership_count = tallied(tally[0], self.request).get(tally[1], 0)
        else:
            partnership_count = partnerships.count()
        return {
            "projects": projects.for_list()[:DETAIL_LIST_SIZE],
            "project_count": projects.count(),
            "partnerships": partnerships.for_list()[:DETAIL_LIST_SIZE],
            "partnership_count": partnership_count,
            "query": query,
            "panel": stats.panel(QueryDict(query), self.request),
        }


class GoalDetailView(RecordsAboutMixin, DetailView):
    template_name = "pages/goal_detail.html"
    context_object_name = "goal"

    def get_object(self, queryset=None):
        return get_object_or_404(Goal, framework="sdg", number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        goal = self.object
        records = self.records_context(
            Project.objects.published().filter(goals=goal),
            Partnership.objects.published().filter(goals=goal),
            f"goal={goal.number}",
            tally=("goal", str(goal.pk)),
        )
        return super().get_context_data(**records, **kwargs)


class CountryListView(TemplateView):
    template_name = "pages/country_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = country_record_counts()
        countries = Country.objects.filter(code__in=list(counts))
        countries = countries.order_by("continent", "name_sv")
        for country in countries:
            country.n_projects, country.n_partnerships = counts[country.code]
        context["world_map"] = map_context(counts, countries)
        by_continent = {}
        labels = dict(Continent.choices)
        for country in countries:
            by_continent.setdefault(labels.get(country.continent, "–"), []).append(country)
        context["continents"] = sorted(by_continent.items(), key=lambda item: str(item[0]))
        return context


class CountryDetailView(RecordsAboutMixin, DetailView):
    template_name = "pages/country_detail.html"
    context_object_name = "country"

    def get_object(self, queryset=None):
        code = self.kwargs["code"]
        if not code.isalpha() or len(code) != 2:
            raise Http404
        return get_object_or_404(Country, code=code.upper())

    def get_context_data(self, **kwargs):
        country = self.object
        records = self.records_context(
            Project.objects.published().filter(countries=country),
            Partnership.objects.published().filter(country=country),
            f"country={country.code}",
            tally=("country", country.code),
        )
        stated = GrantRound.objects.public().filter(leading_countries=country)
        return super().get_context_data(
            **records,
            stated_rounds=stated.with_statements(countries=False, participants=False),
            **kwargs,
        )


class AccessibilityView(TemplateView):
    """The accessibility statement, after DIGG's model; its two dates live in settings."""

    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assessed=settings.ACCESSIBILITY_ASSESSED,
            reviewed=settings.ACCESSIBILITY_REVIEWED,
            **kwargs,
        )


@require_GET
@cache_control(max_age=86400, public=True)
def world_land_svg(request):
    """The map's grey background (pages.worldmap.land); 404 before `build_world_map`."""
    if not shapes():
        raise Http404
    return HttpResponse(land(), content_type="image/svg+xml; charset=utf-8")


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


class OrganisationListView(TemplateView):
    """Every published organisation but the Swedish municipalities and regions (they have
    their own list), grouped by kind."""

    template_name = "pages/organisation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = (
            Organisation.objects.published()
            .exclude(kind__in=SWEDISH_LOCAL_KINDS)
            .select_related("country")
            .order_by("kind", "name_sv")
        )
        groups = {}
        for org in organisations:
            groups.setdefault(org.get_kind_display(), []).append(org)
        context["groups"] = list(groups.items())
        return context


class OrganisationDetailView(PreviewDetailView):
    """Who an organisation is and its part in the register: programmes it runs or funds,
    projects by role, partnerships, grant rounds it decides or funds, sources."""

    template_name = "pages/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .exclude(kind__in=SWEDISH_LOCAL_KINDS)
            .select_related("country", "parent")
            .prefetch_related(
                "former_names",
                Prefetch("sources", queryset=Source.objects.select_related("publisher")),
                Prefetch(
                    "subsidiaries", queryset=Organisation.objects.published().order_by("name_sv")
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        programmes = Programme.objects.published()
        roles = (
            ProjectParticipant.objects.filter(
                organisation=org, project__in=Project.objects.published()
            )
            .select_related("project")
            .order_by("role", "project__title_sv")
        )
        projects_by_role = {}
        for row in roles:
            projects_by_role.setdefault(row.get_role_display(), []).append(row.project)
        grants = Grant.objects.filter(partnership__in=Partnership.objects.published()).filter(
            pk__in=GrantParticipant.objects.filter(organisation=org).values("grant_id")
        )
        context.update(
            programmes_run=programmes.filter(roles__organisation=org, roles__role=Role.ACCOUNTABLE),
            programmes_funded=programmes.filter(roles__organisation=org, roles__role=Role.FUNDING),
            projects_by_role=list(projects_by_role.items()),
            partnerships=Partnership.objects.published()
            .filter(participants__organisation=org)
            .select_related("country")
            .distinct()[:DETAIL_LIST_SIZE],
            rounds=GrantRound.objects.filter(
                pk__in=GrantRoundParticipant.objects.filter(organisation=org).values(
                    "grant_round_id"
                ),
                programme__in=programmes,
            )
            .select_related("programme")
            .with_roles(),
            grant_totals=grants.aggregate(n=Count("pk"), sek=Sum(granted_sek())),
        )
        return context


class ProgrammeListView(TemplateView):
    template_name = "pages/programme_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programmes"] = Programme.objects.published().with_roles().order_by("name_sv")
        return context


class ProgrammeDetailView(PreviewDetailView):
    """What a programme is, who runs and funds it, its period, records, rounds, sources."""

    template_name = "pages/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return (
            Programme.objects.visible_to(self.request.user)
            .select_related("status_source__publisher")
            .with_roles()
            .prefetch_related(
                "goals",
                "themes",
                Prefetch("sources", queryset=Source.objects.select_related("publisher")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        partnerships = Partnership.objects.published().filter(programme=programme)
        context.update(
            projects=Project.objects.published().filter(programme=programme).for_list(),
            partnerships=partnerships.for_list()[:DETAIL_LIST_SIZE],
            partnership_count=partnerships.count(),
            rounds=programme.rounds.select_related("source__publisher"),
            panel=stats.panel(QueryDict(f"programme={programme.slug}"), self.request),
        )
        return context


class GrantRoundDetailView(KeptAddressMixin, DetailView):
    """A round's stated figures with their source, beside what is recorded so far."""

    template_name = "pages/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return GrantRound.objects.described()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = Grant.objects.filter(
            grant_round=self.object, partnership__in=Partnership.objects.published()
        )
        context.update(
            recorded=grants.aggregate(
                grants=Count("pk"),
                partnerships=Count("partnership", distinct=True),
                sek=Sum(granted_sek()),
            ),
            partnerships=Partnership.objects.published()
            .filter(grants__grant_round=self.object)
            .distinct()
            .for_list()[:DETAIL_LIST_SIZE],
        )
        return context


class AboutView(TemplateView):
    """What the register covers, where its data comes from and when it last changed."""

    template_name = "pages/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = [
            model.objects.published().aggregate(latest=Max("updated_at"))["latest"]
            for model in (Project, Partnership, Organisation, Programme)
        ]
        context.update(
            sources=Source.objects.select_related("publisher").order_by("title"),
            last_updated=max((d for d in latest if d), default=None),
            completeness=[
                (
                    "projects",
                    _("Projects"),
                    *completeness(Project.objects.published(), PROJECT_CHECKS),
                ),
                # Counted from the tallies of all published partnerships.
                ("partnerships", _("Partnerships"), *published_completeness()),
            ],
        )
        return context


SEARCH_LIMIT = 20


def first_and_count(rows):
    """The first SEARCH_LIMIT of `rows` (a queryset, or a list read already) and how many
    there are."""
    if isinstance(rows, list):
        return rows[:SEARCH_LIMIT], len(rows)
    return list(rows[:SEARCH_LIMIT]), rows.count()


class SearchView(TemplateView):
    """One search over projects, partnerships, municipalities, organisations and
    programmes, grouped by type (Swedish stemming on PostgreSQL, as in the lists)."""

    template_name = "pages/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = (self.request.GET.get("q") or "").strip()[:Q_MAX_LENGTH].replace("\x00", "")
        context["query"] = query
        if not query:
            context["groups"] = []
            return context
        fields = ("title_sv", "summary_sv", "body_sv"), ("title_en", "summary_en", "body_en")
        named = Q(name_sv__icontains=query) | Q(name_en__icontains=query)
        # The few countries first, so that the records' condition is the text conditions
        # on their own table OR'ed with a constant list of country codes (the column of
        # a partnership, a project's link table): with the countries as a subquery,
        # PostgreSQL expected three in four records to match.
        countries = list(Country.objects.filter(named | Q(code__iexact=query)).order_by("name_sv"))
        codes = [country.code for country in countries]

        def by_text_or_country(queryset, in_countries):
            """Records by their texts or by the names of their countries ("Kenya")."""
            matched = text_search(queryset, *fields, query)
            if codes:
                matched = matched | queryset.filter(in_countries)
            return matched.for_list()

        through = Project.countries.through.objects
        projects = by_text_or_country(
            Project.objects.published(),
            Q(pk__in=through.filter(country__in=codes).values("project_id")),
        )
        partnerships = by_text_or_country(Partnership.objects.published(), Q(country__in=codes))
        titled = Q(title_sv__icontains=query) | Q(title_en__icontains=query)
        goals = Goal.objects.filter(titled)
        rounds = GrantRound.objects.filter(titled, programme__in=Programme.objects.published())
        organisations = Organisation.objects.published().matching(query)
        programmes = text_search(
            Programme.objects.published(),
            ("name_sv", "description_sv"),
            ("name_en", "description_en"),
            query,
        )
        by_title = unindexed("title_sv"), "pk"
        groups = [
            ("projects", _("Projects"), projects.order_by(*by_title)),
            ("partnerships", _("Partnerships"), partnerships.order_by(*by_title)),
            (
                "municipalities",
                _("Municipalities and regions"),
                organisations.filter(kind__in=SWEDISH_LOCAL_KINDS).order_by("name_sv"),
            ),
            (
                "organisations",
                _("Organisations"),
                organisations.exclude(kind__in=SWEDISH_LOCAL_KINDS).order_by("name_sv"),
            ),
            ("programmes", _("Programmes"), programmes.order_by("name_sv")),
            ("rounds", _("Grant rounds"), rounds.order_by("-year", "title_sv")),
            ("countries", _("Countries"), countries),
            ("goals", _("Global goals"), goals.order_by("framework", "number")),
        ]
        context["groups"] = [(key, label, *first_and_count(rows)) for key, label, rows in groups]
        context["total"] = sum(group[3] for group in context["groups"])
        return context


class StatisticsView(TemplateView):
    """Counts and SEK of any filtered view, as charts and tables (and CSV)."""

    template_name = "pages/statistics.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return statistics_csv(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = statistics_context(self.request, context)
        context["world_map"] = map_context(context.pop("country_counts"))
        context["lists"] = stats.lists_for(params)
        return context


def statistics_context(request, context):
    """What the statistics page and its PDF show of the request's filter, added to
    `context`: the figures and tables, the query and the filter in words. Returns the
    filter's parameters."""
    params = request.GET.copy()
    params.pop("format", None)
    context.update(stats.statistics(params, request))
    context["query"] = params.urlencode()
    context["filters"] = stats.filter_words(params)
    return params


class StatisticsPdfView(PdfMixin, TemplateView):
    """The statistics page of the same filter as a PDF (core.pdf): the charts and their
    tables, the filter in words, the sources of the records counted, the date and the
    licence."""

    pdf_template_name = "pages/statistics_pdf.html"

    def pdf_filename_stem(self):
        return "statistik"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = statistics_context(self.request, context)
        context.pop("country_counts")  # no map in the PDF
        for table in context["tables"]:
            table["parts"] = chart_parts(table)
        context["sources"] = stats.cited_sources(params, self.request)
        return context


def statistics_csv(request):
    """Every table of the statistics page in one long CSV: table, row, column, value."""
    import csv
    import io

    params = request.GET.copy()
    params.pop("format", None)
    data = stats.statistics(params, request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "row", "measure", "value"])
    for table in data["tables"]:
        for row in table["rows"]:
            for column in table["columns"]:
                writer.writerow(
                    [
                        table["key"],
                        neutralise(str(row["label"])),
                        column,
                        row["values"].get(column, 0),
                    ]
                )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statistik.csv"'
    return response
