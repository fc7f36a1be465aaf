import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.filters import SlugFilter, distinct_counts, through_ids
from core.models import published_at
from partnerships.models import Partnership, PartnershipParticipant
from partnerships.quality import CHECKS
from partnerships.queries import swedish_links, with_partnership_counts
from reference.filters import (
    RegisterFilterSet,
    sdg_goal_ids,
    sdg_numbers,
    sort_filter,
    status_filter,
    unstated_filter,
    year_filter,
)
from reference.models import Organisation, OrganisationKind, Role

SORT_OPTIONS = {
    "": (_("Title A–Z"), ("title", "id")),
    "-title": (_("Title Z–A"), ("-title", "-id")),
    "-start": (_("Newest first"), ("-start_date", "title", "id")),
    "start": (_("Oldest first"), ("start_date", "title", "id")),
}


class PartnershipFilterSet(RegisterFilterSet):
    status = status_filter()
    year = year_filter()
    municipality = SlugFilter(
        label=_("Swedish participant"),
        # Drafts are not options: a draft's slug gets the same notice as an unknown one.
        queryset=Organisation.objects.published().swedish_local(),
        to_field_name="slug",
        method="filter_municipality",
    )
    sort = sort_filter(SORT_OPTIONS)
    unstated = unstated_filter()

    sort_options = SORT_OPTIONS
    quality_checks = CHECKS
    facet_names = (*RegisterFilterSet.facet_names, "municipality", "unstated")

    class Meta:
        model = Partnership
        fields = [*RegisterFilterSet.facet_names, "municipality", "unstated", "q", "sort"]

    def filter_municipality(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_swedish_participant(value)

    def facet_municipality(self, queryset):
        rows = PartnershipParticipant.objects.filter(
            role=Role.SWEDISH_PARTICIPANT,
            **published_at("organisation"),
            partnership__in=queryset.values("pk"),
        )
        return dict(rows.values_list("organisation__slug").annotate(n=Count("pk")))

    def extra_facet_options(self, name, counts):
        if name == "municipality":
            return list(
                Organisation.objects.published()
                .filter(slug__in=list(counts))
                .values_list("slug", "name_sv")
            )
        return []


MUNICIPALITY_SORT = {
    "": (_("Name A–Z"), ("name", "id")),
    "-name": (_("Name Z–A"), ("-name", "-id")),
    "-partnerships": (_("Most partnerships"), ("-n_published", "name", "id")),
}


class MunicipalityFilterSet(RegisterFilterSet):
    """Swedish participants, filtered through the published partnerships they take part in."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[
            (k, label)
            for k, label in OrganisationKind.choices
            if k in ("kommun", "landsting", "region")
        ],
    )
    sort = sort_filter(MUNICIPALITY_SORT)

    sort_options = MUNICIPALITY_SORT
    sort_text_field = "name"
    search_fields_sv = ("name_sv", "county_name", "description_sv", "scb_code")
    search_fields_en = ("name_en", "description_en")
    facet_names = ("country", "goal", "theme", "kind")

    class Meta:
        model = Organisation
        fields = ["country", "goal", "theme", "programme", "kind", "q", "sort"]

    def filter_q(self, queryset, name, value):
        """Names, former names (Landstinget Västernorrland finds Region Västernorrland) and
        identifiers, plus the description text."""
        if not value:
            return queryset
        by_text = super().filter_q(queryset, name, value)
        return queryset.filter(
            Q(pk__in=by_text.values("pk")) | Q(pk__in=queryset.matching(value).values("pk"))
        )

    def filter_sort(self, queryset, name, value):
        if value == "-partnerships":
            queryset = with_partnership_counts(queryset)
        return super().filter_sort(queryset, name, value)

    def _through_partnerships(self, queryset, partnerships):
        return queryset.filter(
            pk__in=swedish_links(partnership__in=partnerships).values("organisation_id")
        )

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return self._through_partnerships(
            queryset, Partnership.objects.filter(country_id__in=value)
        )

    def filter_goal(self, queryset, name, value):
        if not value:
            return queryset
        ids = sdg_goal_ids(value, self.goal_holder())
        partnerships = Partnership.objects.filter(
            pk__in=through_ids(Partnership, "goals", goal_id__in=ids)
        )
        return self._through_partnerships(queryset, partnerships)

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        partnerships = Partnership.objects.filter(
            pk__in=through_ids(Partnership, "themes", theme_id__in=[t.pk for t in value])
        )
        return self._through_partnerships(queryset, partnerships)

    def filter_programme(self, queryset, name, value):
        if not value:
            return queryset
        partnerships = Partnership.objects.filter(programme__in=[p.pk for p in value])
        return self._through_partnerships(queryset, partnerships)

    def facet_country(self, queryset):
        rows = swedish_links(
            organisation__in=queryset.values("pk"), partnership__country__isnull=False
        )
        return distinct_counts(rows, "partnership__country_id", "organisation_id")

    def _distinct_municipalities(self, through, queryset, target):
        """{`target` of the links: municipalities} of the published partnerships."""
        rows = through.objects.filter(
            **published_at("partnership"),
            partnership__participants__role=Role.SWEDISH_PARTICIPANT,
            **published_at("partnership__participants__organisation"),
            partnership__participants__organisation__in=queryset.values("pk"),
        )
        return distinct_counts(rows, target, "partnership__participants__organisation")

    def facet_goal(self, queryset):
        numbers = sdg_numbers(self.goal_holder())
        counted = self._distinct_municipalities(Partnership.goals.through, queryset, "goal_id")
        return {str(numbers[k]): n for k, n in counted.items() if k in numbers}

    def facet_theme(self, queryset):
        return self._distinct_municipalities(Partnership.themes.through, queryset, "theme__slug")

    def facet_kind(self, queryset):
        return dict(queryset.values_list("kind").annotate(n=Count("pk")))

    def extra_facet_options(self, name, counts):
        if name == "kind":
            return list(self.filters["kind"].extra["choices"])
        return []
