"""Statistics of any filtered view (the lists' filter contract): the number of records
and the SEK granted by year, country, continent, goal, theme, Swedish county and
programme. A constant number of grouped queries, whatever the number of records.

SEK granted is the whole grant (SEK a year × years) of the recorded grants of the
selected, published partnerships, counted in the year of the decision. A grant counts
towards every goal and theme of its partnership, so those tables do not add up to the
total. Every table but the one by year sums the read model of the grants (one row per
partnership, partnerships.PartnershipFigures) rather than joining every grant."""

from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.charts import bar_table as table
from core.charts import year_panel, year_table
from core.filters import any_given, invalid_values, is_blank, is_slug, selected
from partnerships.filters import PartnershipFilterSet
from partnerships.models import (
    Grant,
    Partnership,
    PartnershipCounty,
    PartnershipFigures,
    granted_sek,
)
from partnerships.queries import published_totals
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.counties import county_label
from reference.filters import sdg_goals, sdg_numbers, themes
from reference.models import (
    Continent,
    Country,
    Goal,
    Organisation,
    Programme,
    Source,
    Theme,
)

GRANT_SEK = Sum(granted_sek())
# The SEK of the selected partnerships' grants, from the read model.
PARTNERSHIP_SEK = Sum("figures__sek")
# The parameters of the filter contract that the statistics take.
CONTRACT = set(ProjectFilterSet.base_filters) | set(PartnershipFilterSet.base_filters)


def filtered(filterset_class, model, params, request):
    """The records the filters select; none when a filter of the contract applies only to
    the other kind (?municipality= selects partnerships, so no projects)."""
    filterset = filterset_class(params or None, queryset=model.objects.published(), request=request)
    foreign = {
        key
        for key in (params or {})
        if key in CONTRACT and key not in filterset.filters and any_given(params.getlist(key))
    }
    records = filterset.queryset.none() if foreign else selected(filterset)
    return filterset, records.order_by()


def tallied_sek(partnerships_fs, partnerships, dimension, key=str):
    """{key(code): SEK} of the read model of what the published partnerships add up to
    (partnerships/tallies.py) where it counts `partnerships` (all of them, or for some
    dimensions those of one goal or country); else None, and the caller sums its
    selection from the tables."""
    return partnerships_fs.from_tallies(partnerships, dimension, key, column=2)


def statistics(params, request=None):
    projects_fs, projects = filtered(ProjectFilterSet, Project, params, request)
    partnerships_fs, partnerships = filtered(PartnershipFilterSet, Partnership, params, request)
    grants = Grant.objects.filter(partnership__in=partnerships.values("pk")).order_by()
    if partnerships_fs.counts_everything(partnerships):
        n, n_grants, sek = published_totals(partnerships_fs.goal_holder())
        totals = {"partnerships": n, "grants": n_grants, "sek": sek}
    elif within := partnerships_fs.tally_scope(partnerships):
        n, n_grants, sek = published_totals(partnerships_fs.goal_holder(), within)
        totals = {"partnerships": n, "grants": n_grants, "sek": sek}
    else:
        totals = partnerships.aggregate(
            partnerships=Count("pk"), grants=Sum("figures__grants"), sek=PARTNERSHIP_SEK
        )
    notices = [
        f"{fs.filters[name].label if name in fs.filters else name}: {error}"
        for fs in (projects_fs, partnerships_fs)
        for name, errors in invalid_values(fs).items()
        for error in errors
    ]
    countries = country_counts(projects_fs, projects, partnerships_fs, partnerships)
    tables = [
        by_year(projects_fs, projects, partnerships_fs, partnerships, grants),
        by_country(*countries),
        by_continent(*countries),
        by_goal(projects_fs, projects, partnerships_fs, partnerships),
        by_theme(projects_fs, projects, partnerships_fs, partnerships),
        by_county(partnerships_fs, partnerships),
        by_programme(projects, partnerships_fs, partnerships),
    ]
    p, s, _sek = countries
    return {
        "country_counts": {
            code: (p.get(code, 0), s.get(code, 0)) for code in set(p) | set(s) if code
        },
        "totals": {
            "projects": projects.count(),
            "partnerships": totals["partnerships"],
            "grants": totals["grants"] or 0,
            "sek": totals["sek"] or 0,
        },
        "tables": [t for t in tables if t["rows"]],
        "notices": list(dict.fromkeys(notices)),
    }


ALL_COLUMNS = ("projects", "partnerships", "sek")


def summed_by(pairs, *keys):
    """[(*keys, number of rows, SEK)] of `pairs` (a values() query with a `pid` column,
    the partnership's id, and `keys`), grouped by `keys`, with each row's SEK from the
    read model joined by that id: not through the partnerships' table, which the ORM
    joins on the way to the figures (the SEK by goal or theme at 100 000 on PostgreSQL:
    96-115 -> 70-85 ms each)."""
    figures = PartnershipFigures._meta.db_table
    columns = ", ".join(f"pairs.{key}" for key in keys)
    try:
        sql, params = pairs.query.sql_with_params()
    except EmptyResultSet:  # a selection that is none by construction (?country=ZZ)
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*), SUM(f.sek) FROM ({sql}) pairs "
            f"LEFT JOIN {figures} f ON f.partnership_id = pairs.pid GROUP BY {columns}",
            params,
        )
        # SUM of a bigint is a numeric on PostgreSQL: whole kronor, as ints.
        return [(*row[:-1], None if row[-1] is None else int(row[-1])) for row in cursor]


def linked_sek(through, partnerships, target):
    """{`target` of the links: SEK} of the selected partnerships' links in `through`."""
    links = through.objects.filter(partnership__in=partnerships.values("pk")).order_by()
    pairs = links.values(pid=F("partnership_id"), link_key=F(target))
    return {key: sek for key, _n, sek in summed_by(pairs, "link_key")}


def by_year(projects_fs, projects, partnerships_fs, partnerships, grants):
    sek = tallied_sek(partnerships_fs, partnerships, "grantyear")
    if sek is None:
        sek = {str(y): v for y, v in grants.values_list("year").annotate(v=GRANT_SEK)}
    return year_table(
        {
            "projects": projects_fs.facet_year(projects),
            "partnerships": partnerships_fs.facet_year(partnerships),
        },
        sek,
    )


def country_counts(projects_fs, projects, partnerships_fs, partnerships):
    p = projects_fs.facet_country(projects)
    s = partnerships_fs.facet_country(partnerships)
    sek = tallied_sek(partnerships_fs, partnerships, "country")
    if sek is None:
        sek = dict(partnerships.values_list("country_id").annotate(v=PARTNERSHIP_SEK))
    return p, s, sek


def by_country(p, s, sek):
    codes = set(p) | set(s) | {c for c in sek if c}
    countries = sorted(Country.objects.filter(code__in=codes), key=lambda c: c.name)
    rows = [
        (
            c.name,
            {
                "projects": p.get(c.code, 0),
                "partnerships": s.get(c.code, 0),
                "sek": sek.get(c.code, 0),
            },
            f"country={c.code}",
        )
        for c in countries
    ]
    return table("country", _("By country"), rows, ALL_COLUMNS)


def by_continent(p, s, sek):
    """The country figures summed by continent: a project in two African countries
    counts twice for Africa (the page says so)."""
    continent_of = dict(
        Country.objects.filter(code__in=set(p) | set(s) | set(sek)).values_list("code", "continent")
    )
    sums = defaultdict(lambda: {"projects": 0, "partnerships": 0, "sek": 0})
    for source, column in ((p, "projects"), (s, "partnerships"), (sek, "sek")):
        for code, value in source.items():
            if code in continent_of:
                sums[continent_of[code]][column] += value or 0
    labels = dict(Continent.choices)
    rows = [
        (str(labels.get(code, "–")), values, "")
        for code, values in sorted(sums.items(), key=lambda item: str(labels.get(item[0], "")))
    ]
    return table("continent", _("By continent"), rows, ALL_COLUMNS)


def by_goal(projects_fs, projects, partnerships_fs, partnerships):
    p = projects_fs.facet_goal(projects)
    s = partnerships_fs.facet_goal(partnerships)
    goals = sdg_goals(partnerships_fs.goal_holder())
    numbers = sdg_numbers(partnerships_fs.goal_holder())
    # By goal id, the SDG ids kept and named by number, as the facets count
    # (reference.filters.sdg_numbers).
    sek = tallied_sek(partnerships_fs, partnerships, "goal", int)
    if sek is None:
        sek = linked_sek(Partnership.goals.through, partnerships, "goal_id")
    sek = {str(numbers[k]): v for k, v in sek.items() if k in numbers}
    rows = [
        (
            f"{g.number}. {g.title}",
            {
                "projects": p.get(str(g.number), 0),
                "partnerships": s.get(str(g.number), 0),
                "sek": sek.get(str(g.number)) or 0,
            },
            f"goal={g.number}",
        )
        for g in goals
        if p.get(str(g.number)) or s.get(str(g.number))
    ]
    return table("goal", _("By global goal"), rows, ALL_COLUMNS)


def by_theme(projects_fs, projects, partnerships_fs, partnerships):
    p = projects_fs.facet_theme(projects)
    s = partnerships_fs.facet_theme(partnerships)
    sek = tallied_sek(partnerships_fs, partnerships, "theme", int)
    if sek is None:
        sek = linked_sek(Partnership.themes.through, partnerships, "theme__slug")
    else:
        slugs = {t.pk: t.slug for t in themes(partnerships_fs.goal_holder())}
        sek = {slugs[k]: v for k, v in sek.items() if k in slugs}
    rows = [
        (
            t.name,
            {
                "projects": p.get(t.slug, 0),
                "partnerships": s.get(t.slug, 0),
                "sek": sek.get(t.slug) or 0,
            },
            f"theme={t.slug}",
        )
        for t in Theme.objects.order_by("name_sv")
        if p.get(t.slug) or s.get(t.slug)
    ]
    return table("theme", _("By theme"), rows, ALL_COLUMNS)


def by_county(partnerships_fs, partnerships):
    """Partnerships by the Swedish county of their Swedish participants (a partnership
    with participants in two counties counts in both, with two in one county once)."""
    everything = tallied_sek(partnerships_fs, partnerships, "county")
    if everything is None:
        grouped = county_sums(partnerships)
    else:  # from the same tallies (of all, or within the one country selected)
        counted = partnerships_fs.from_tallies(partnerships, "county")
        grouped = [(*code.split("|", 1), counted[code], sek) for code, sek in everything.items()]
    language = get_language()
    rows = sorted(
        (
            (county_label(code, name, language), {"partnerships": n, "sek": v or 0}, "")
            for code, name, n, v in grouped
        ),
        key=lambda row: row[0],
    )
    return table("county", _("By Swedish county"), rows, ("partnerships", "sek"))


def county_sums(partnerships):
    """[(county code, county name, partnerships, SEK)] of the selected partnerships."""
    # Each (county, partnership) once from the tallies' own count of a partnership's
    # published Swedish participants in each county (partnerships.PartnershipCounty,
    # kept by triggers), its SEK from the read model, summed by county: one query, and
    # no DISTINCT over the participants' links (goal 11 at 100 000 on PostgreSQL:
    # 99 -> 55 ms). Summing over the links counted a partnership's SEK twice in a county
    # where two of its participants are.
    pairs = PartnershipCounty.objects.filter(
        n__gt=0, partnership__in=partnerships.values("pk")
    ).values("code", pid=F("partnership_id"))
    return [(*code.split("|", 1), n, sek) for code, n, sek in summed_by(pairs.order_by(), "code")]


def by_programme(projects, partnerships_fs, partnerships):
    p = dict(projects.exclude(programme=None).values_list("programme").annotate(n=Count("pk")))
    sek = tallied_sek(partnerships_fs, partnerships, "programme", int)
    if sek is None:
        s = partnerships.exclude(programme=None).values_list("programme")
        s = dict(s.annotate(n=Count("pk")))
        sek = dict(partnerships.values_list("programme").annotate(v=PARTNERSHIP_SEK))
    else:  # from the same tallies (of all, or within the one country selected)
        s = partnerships_fs.from_tallies(partnerships, "programme", int)
    programmes = Programme.objects.published().filter(pk__in=set(p) | set(s)).order_by("name_sv")
    rows = [
        (
            programme.name,
            {
                "projects": p.get(programme.pk, 0),
                "partnerships": s.get(programme.pk, 0),
                "sek": sek.get(programme.pk) or 0,
            },
            "",
        )
        for programme in programmes
    ]
    return table("programme", _("By programme"), rows, ALL_COLUMNS)


def filter_words(params):
    """[(label, value in words)] of the contract's parameters in `params`: "Country:
    Kenya", not "country=KE" (a few small queries, only for the values given)."""
    names = {
        "country": lambda codes: dict(
            Country.objects.filter(code__in=[c.upper() for c in codes]).values_list(
                "code", "name_sv" if get_language() == "sv" else "name_en"
            )
        ),
        "goal": lambda numbers: {
            str(g.number): f"{g.number}. {g.title}"
            for g in Goal.objects.filter(
                framework="sdg", number__in=[n for n in numbers if n.isdigit()]
            )
        },
        "theme": lambda slugs: {t.slug: t.name for t in Theme.objects.filter(slug__in=slugs)},
        "programme": lambda slugs: {
            p.slug: p.name for p in Programme.objects.published().filter(slug__in=slugs)
        },
        "municipality": lambda slugs: {
            o.slug: o.name for o in Organisation.objects.published().filter(slug__in=slugs)
        },
    }
    filters = {**PartnershipFilterSet.base_filters, **ProjectFilterSet.base_filters}
    words = []
    for key, values in params.lists():
        values = [v for v in values if not is_blank(v)]
        if key not in CONTRACT or key in ("sort", "page") or not values:
            continue
        # Only values that can be a code or slug are looked up: PostgreSQL refuses a NUL
        # byte in a query (a 500), and no record has any other.
        lookup = [value for value in values if is_slug(value)]
        known = names[key](lookup) if key in names and lookup else {}
        choices = dict(getattr(filters[key].field, "choices", None) or ())
        label = filters[key].label or key
        for value in values:
            shown = known.get(value.upper() if key == "country" else value)
            words.append((label, shown or choices.get(value) or value))
    return words


def cited_sources(params, request=None):
    """The sources of the records the statistics of `params` count (two subqueries)."""
    _projects_fs, projects = filtered(ProjectFilterSet, Project, params, request)
    _partnerships_fs, partnerships = filtered(PartnershipFilterSet, Partnership, params, request)
    links = (
        (Project.sources.through, "project__in", projects),
        (Partnership.sources.through, "partnership__in", partnerships),
    )
    condition = Q()
    for through, lookup, records in links:
        cited = through.objects.filter(**{lookup: records.values("pk")}).values("source_id")
        condition |= Q(pk__in=cited)
    return list(Source.objects.filter(condition).select_related("publisher"))


def lists_for(params):
    """The lists whose count equals the statistics' figure for `params`: a list is left
    out when a parameter of the contract does not apply to it."""
    given = {key for key, values in params.lists() if any_given(values)} & CONTRACT
    return {
        "projects": given <= set(ProjectFilterSet.base_filters),
        "partnerships": given <= set(PartnershipFilterSet.base_filters),
    }


def panel(params, request=None):
    """The statistics panel of a country, goal or programme page: its filter's figures
    by year, and the link to the whole statistics (three grouped queries)."""
    projects_fs, projects = filtered(ProjectFilterSet, Project, params, request)
    partnerships_fs, partnerships = filtered(PartnershipFilterSet, Partnership, params, request)
    grants = Grant.objects.filter(partnership__in=partnerships.values("pk")).order_by()
    return year_panel(
        by_year(projects_fs, projects, partnerships_fs, partnerships, grants), params.urlencode()
    )
