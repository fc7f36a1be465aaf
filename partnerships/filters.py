import django_filters
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.filters import SlugFilter, is_blank, selected
from core.models import published_at
from partnerships.models import (
    CountryCoverage,
    GoalCoverage,
    Partnership,
    PartnershipParticipant,
    ThemeCoverage,
)
from partnerships.quality import CHECKS
from partnerships.queries import swedish_links, tallied, with_partnership_counts
from partnerships.tallies import SCOPED, TALLIED_FACTS
from reference.filters import (
    RegisterFilterSet,
    published_programmes,
    sdg_goal_ids,
    sdg_numbers,
    sort_filter,
    status_filter,
    themes,
    unstated_filter,
    year_counts,
    year_filter,
)
from reference.models import Organisation, OrganisationKind, Role


def given_values(data, name):
    """The values given for parameter `name` in a FilterSet's `data` (a QueryDict, or a
    dict of values or lists), the empty ones left out."""
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if not isinstance(values, (list, tuple)):
        values = [values]
    return [str(value) for value in values if not is_blank(value)]


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

    # Where a facet counts every published partnership, it reads the read model of what
    # they add up to (partnerships/tallies.py, by id or code), and names the keys as the
    # counts from the tables do; otherwise it counts the selection from the tables.

    def from_tallies(self, queryset, dimension, key=str, column=0):
        """{key(code): partnerships, grants or SEK (`column`)} of `dimension` from the
        tallies where they count `queryset` (tally_scope); else None."""
        if self.counts_everything(queryset):
            return tallied(dimension, self.goal_holder(), column, key)
        if not any(dimension in scoped for scoped in SCOPED.values()):
            return None
        within = self.tally_scope(queryset)
        if within is None or dimension not in SCOPED[within[0]]:
            return None
        return tallied(dimension, self.goal_holder(), column, key, within)

    def tally_scope(self, queryset):
        """("goal", its id) or ("country", its code) where `queryset` is the published
        partnerships of that one goal or country and nothing else (the tallies count
        within each, tallies.SCOPED): its parameters give that one value, and its
        conditions are those that value alone gives; else None."""
        if "_one_value" not in self.__dict__:  # once a FilterSet: 3 ms on SQLite
            self._one_value = self._one_value_alone()
        if self._one_value is None:
            return None
        conditions, within = self._one_value
        return within if self.conditions_of(queryset) == conditions else None

    def _one_value_alone(self):
        """(the conditions, the scope) of the published partnerships of the one goal or
        country this FilterSet's parameters give alone; None where they give other."""
        data = self.data if self.is_bound else {}
        given = {name: given_values(data, name) for name in self.filters}
        given.pop("sort", None)  # orders, selects nothing
        given = {name: values for name, values in given.items() if values}
        if len(given) != 1:
            return None
        ((name, values),) = given.items()
        if name not in SCOPED or len(values) != 1:
            return None
        params = QueryDict(mutable=True)
        params.setlist(name, values)
        alone = type(self)(params, queryset=Partnership.objects.published(), request=self.request)
        conditions = self.conditions_of(selected(alone))
        if conditions is None:
            return None
        value = alone.form.cleaned_data[name]
        if name == "goal":
            ids = sdg_goal_ids(value, self.goal_holder())
            return (conditions, ("goal", ids[0])) if len(ids) == 1 else None
        return (conditions, ("country", value[0])) if len(value) == 1 else None

    def facet_country(self, queryset):
        counted = self.from_tallies(queryset, "country")
        return super().facet_country(queryset) if counted is None else counted

    def facet_goal(self, queryset):
        counted = self.from_tallies(queryset, "goal", int)
        if counted is None:
            return super().facet_goal(queryset)
        numbers = sdg_numbers(self.goal_holder())
        return {str(numbers[k]): n for k, n in counted.items() if k in numbers}

    def facet_theme(self, queryset):
        counted = self.from_tallies(queryset, "theme", int)
        if counted is None:
            return super().facet_theme(queryset)
        return {t.slug: counted[t.pk] for t in themes(self.goal_holder()) if t.pk in counted}

    def facet_programme(self, queryset):
        counted = self.from_tallies(queryset, "programme", int)
        if counted is None:
            return super().facet_programme(queryset)
        programmes = published_programmes(self.goal_holder())
        return {p.slug: counted[p.pk] for p in programmes if p.pk in counted}

    def facet_unstated(self, queryset):
        counted = self.from_tallies(queryset, "unstated")
        if counted is None or not set(self.public_checks()) <= TALLIED_FACTS:
            return super().facet_unstated(queryset)
        return {fact: counted.get(fact, 0) for fact in self.public_checks()}

    def facet_year(self, queryset):
        counted = self.from_tallies(queryset, "period")
        if counted is None:
            return super().facet_year(queryset)
        pairs = []
        for code, n in counted.items():
            start, end = (int(year) if year else None for year in code.split("|"))
            if start is not None or end is not None:
                pairs.append((start, end, n))
        return year_counts(pairs)

    def facet_municipality(self, queryset):
        counted = self.from_tallies(queryset, "participant", int)
        if counted is not None:
            slugs = Organisation.objects.published().filter(pk__in=list(counted))
            return {slug: counted[pk] for pk, slug in slugs.values_list("pk", "slug")}
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

    def _covering(self, queryset, model, **keys):
        """The organisations whose published partnerships cover one of `keys` (the read
        model, partnerships/coverage.py)."""
        covered = model.objects.filter(n__gt=0, **keys).values("organisation_id")
        return queryset.filter(pk__in=covered)

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return self._covering(queryset, CountryCoverage, country_id__in=value)

    def filter_goal(self, queryset, name, value):
        if not value:
            return queryset
        ids = sdg_goal_ids(value, self.goal_holder())
        return self._covering(queryset, GoalCoverage, goal_id__in=ids)

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        return self._covering(queryset, ThemeCoverage, theme_id__in=[t.pk for t in value])

    def filter_programme(self, queryset, name, value):
        if not value:
            return queryset
        partnerships = Partnership.objects.filter(programme__in=[p.pk for p in value])
        return self._through_partnerships(queryset, partnerships)

    def _covered(self, model, queryset, key):
        """{key: municipalities of `queryset` whose published partnerships cover it}."""
        rows = model.objects.filter(n__gt=0, organisation__in=queryset.values("pk"))
        return dict(rows.values_list(key).annotate(n=Count("pk")).order_by())

    def facet_country(self, queryset):
        return self._covered(CountryCoverage, queryset, "country_id")

    def facet_goal(self, queryset):
        numbers = sdg_numbers(self.goal_holder())
        counted = self._covered(GoalCoverage, queryset, "goal_id")
        return {str(numbers[k]): n for k, n in counted.items() if k in numbers}

    def facet_theme(self, queryset):
        return self._covered(ThemeCoverage, queryset, "theme__slug")

    def facet_kind(self, queryset):
        return dict(queryset.values_list("kind").annotate(n=Count("pk")))

    def extra_facet_options(self, name, counts):
        if name == "kind":
            return list(self.filters["kind"].extra["choices"])
        return []
