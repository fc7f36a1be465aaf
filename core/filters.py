"""The filter contract shared by every public list (DESIGN.md): country, goal, theme,
status, year, municipality, q, sort. One FilterSet per list feeds the page, its facet
counts and its CSV export."""

from collections import Counter

import django_filters
from django import forms
from django.core.validators import validate_slug
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_registry

from core.models import Country, Goal, Status, Theme

YEAR_MIN, YEAR_MAX = 1900, 2100
Q_MAX_LENGTH = 200


def country_choices():
    return [(code, code) for code, _name in country_registry]


class UpperCaseMultipleChoiceField(forms.MultipleChoiceField):
    def to_python(self, value):
        return [v.strip().upper() for v in super().to_python(value)]


class SlugModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checks that every value looks like a slug before asking the database, so that odd
    input (NUL bytes, 10 000 characters) gets a message instead of a database error."""

    def _check_values(self, value):
        for item in value:
            try:
                validate_slug(str(item))
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:50]},
                ) from None
        return super()._check_values(value)


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperCaseMultipleChoiceField


class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugModelMultipleChoiceField


def through_ids(model, field_name, **lookups):
    """Primary keys of `model` rows linked through the many-to-many `field_name` to targets
    matching `lookups` (a subquery, so no duplicate rows and no DISTINCT)."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    return through.objects.filter(**lookups).values(field.m2m_field_name())


def text_search(queryset, fields_sv, fields_en, value):
    """Swedish stemming on PostgreSQL (kommunerna finds kommun), plain contains elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*fields_sv, config="swedish") + SearchVector(
            *fields_en, config="english"
        )
        query = SearchQuery(value, config="swedish", search_type="websearch") | SearchQuery(
            value, config="english", search_type="websearch"
        )
        contains = Q()
        for field in (*fields_sv, *fields_en):
            contains |= Q(**{f"{field}__icontains": value})
        return queryset.annotate(_search=vector).filter(Q(_search=query) | contains)
    condition = Q()
    for field in (*fields_sv, *fields_en):
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)


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
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=Q_MAX_LENGTH, strip=True
    )

    # Subclasses: how each facet reads its relation.
    country_m2m = None  # name of a many-to-many to Country, or None for a foreign key `country`
    search_fields_sv = ("title_sv", "summary_sv", "body_sv")
    search_fields_en = ("title_en", "summary_en", "body_en")
    sort_options = {}
    facet_names = ("country", "goal", "theme", "status", "year")

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
        return queryset.filter(
            pk__in=through_ids(
                queryset.model, "goals", goal__framework="sdg", goal__number__in=value
            )
        )

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=through_ids(queryset.model, "themes", theme_id__in=[t.pk for t in value])
        )

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return text_search(queryset, self.search_fields_sv, self.search_fields_en, value)

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            Q(start_year__lte=value) | Q(start_year__isnull=True),
            Q(end_year__gte=value) | Q(end_year__isnull=True),
        ).exclude(start_year__isnull=True, end_year__isnull=True)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.sort_options.get(value or "", self.sort_options[""])[1])

    # Facet counts -------------------------------------------------------------------

    def queryset_without(self, name):
        """The records the other filters select (ignoring `name` and any invalid value)."""
        data = self.data.copy() if self.data is not None else {}
        if hasattr(data, "pop"):
            data.pop(name, None)
        other = type(self)(data or None, queryset=self.queryset, request=self.request)
        if other.is_bound:
            other.errors  # noqa: B018 - validate so that only clean values filter
        return other.qs

    def facets(self):
        """{parameter: [(value, label, count, selected)]} for the filter panel; one
        grouped query per facet, whatever the number of records (cached briefly)."""
        from django.http import QueryDict

        from core.cache import cached_facets

        params = self.data if self.data is not None else QueryDict()
        return cached_facets(self.queryset.model, params, self._compute_facets)

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
            ]
        return result

    def facet_options(self, name, counts):
        if name == "country":
            return [(c.code, c.name) for c in Country.objects.filter(code__in=list(counts))]
        if name == "goal":
            return [
                (str(g.number), f"{g.number}. {g.title}")
                for g in Goal.objects.filter(framework="sdg").order_by("number")
            ]
        if name == "theme":
            return [(t.slug, t.name) for t in Theme.objects.all()]
        if name == "status":
            return [(value, label) for value, label in Status.choices]
        if name == "year":
            return [(y, y) for y in sorted(counts, reverse=True)]
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

    def facet_goal(self, queryset):
        through = queryset.model._meta.get_field("goals").remote_field.through
        rows = through.objects.filter(
            goal__framework="sdg", **{f"{self.m2m_source('goals')}__in": queryset.values("pk")}
        )
        return {str(k): n for k, n in rows.values_list("goal__number").annotate(n=Count("pk"))}

    def facet_theme(self, queryset):
        return self.facet_m2m(queryset, "themes", "theme__slug")

    def facet_status(self, queryset):
        return dict(queryset.exclude(status="").values_list("status").annotate(n=Count("pk")))

    def facet_year(self, queryset):
        """Years a record is active, counted from its (start, end) pairs: few distinct pairs,
        so one small grouped query."""
        pairs = queryset.exclude(start_year__isnull=True, end_year__isnull=True)
        pairs = pairs.values_list("start_year", "end_year").annotate(n=Count("pk"))
        counts = Counter()
        for start, end, n in pairs:
            first, last = start or end, end or start
            for year in range(first, min(last, first + 50) + 1):
                counts[str(year)] += n
        return dict(counts)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def year_filter():
    return YearFilter(
        label=_("Year"),
        method="filter_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
    )


def status_filter():
    return django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)


def sort_filter(options):
    return django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _order) in options.items() if key],
        method="filter_sort",
        empty_label=options[""][0],
    )
