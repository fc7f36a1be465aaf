import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.filters import (
    RegisterFilterSet,
    SlugFilter,
    sort_filter,
    status_filter,
    through_ids,
    year_filter,
)
from partnerships.models import (
    SWEDISH_KINDS,
    Grant,
    Municipality,
    MunicipalityKind,
    Partnership,
)

SORT_OPTIONS = {
    "": (_("Title A–Ö"), ("title_sv", "id")),
    "-title": (_("Title Ö–A"), ("-title_sv", "-id")),
    "-start": (_("Newest first"), ("-start_year", "title_sv", "id")),
    "start": (_("Oldest first"), ("start_year", "title_sv", "id")),
}


class PartnershipFilterSet(RegisterFilterSet):
    status = status_filter()
    year = year_filter()
    municipality = SlugFilter(
        label=_("Swedish participant"),
        queryset=Municipality.objects.filter(kind__in=SWEDISH_KINDS),
        to_field_name="slug",
        method="filter_municipality",
    )
    sort = sort_filter(SORT_OPTIONS)

    sort_options = SORT_OPTIONS
    facet_names = ("country", "goal", "theme", "status", "year", "municipality")

    class Meta:
        model = Partnership
        fields = ["country", "goal", "theme", "status", "year", "municipality", "q", "sort"]

    def filter_year(self, queryset, name, value):
        # Active that year, or granted that year (subqueries: no join, no DISTINCT).
        if value is None:
            return queryset
        active = super().filter_year(Partnership.objects.all(), name, value)
        granted = Grant.objects.filter(year=value).values("partnership_id")
        return queryset.filter(Q(pk__in=active.values("pk")) | Q(pk__in=granted))

    def filter_municipality(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=through_ids(
                Partnership, "swedish_participants", municipality_id__in=[m.pk for m in value]
            )
        )

    def facet_municipality(self, queryset):
        return self.facet_m2m(queryset, "swedish_participants", "municipality__slug")

    def extra_facet_options(self, name, counts):
        if name == "municipality":
            return list(
                Municipality.objects.filter(slug__in=list(counts)).values_list("slug", "name")
            )
        return []


MUNICIPALITY_SORT = {
    "": (_("Name A–Ö"), ("name", "id")),
    "-name": (_("Name Ö–A"), ("-name", "-id")),
    "-partnerships": (_("Most partnerships"), ("-n_partnerships", "name", "id")),
}


class MunicipalityFilterSet(RegisterFilterSet):
    """Swedish participants, filtered through the published partnerships they take part in."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[
            (k, label) for k, label in MunicipalityKind.choices if k != MunicipalityKind.PARTNER
        ],
    )
    sort = sort_filter(MUNICIPALITY_SORT)

    sort_options = MUNICIPALITY_SORT
    search_fields_sv = ("name", "county_name", "description_sv")
    search_fields_en = ("description_en",)
    facet_names = ("country", "goal", "theme", "kind")

    class Meta:
        model = Municipality
        fields = ["country", "goal", "theme", "kind", "q", "sort"]

    def filter_sort(self, queryset, name, value):
        if value == "-partnerships":
            queryset = queryset.annotate(
                n_partnerships=Count(
                    "partnerships", filter=Q(partnerships__publication="published")
                )
            )
        return super().filter_sort(queryset, name, value)

    def _through_partnerships(self, queryset, partnerships):
        through = Partnership.swedish_participants.through
        return queryset.filter(
            pk__in=through.objects.filter(partnership__in=partnerships).values("municipality_id")
        )

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return self._through_partnerships(
            queryset, Partnership.objects.published().filter(country_id__in=value)
        )

    def filter_goal(self, queryset, name, value):
        if not value:
            return queryset
        partnerships = Partnership.objects.published().filter(
            pk__in=through_ids(Partnership, "goals", goal__framework="sdg", goal__number__in=value)
        )
        return self._through_partnerships(queryset, partnerships)

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        partnerships = Partnership.objects.published().filter(
            pk__in=through_ids(Partnership, "themes", theme_id__in=[t.pk for t in value])
        )
        return self._through_partnerships(queryset, partnerships)

    def _links(self, queryset):
        """(municipality, published partnership) pairs for the selected municipalities."""
        return Partnership.swedish_participants.through.objects.filter(
            municipality_id__in=queryset.values("pk"), partnership__publication="published"
        )

    def facet_country(self, queryset):
        rows = self._links(queryset).filter(partnership__country__isnull=False)
        return dict(
            rows.values_list("partnership__country_id").annotate(
                n=Count("municipality_id", distinct=True)
            )
        )

    def _distinct_municipalities(self, through, queryset, target, **lookups):
        rows = through.objects.filter(
            partnership__publication="published",
            partnership__swedish_participants__in=queryset.values("pk"),
            **lookups,
        )
        counted = rows.values_list(target).annotate(
            n=Count("partnership__swedish_participants", distinct=True)
        )
        return {str(k): n for k, n in counted}

    def facet_goal(self, queryset):
        return self._distinct_municipalities(
            Partnership.goals.through, queryset, "goal__number", goal__framework="sdg"
        )

    def facet_theme(self, queryset):
        return self._distinct_municipalities(Partnership.themes.through, queryset, "theme__slug")

    def facet_kind(self, queryset):
        return dict(queryset.values_list("kind").annotate(n=Count("pk")))

    def extra_facet_options(self, name, counts):
        if name == "kind":
            return list(self.filters["kind"].extra["choices"])
        return []
