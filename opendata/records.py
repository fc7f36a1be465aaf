"""The register's published records as plain data, the same for every open format.

Every reader starts from the apps' own selectors (`.published()`, the list FilterSets)
and prefetches what it shows, with organisations filtered to the published ones: a draft
organisation, programme or partnership never appears, not even as a name inside another
record. The functions here only turn prefetched objects into dicts."""

import datetime

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone, translation

from core.models import published_at
from partnerships import queries
from partnerships.models import Grant, GrantRound, Partnership, PartnershipParticipant
from projects.models import Project, ProjectParticipant
from reference.models import (
    IATI_ROLE_CODES,
    SWEDISH_LOCAL_KINDS,
    Organisation,
    Programme,
    Role,
    Source,
)

PUBLISHED_ORG = published_at("organisation")


class Row(dict):
    """A row of values() read as attributes (`row.title_sv`), so that the open formats'
    builders (giving360, iati) read rows and model instances alike."""

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
        queryset=Grant.objects.select_related(
            "grant_round", "grant_maker", "funding_source"
        ).order_by("year", "id"),
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
            "grant_maker",
            "funding_source",
        )
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


def award_date(decided_on, year, entered):
    """When a grant was awarded, as 360Giving's awardDate and IATI's commitment date: the
    decision date recorded (the grant's, else its round's); when only the grant year is
    known, 1 January of that year, unless that is after the day the grant was entered in
    the register (it had been awarded by then), which is then the date given: a grant
    for a year not yet begun is never dated in the future."""
    if decided_on:
        return decided_on
    first = datetime.date(year, 1, 1)
    entered = timezone.localdate(entered) if entered else first
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


def partnership_counts(organisations):
    """{organisation id: published partnerships it takes part in as Swedish participant}."""
    return queries.partnership_counts(o.pk for o in organisations)


def programme_queryset():
    return (
        Programme.objects.published()
        .select_related("owner", "funder", "status_source__publisher")
        .prefetch_related("goals", "themes")
        .order_by("name_sv", "id")
    )


def grant_round_queryset():
    return GrantRound.objects.described()


# Pieces --------------------------------------------------------------------------------


def absolute(request, path):
    if not path:
        return None
    return request.build_absolute_uri(path) if request is not None else path


def page_urls(request, record):
    """The record's public page in Swedish (the default, no prefix) and in English
    (/en/ and English words), whatever the language of the request."""
    if record is None:
        return {"url": None, "url_en": None}
    with translation.override(settings.LANGUAGE_CODE):
        swedish = record.get_absolute_url()
    with translation.override("en"):
        english = record.get_absolute_url()
    return {"url": absolute(request, swedish), "url_en": absolute(request, english)}


def org_ref(org, request):
    if org is None:
        return None
    return {
        "id": org.pk,
        "slug": org.slug,
        "name_sv": org.name_sv,
        "name_en": org.name_en,
        "acronym": org.acronym,
        "kind": org.kind,
        "identifier": org.identifier,
        "org_number": org.org_id or None,
        "scb_code": org.scb_code,
        "iati_ref": org.iati_ref,
        **page_urls(request, org if org.kind in SWEDISH_LOCAL_KINDS else None),
    }


def country_ref(country, request):
    if country is None:
        return None
    return {
        "code": country.code,
        "name_sv": country.name_sv,
        "name_en": country.name_en,
        "continent": country.continent,
        **page_urls(request, country),
    }


def goal_ref(goal, request):
    return {
        "id": goal.pk,
        "framework": goal.framework,
        "number": goal.number,
        "code": goal.code,
        "title_sv": goal.title_sv,
        "title_en": goal.title_en,
        **page_urls(request, goal),
    }


def theme_ref(theme):
    return {
        "slug": theme.slug,
        "kind": theme.kind,
        "name_sv": theme.name_sv,
        "name_en": theme.name_en,
    }


def programme_ref(programme):
    if programme is None:
        return None
    return {
        "id": programme.pk,
        "slug": programme.slug,
        "name_sv": programme.name_sv,
        "name_en": programme.name_en,
    }


def source_ref(source):
    publisher = source.publisher
    return {
        "slug": source.slug,
        "title": source.title,
        "url": source.url or None,
        "published_on": source.published_on,
        "published_precision": source.published_precision,
        "publisher": publisher.name_sv if publisher else None,
    }


def participant(row, request):
    return {
        "organisation": org_ref(row.organisation, request),
        "role": row.role,
        "iati_role_code": IATI_ROLE_CODES[row.role],
        "amount_sek": row.amount_sek,
        "share_percent": row.share_percent,
    }


def dates(record):
    status, derived = record.current_status()
    return {
        "status": status or None,
        "status_derived_from_dates": derived,
        "status_source": source_ref(record.status_source)
        if record.status_source_id and not derived
        else None,
        "start_date": record.start_date,
        "start_precision": record.start_precision,
        "start_actual": record.start_actual,
        "end_date": record.end_date,
        "end_precision": record.end_precision,
        "end_actual": record.end_actual,
    }


def texts(record):
    return {
        "title_sv": record.title_sv,
        "title_en": record.title_en,
        "summary_sv": record.summary_sv,
        "summary_en": record.summary_en,
        "body_sv": record.body_sv,
        "body_en": record.body_en,
    }


# Records -------------------------------------------------------------------------------


def project_data(project, request):
    return {
        "id": project.pk,
        "slug": project.slug,
        **texts(project),
        **page_urls(request, project),
        "countries": [country_ref(c, request) for c in project.countries.all()],
        "goals": [goal_ref(g, request) for g in project.goals.all()],
        "themes": [theme_ref(t) for t in project.themes.all()],
        "programme": programme_ref(project.programme),
        "participants": [participant(p, request) for p in project.participants.all()],
        **dates(project),
        "budget_sek": project.budget_sek,
        "yearly_budgets": [
            {"year": b.year, "amount_sek": b.amount_sek} for b in project.yearly_budgets.all()
        ],
        "sources": [source_ref(s) for s in project.sources.all()],
        "published_at": project.published_at,
        "updated_at": project.updated_at,
    }


def grant_core(grant, request):
    return {
        "id": grant.pk,
        "identifier": f"360G-{settings.GRANTS_360_PREFIX}-{grant.pk}",
        "year": grant.year,
        "decided_on": grant.decided_on,
        "amount_sek_per_year": grant.amount_sek_per_year,
        "duration_years": grant.duration_years,
        "total_sek": grant.total_sek,
        "grant_round": grant.grant_round.slug if grant.grant_round_id else None,
        "grant_maker": org_ref(grant.grant_maker, request),
        "funding_source": org_ref(grant.funding_source, request),
    }


def partnership_data(partnership, request):
    return {
        "id": partnership.pk,
        "slug": partnership.slug,
        **texts(partnership),
        **page_urls(request, partnership),
        "country": country_ref(partnership.country, request),
        "goals": [goal_ref(g, request) for g in partnership.goals.all()],
        "themes": [theme_ref(t) for t in partnership.themes.all()],
        "programme": programme_ref(partnership.programme),
        "participants": [participant(p, request) for p in partnership.participants.all()],
        **dates(partnership),
        "grants": [grant_core(g, request) for g in partnership.grants.all()],
        "sources": [source_ref(s) for s in partnership.sources.all()],
        "published_at": partnership.published_at,
        "updated_at": partnership.updated_at,
    }


def grant_data(grant, request):
    partnership = grant.partnership
    return {
        **grant_core(grant, request),
        "partnership": {
            "id": partnership.pk,
            "slug": partnership.slug,
            "title_sv": partnership.title_sv,
            "title_en": partnership.title_en,
            **page_urls(request, partnership),
        },
        "country": country_ref(partnership.country, request),
        "programme": programme_ref(partnership.programme),
        "swedish_participants": [
            org_ref(p.organisation, request)
            for p in partnership.participants.all()
            if p.role == Role.SWEDISH_PARTICIPANT
        ],
        "goals": [goal_ref(g, request) for g in partnership.goals.all()],
        "updated_at": grant.updated_at,
    }


def municipality_data(org, request, counts):
    return {
        **org_ref(org, request),
        "county_code": org.county_code,
        "county_name": org.county_name,
        "former_names": [
            {"name": f.name, "acronym": f.acronym, "used_until": f.used_until}
            for f in org.former_names.all()
        ],
        "published_partnerships": counts.get(org.pk, 0),
    }


def organisation_data(org, request):
    return {
        **org_ref(org, request),
        "country": org.country_id,
        "description_sv": org.description_sv,
        "description_en": org.description_en,
        "website": org.website or None,
    }


def programme_data(programme, request):
    return {
        **programme_ref(programme),
        "description_sv": programme.description_sv,
        "description_en": programme.description_en,
        "owner": org_ref(programme.owner, request),
        "funder": org_ref(programme.funder, request),
        "start_date": programme.start_date,
        "start_precision": programme.start_precision,
        "end_date": programme.end_date,
        "end_precision": programme.end_precision,
        "closing_statement_sv": programme.closing_statement_sv,
        "closing_statement_en": programme.closing_statement_en,
        "status_source": source_ref(programme.status_source) if programme.status_source else None,
        "goals": [goal_ref(g, request) for g in programme.goals.all()],
        "themes": [theme_ref(t) for t in programme.themes.all()],
    }


def grant_round_data(grant_round, request):
    return {
        "id": grant_round.pk,
        "slug": grant_round.slug,
        "title_sv": grant_round.title_sv,
        "title_en": grant_round.title_en,
        "programme": programme_ref(grant_round.programme),
        "year": grant_round.year,
        "decided_on": grant_round.decided_on,
        "grant_maker": org_ref(grant_round.grant_maker, request),
        "funding_source": org_ref(grant_round.funding_source, request),
        "closed_on": grant_round.closed_on,
        "closing_statement_sv": grant_round.closing_statement_sv,
        "closing_statement_en": grant_round.closing_statement_en,
        "closing_source": source_ref(grant_round.closing_source)
        if grant_round.closing_source
        else None,
        "stated": {
            "new_partnerships": grant_round.stated_new_partnerships,
            "ongoing_partnerships": grant_round.stated_ongoing_partnerships,
            "swedish_participants": grant_round.stated_swedish_participants,
            "min_sek_per_year": grant_round.min_sek_per_year,
            "max_sek_per_year": grant_round.max_sek_per_year,
            "min_years": grant_round.min_years,
            "max_years": grant_round.max_years,
            "participants": [org_ref(o, request) for o in grant_round.published_participants],
            "leading_countries": [
                country_ref(c, request) for c in grant_round.leading_countries.all()
            ],
            "themes": [theme_ref(t) for t in grant_round.themes.all()],
            "source": source_ref(grant_round.source) if grant_round.source_id else None,
        },
    }
