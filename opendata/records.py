"""The register's published records, the same for every open format.

Every reader starts from the apps' own selectors (`.published()`, the list FilterSets)
and prefetches what it shows, with organisations filtered to the published ones: a draft
organisation, programme or partnership never appears, not even as a name inside another
record. The API's types (opendata/schemas.py) read these records as they are."""

import datetime

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from core.models import published_at
from partnerships import queries
from partnerships.models import Grant, GrantRound, Partnership, PartnershipParticipant
from projects.models import Project, ProjectParticipant
from reference.models import Organisation, Programme, Source

PUBLISHED_ORG = published_at("organisation")


class Row(dict):
    """A row of values() read as attributes (`row.title_sv`), so that the open formats'
    builders (giving360, iati) read rows and model instances alike."""

    __slots__ = ()  # no attribute dict of its own: attributes are its keys
    __getattr__ = dict.get


# Querysets -----------------------------------------------------------------------------


def project_queryset():
    return (
        Project.objects.published()
        .select_related("programme", "status_source__publisher")
        .prefetch_related(
            "countries",
            "goals",
            "themes",
            Prefetch("sources", queryset=Source.objects.select_related("publisher")),
            Prefetch(
                "participants",
                queryset=ProjectParticipant.objects.filter(**PUBLISHED_ORG)
                .select_related("organisation")
                .order_by("role", "position", "id"),
            ),
            "yearly_budgets",
        )
    )


def grant_prefetch():
    return Prefetch(
        "grants",
        queryset=Grant.objects.select_related("grant_round").with_roles().order_by("year", "id"),
    )


def partnership_queryset():
    return (
        Partnership.objects.published()
        .select_related("country", "programme", "status_source__publisher")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=PartnershipParticipant.objects.filter(**PUBLISHED_ORG)
                .select_related("organisation")
                .order_by("role", "position", "id"),
            ),
            "goals",
            "themes",
            Prefetch("sources", queryset=Source.objects.select_related("publisher")),
            grant_prefetch(),
        )
    )


def grants_of(partnerships):
    """The grants of the given (filtered, published) partnerships, in the order of the
    CSV export of grants."""
    return (
        Grant.objects.filter(partnership__in=partnerships.values("pk"))
        .select_related(
            "partnership__country",
            "partnership__programme",
            "grant_round__programme",
        )
        .with_roles()
        .prefetch_related(
            Prefetch(
                "partnership__participants",
                queryset=PartnershipParticipant.objects.filter(**PUBLISHED_ORG)
                .select_related("organisation")
                .order_by("role", "position", "id"),
            ),
            "partnership__goals",
        )
        .order_by("partnership__title_sv", "partnership_id", "year", "id")
    )


def award_date(decided_on, year, entered, here=None):
    """When a grant was awarded, as 360Giving's awardDate and IATI's commitment date: the
    decision date recorded (the grant's, else its round's); when only the grant year is
    known, 1 January of that year, unless that is after the day the grant was entered in
    the register (it had been awarded by then), which is then the date given: a grant
    for a year not yet begun is never dated in the future. `here` is the time zone of
    the day (the current one when not given; a loop over many grants passes it once)."""
    if decided_on:
        return decided_on
    first = datetime.date(year, 1, 1)
    entered = timezone.localdate(entered, here) if entered else first
    return min(first, entered)


def grant_list_widths(partnerships):
    """How many SDG classifications the widest of these partnerships' grants has in
    360Giving (as opendata.giving360 lists them), for that many numbered CSV columns:
    one query. (A grant has one recipient there.)"""
    widths = (
        Partnership.objects.filter(
            pk__in=Grant.objects.filter(partnership__in=partnerships.values("pk")).values(
                "partnership_id"
            )
        )
        .annotate(sdgs=Count("goals", filter=Q(goals__framework="sdg"), distinct=True))
        .aggregate(classifications=Max("sdgs"))
    )
    return {key: n or 0 for key, n in widths.items()}


def municipality_queryset():
    return (
        Organisation.objects.published()
        .swedish_local()
        .prefetch_related("former_names")
        .order_by("name_sv", "id")
    )


def with_partnership_counts(organisations):
    """The organisations, each with `published_partnerships`: the published partnerships
    it takes part in as Swedish participant (one query for all)."""
    organisations = list(organisations)
    counts = queries.partnership_counts(o.pk for o in organisations)
    for org in organisations:
        org.published_partnerships = counts.get(org.pk, 0)
    return organisations


def programme_queryset():
    return (
        Programme.objects.published()
        .select_related("status_source__publisher")
        .with_roles()
        .prefetch_related("goals", "themes")
        .order_by("name_sv", "id")
    )


def grant_round_queryset():
    return GrantRound.objects.described()
