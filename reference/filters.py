"""The filter contract shared by every public list (DESIGN.md): country, goal, theme,
status, year, municipality, programme, q, sort. One FilterSet per list feeds the page, its facet
counts and its CSV export (and later the API)."""

from collections import Counter

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf, Substr
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.filters import (
    Q_MAX_LENGTH,
    YEAR_MAX,
    YEAR_MIN,
    CountryFilter,
    SlugFilter,
    YearFilter,
    country_choices,
    memoised,
    text_search,
    through_ids,
    unindexed,
    without_empty,
)
from core.models import Status, published_at
from core.quality import FACTS, count_checks
from core.text import page_language
from reference.models import Country, Goal, Programme, Theme


def english():
    return page_language() == "en"


def unstated_filter():
    """The filter `unstated`: records whose sources do not state a fact (core.quality's
    FACTS, found by the list's quality_checks as on the record pages); several values
    select any of them. A fact that does not apply to the kind of record selects none of
    it, so the statistics of `unstated=budget` leave partnerships out."""
    return django_filters.MultipleChoiceFilter(
        label=_("Not stated in the sources"),
        choices=list(FACTS.items()),
        method="filter_unstated",
    )


def sdg_goals(holder=None):
    """The 17 SDG goals in order of number, read once per request (one query), memoised
    on `holder`: the request, or the FilterSet that has none."""
    return memoised(
        holder, "_sdg_goals", lambda: list(Goal.objects.filter(framework="sdg").order_by("number"))
    )


def themes(holder=None):
    """Every theme (one query), memoised on `holder` as sdg_goals()."""
    return memoised(holder, "_themes", lambda: list(Theme.objects.all()))


def published_programmes(holder=None):
    """The published programmes (one query), memoised on `holder` as sdg_goals()."""
    return memoised(holder, "_published_programmes", lambda: list(Programme.objects.published()))


def sdg_goal_ids(numbers, holder=None):
    """The ids of the SDG goals numbered `numbers` (from sdg_goals(): no query of its own
    after the first). A filter names the goals by these ids, as constants, rather than
    joining the goals by number: PostgreSQL estimates a constant id from its statistics
    of the link table (25 938 of 100 000 partnerships for goal 11) but a join by number
    as an average (7 509), and on that estimate plans nested loops that read 441 000 rows
    (1.5 s at 100 000 partnerships) where 26 000 suffice (0.13 s)."""
    wanted = {str(n) for n in numbers}
    return sorted(g.pk for g in sdg_goals(holder) if str(g.number) in wanted)


def sdg_numbers(holder=None):
    """{goal id: number} of the SDG goals (sdg_goals(): no query of its own after the
    first). The goal facets group the link rows by goal id, all frameworks, and keep and
    name the SDG ids here. Joined to the goals on their framework, or restricted to these
    ids, SQLite drives the count from the 17 goals, one index look-up per goal and
    selected record (33 ms for the partnerships' facet at 10 000; 9 ms grouped by id)."""
    return {g.pk: g.number for g in sdg_goals(holder)}


class RegisterFilterSet(django_filters.FilterSet):
    """Base for every public list. Subclasses say which relations the filters use."""

    country = CountryFilter(label=_("Country"), choices=country_choices, method="filter_country")
    goal = django_filters.MultipleChoiceFilter(
        label=_("Global goal"),
        choices=[(str(n), str(n)) for n in range(1, 18)],
        method="filter_goal",
    )
    theme = SlugFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
    )
    programme = SlugFilter(
        label=_("Programme"),
        # Drafts are not options: a draft's slug gets the same notice as an unknown one.
        queryset=Programme.objects.published(),
        to_field_name="slug",
        method="filter_programme",
    )
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=Q_MAX_LENGTH, strip=True
    )

    # Subclasses: how each facet reads its relation.
    country_m2m = None  # name of a many-to-many to Country, or None for a foreign key `country`
    search_fields_sv = ("title_sv", "summary_sv", "body_sv")
    search_fields_en = ("title_en", "summary_en", "body_en")
    sort_options = {}
    sort_text_field = "title"  # "title" means title_sv, or the English title on English pages
    facet_names = ("country", "goal", "theme", "programme", "status", "year")
    quality_checks = ()  # with unstated_filter(): the checks the filter `unstated` reads

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(without_empty(data), *args, **kwargs)

    def public_checks(self):
        return {c.fact: c for c in self.quality_checks if c.fact}

    def selection_notices(self):
        """Notices of values that are valid but select none of this list's records: a fact
        that does not apply to them (?unstated=budget on the partnerships)."""
        if "unstated" not in self.filters or not self.is_bound:
            return []
        checks = self.public_checks()
        kind = self.queryset.model._meta.verbose_name_plural
        return [
            _("%(fact)s is not a fact of %(kind)s: none of them is selected by it.")
            % {"fact": capfirst(FACTS[value]), "kind": kind}
            for value in dict.fromkeys(self.data.getlist("unstated"))
            if value in FACTS and value not in checks
        ]

    def filter_unstated(self, queryset, name, value):
        if not value:
            return queryset
        checks = self.public_checks()
        applying = [checks[chosen] for chosen in value if chosen in checks]
        if not applying:
            return queryset.none()
        condition = Q()
        for check in applying:
            condition |= check.condition(queryset.model)
        return queryset.filter(condition)

    def facet_unstated(self, queryset):
        """The number of records the sources do not state each fact of, in one query."""
        checks = self.public_checks()
        counts = count_checks(queryset, list(checks.values()))
        return {value: counts[check.key] for value, check in checks.items()}

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        if self.country_m2m:
            return queryset.filter(
                pk__in=through_ids(queryset.model, self.country_m2m, country_id__in=value)
            )
        return queryset.filter(country_id__in=value)

    def filter_goal(self, queryset, name, value):
        if not value:
            return queryset
        ids = sdg_goal_ids(value, self.goal_holder())
        return queryset.filter(pk__in=through_ids(queryset.model, "goals", goal_id__in=ids))

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=through_ids(queryset.model, "themes", theme_id__in=[t.pk for t in value])
        )

    def filter_programme(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(programme__in=[p.pk for p in value])

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return text_search(queryset, self.search_fields_sv, self.search_fields_en, value)

    def filter_year(self, queryset, name, value):
        """Records active that year: their period (start to end) includes it."""
        if value is None:
            return queryset
        return queryset.active_in(value)

    def filter_status(self, queryset, name, value):
        """The status the dates give, or where they do not decide, the stated one."""
        if not value:
            return queryset
        return queryset.with_status().filter(status_now=value)

    @property
    def qs(self):
        queryset = super().qs
        if "sort" in self.filters and not (self.is_bound and self.form.cleaned_data.get("sort")):
            # The default order, in the page's language (django-filter skips empty values).
            queryset = self.filter_sort(queryset, "sort", "")
        return queryset

    def filter_sort(self, queryset, name, value):
        """Orders by the title (or name) in the page's language: English pages sort by the
        English title where there is one, so the list reads A–Z as shown."""
        order = self.sort_options.get(value or "", self.sort_options[""])[1]
        text_field = self.sort_text_field
        if english() and any(f.lstrip("-") == text_field for f in order):
            queryset = queryset.annotate(
                sort_text=Coalesce(NullIf(F(f"{text_field}_en"), Value("")), F(f"{text_field}_sv"))
            )
            order = [
                f.replace(text_field, "sort_text") if f.lstrip("-") == text_field else f
                for f in order
            ]
        elif text_field:
            column = F(f"{text_field}_sv")
            if self.is_bound and "q" in self.filters and self.form.cleaned_data.get("q"):
                column = unindexed(column)  # core.filters.unindexed says why
            order = [
                (column.desc() if f.startswith("-") else column.asc())
                if f.lstrip("-") == text_field
                else f
                for f in order
            ]
        return queryset.order_by(*order)

    # Facet counts -------------------------------------------------------------------

    def queryset_without(self, name):
        """The records the other filters select (ignoring `name` and any invalid value)."""
        if not self.data or name not in self.data:
            # Nothing to ignore: the other filters are all of this one's, which selects
            # with its clean values only, as a second FilterSet would (its form, filters
            # and querysets are deep copies: a tenth of an unfiltered list's Python time).
            # django-filter keeps no data as an empty QueryDict, never None: until
            # 2026-12-05 this tested for None, so every unfiltered list built a
            # FilterSet per facet all the same.
            return self.qs
        data = self.data.copy()
        data.pop(name, None)
        other = type(self)(data or None, queryset=self.queryset, request=self.request)
        if other.is_bound:
            other.errors  # noqa: B018 - validate so that only clean values filter
        return other.qs

    def facets(self):
        """{parameter: [(value, label, count, selected)]} for the filter panel, options
        that give records or are chosen; one
        grouped query per facet, whatever the number of records (cached briefly)."""
        from core.cache import cached_facets

        return cached_facets(self.queryset.model, self.data, self._compute_facets)

    def _compute_facets(self):
        selected = {
            name: set(self.data.getlist(name)) if self.data else set() for name in self.facet_names
        }
        result = {}
        for name in self.facet_names:
            counts = getattr(self, f"facet_{name}")(self.queryset_without(name).order_by())
            result[name] = [
                (
                    value,
                    label,
                    counts.get(value, 0),
                    value in selected[name] or value.upper() in selected[name],
                )
                for value, label in self.facet_options(name, counts)
                # An option that gives nothing and is not chosen is no option (pages and
                # API alike): a facet left without options is not shown.
                if counts.get(value, 0)
                or value in selected[name]
                or value.upper() in selected[name]
            ]
        return result

    def facet_options(self, name, counts):
        if name == "country":
            return [(c.code, c.name) for c in Country.objects.filter(code__in=list(counts))]
        if name == "goal":
            return [
                (str(g.number), f"{g.number}. {g.title}") for g in sdg_goals(self.goal_holder())
            ]
        if name == "theme":
            return [(t.slug, t.name) for t in themes(self.goal_holder())]
        if name == "programme":
            # Only programmes with records here: a facet never offers empty options.
            if not counts:
                return []
            return [
                (p.slug, p.name)
                for p in published_programmes(self.goal_holder())
                if p.slug in counts
            ]
        if name == "status":
            return [(value, label) for value, label in Status.choices]
        if name == "year":
            return [(y, y) for y in sorted(counts, reverse=True)]
        if name == "unstated":
            return [(fact, capfirst(str(FACTS[fact]))) for fact in self.public_checks()]
        return self.extra_facet_options(name, counts)

    def extra_facet_options(self, name, counts):
        return []

    def facet_country(self, queryset):
        if self.country_m2m:
            through = queryset.model._meta.get_field(self.country_m2m).remote_field.through
            rows = through.objects.filter(
                **{f"{self.m2m_source(self.country_m2m)}__in": queryset.values("pk")}
            )
            rows = rows.values_list("country_id").annotate(n=Count("pk"))
        else:
            rows = (
                queryset.filter(country__isnull=False)
                .values_list("country_id")
                .annotate(n=Count("pk"))
            )
        return dict(rows)

    def m2m_source(self, field_name):
        return self.queryset.model._meta.get_field(field_name).m2m_field_name()

    def facet_m2m(self, queryset, field_name, target):
        through = queryset.model._meta.get_field(field_name).remote_field.through
        rows = through.objects.filter(
            **{f"{self.m2m_source(field_name)}__in": queryset.values("pk")}
        )
        return {str(k): n for k, n in rows.values_list(target).annotate(n=Count("pk"))}

    def goal_holder(self):
        """Where sdg_goals() memoises: the request, else this FilterSet."""
        return self.request if self.request is not None else self

    def counts_everything(self, queryset):
        """Whether `queryset` is every public record of the list's model, no filter
        applied (the conditions of the model's published(), with no slice or DISTINCT;
        related rows it selects or prefetches add none): a facet may then read a read
        model of all of them where the model has one (partnerships/tallies.py)."""
        return (
            self._plain(queryset)
            and queryset.query.where == queryset.model.objects.published().query.where
        )

    def conditions_of(self, queryset):
        """The SQL and parameters of the conditions of `queryset` (two selections with
        the same select the same records, whatever they order by or select and prefetch
        with them); None where it has a slice, DISTINCT or other tables, or selects
        nothing."""
        return _where_sql(queryset) if self._plain(queryset) else None

    def _plain(self, queryset):
        query = queryset.query
        if queryset.model is not self.queryset.model or query.is_sliced or query.distinct:
            return False
        if query.combinator or query.extra_tables or query._filtered_relations:
            return False
        return not query.is_empty()

    def facet_goal(self, queryset):
        through = queryset.model._meta.get_field("goals").remote_field.through
        numbers = sdg_numbers(self.goal_holder())
        rows = through.objects.filter(**{f"{self.m2m_source('goals')}__in": queryset.values("pk")})
        counted = rows.values_list("goal_id").annotate(n=Count("pk"))
        return {str(numbers[k]): n for k, n in counted if k in numbers}

    def facet_theme(self, queryset):
        return self.facet_m2m(queryset, "themes", "theme__slug")

    def facet_programme(self, queryset):
        rows = queryset.filter(**published_at("programme")).values_list("programme__slug")
        return dict(rows.annotate(n=Count("pk")))

    def facet_status(self, queryset):
        rows = queryset.with_status().values_list("status_now").annotate(n=Count("pk"))
        return {status: n for status, n in rows if status}

    def facet_year(self, queryset):
        """Years a record is active, counted from its (start, end) pairs exactly as the
        year filter selects them: few distinct pairs, so one small grouped query."""
        pairs = queryset.exclude(start_date__isnull=True, end_date__isnull=True)
        pairs = pairs.values_list(year_of("start_date"), year_of("end_date")).annotate(
            n=Count("pk")
        )
        return year_counts(pairs)


def _where_sql(queryset):
    """(SQL, parameters) of the conditions of `queryset`; None where it selects nothing."""
    query = queryset.query
    try:
        sql, params = query.get_compiler(queryset.db).compile(query.where)
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def year_counts(pairs):
    """{year: records active that year} of [(start year, end year, records)] (either year
    None where no date is given, not both): an open end runs to this year."""
    counts = Counter()
    this_year = timezone.localdate().year
    for start, end, n in pairs:
        if start is None:
            first = last = end
        else:
            first, last = start, end or max(start, this_year)
        for year in range(first, min(last, first + 50) + 1):
            counts[str(year)] += n
    return dict(counts)


def year_of(field):
    """The year of a date column. SQLite keeps dates as ISO text, so its first four
    characters are the year: four times faster there than Django's date extraction,
    which calls a Python function per row."""
    if connection.vendor == "sqlite":
        return Cast(Substr(field, 1, 4), IntegerField())
    return ExtractYear(field)


def year_filter():
    return YearFilter(
        label=_("Year"),
        method="filter_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
    )


def status_filter():
    return django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status"
    )


def sort_filter(options):
    return django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _order) in options.items() if key],
        method="filter_sort",
        empty_label=options[""][0],
    )


def contract_parameters():
    """Every parameter of the filter contract: those of RegisterFilterSet and of every
    FilterSet built on it, with `page` and `format`."""
    names = {"page", "format"}
    pending = [RegisterFilterSet]
    while pending:
        filterset = pending.pop()
        names.update(filterset.base_filters)
        pending.extend(filterset.__subclasses__())
    return names
