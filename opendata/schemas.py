"""The JSON API's response and parameter types (pydantic, through django-ninja): they are
the OpenAPI document's components and check every response the API sends."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.utils import translation
from django_filters import (
    ModelMultipleChoiceFilter,
    MultipleChoiceFilter,
    NumberFilter,
)
from ninja import Field, Schema
from pydantic import create_model

from core.filters import UpperCaseMultipleChoiceField
from partnerships.filters import MunicipalityFilterSet, PartnershipFilterSet
from projects.filters import ProjectFilterSet
from reference.models import IATI_ROLE_CODES, SWEDISH_LOCAL_KINDS, OrganisationKind, Role

# The types read model instances (ninja's Schema: from attributes, Managers as lists);
# what a record does not hold as an attribute of the same name, a `resolve_<field>`
# computes. Related records come from the querysets in opendata/records.py, which
# prefetch only published ones (a foreign key to a draft reads as None: core.publication).


def page_address(record, context, language):
    """The record's public page in `language`, absolute for the request being answered
    (ninja passes it in the validation context), whatever the request's language."""
    with translation.override(language):
        path = record.get_absolute_url()
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def swedish_page(obj, context):
    return page_address(obj, context, settings.LANGUAGE_CODE)


def english_page(obj, context):
    return page_address(obj, context, "en")


class PageLinks(Schema):
    """Listed last among the bases, so these come after a record's own fields."""

    url: str | None = Field(None, description="The public page (Swedish).")
    url_en: str | None = Field(None, description="The public page in English.")

    resolve_url = staticmethod(swedish_page)
    resolve_url_en = staticmethod(english_page)


class OrganisationRef(Schema):
    id: int
    slug: str
    name_sv: str
    name_en: str
    acronym: str
    kind: str
    identifier: str = Field(
        description="SE-ON-NNNNNN-NNNN when the organisation number is known, otherwise "
        "the register-made 360G-<prefix>-org-<id> (from the organisation's id, not its "
        "slug, so it survives a rename)."
    )
    org_number: str | None
    scb_code: str | None
    iati_ref: str | None
    url: str | None = Field(None, description="The public page (Swedish).")
    url_en: str | None = Field(None, description="The public page in English.")

    @staticmethod
    def resolve_org_number(obj):
        return obj.org_id or None

    # Only Swedish municipalities and regions have a page of their own.
    @staticmethod
    def resolve_url(obj, context):
        return swedish_page(obj, context) if obj.kind in SWEDISH_LOCAL_KINDS else None

    @staticmethod
    def resolve_url_en(obj, context):
        return english_page(obj, context) if obj.kind in SWEDISH_LOCAL_KINDS else None


class CountryRef(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2; XK for Kosovo.")
    name_sv: str
    name_en: str
    continent: str
    url: str | None = Field(None, description="The public page (Swedish).")
    url_en: str | None = Field(None, description="The public page in English.")

    resolve_url = staticmethod(swedish_page)
    resolve_url_en = staticmethod(english_page)


class GoalRef(Schema):
    id: int
    framework: str = Field(description="sdg or mdg")
    number: int
    code: str = Field(description="SDGs as their number, Millennium goals as MDG1…MDG8.")
    title_sv: str
    title_en: str
    url: str | None = Field(None, description="The public page (Swedish).")
    url_en: str | None = Field(None, description="The public page in English.")

    resolve_url = staticmethod(swedish_page)
    resolve_url_en = staticmethod(english_page)


class ThemeRef(Schema):
    slug: str
    kind: str
    name_sv: str
    name_en: str


class ProgrammeRef(Schema):
    id: int
    slug: str
    name_sv: str
    name_en: str


class SourceRef(Schema):
    slug: str
    title: str
    url: str | None
    published_on: date | None
    published_precision: str
    publisher: str | None

    @staticmethod
    def resolve_url(obj):
        return obj.url or None

    @staticmethod
    def resolve_publisher(obj):
        return obj.publisher.name_sv if obj.publisher else None


class Participant(Schema):
    organisation: OrganisationRef
    role: str
    iati_role_code: str
    amount_sek: int | None
    share_percent: Decimal | None

    @staticmethod
    def resolve_iati_role_code(obj):
        return IATI_ROLE_CODES[obj.role]


class Texts(Schema):
    id: int
    slug: str
    title_sv: str
    title_en: str
    summary_sv: str
    summary_en: str
    body_sv: str
    body_en: str


class Dates(Schema):
    status: str | None = Field(description="planned, ongoing or completed")
    status_derived_from_dates: bool
    status_source: SourceRef | None
    start_date: date | None
    start_precision: str
    start_actual: bool
    end_date: date | None
    end_precision: str
    end_actual: bool

    @staticmethod
    def resolve_status(obj):
        return obj.status or None

    @staticmethod
    def resolve_status_derived_from_dates(obj):
        return obj.status_is_derived

    @staticmethod
    def resolve_status_source(obj):
        return obj.status_source if obj.status_source_id and not obj.status_is_derived else None


class YearlyBudget(Schema):
    year: int
    amount_sek: int


class Project(PageLinks, Dates, Texts):
    countries: list[CountryRef]
    goals: list[GoalRef]
    themes: list[ThemeRef]
    programme: ProgrammeRef | None
    participants: list[Participant]
    budget_sek: int | None
    yearly_budgets: list[YearlyBudget]
    sources: list[SourceRef]
    published_at: datetime | None
    updated_at: datetime


class GrantCore(Schema):
    id: int
    identifier: str = Field(description="The grant's 360Giving identifier.")
    year: int
    decided_on: date | None
    amount_sek_per_year: int
    duration_years: int
    total_sek: int
    grant_round: str | None = Field(description="The grant round's slug.")
    grant_maker: OrganisationRef | None
    funding_source: OrganisationRef | None

    @staticmethod
    def resolve_identifier(obj):
        return f"360G-{settings.GRANTS_360_PREFIX}-{obj.pk}"

    @staticmethod
    def resolve_grant_round(obj):
        return obj.grant_round.slug if obj.grant_round_id else None


class Partnership(PageLinks, Dates, Texts):
    country: CountryRef | None
    goals: list[GoalRef]
    themes: list[ThemeRef]
    programme: ProgrammeRef | None
    participants: list[Participant]
    grants: list[GrantCore]
    sources: list[SourceRef]
    published_at: datetime | None
    updated_at: datetime


class PartnershipRef(Schema):
    id: int
    slug: str
    title_sv: str
    title_en: str
    url: str | None = Field(None, description="The public page (Swedish).")
    url_en: str | None = Field(None, description="The public page in English.")

    resolve_url = staticmethod(swedish_page)
    resolve_url_en = staticmethod(english_page)


class Grant(GrantCore):
    partnership: PartnershipRef
    country: CountryRef | None
    programme: ProgrammeRef | None
    swedish_participants: list[OrganisationRef]
    goals: list[GoalRef]
    updated_at: datetime

    @staticmethod
    def resolve_country(obj):
        return obj.partnership.country

    @staticmethod
    def resolve_programme(obj):
        return obj.partnership.programme

    @staticmethod
    def resolve_swedish_participants(obj):
        return [
            p.organisation
            for p in obj.partnership.participants.all()
            if p.role == Role.SWEDISH_PARTICIPANT
        ]

    @staticmethod
    def resolve_goals(obj):
        return obj.partnership.goals.all()


class FormerName(Schema):
    name: str
    acronym: str
    used_until: date | None


class Municipality(OrganisationRef):
    county_code: str
    county_name: str
    former_names: list[FormerName]
    published_partnerships: int


class Organisation(OrganisationRef):
    country: str | None = Field(alias="country_id")
    description_sv: str
    description_en: str
    website: str | None

    @staticmethod
    def resolve_website(obj):
        return obj.website or None


class Programme(ProgrammeRef):
    description_sv: str
    description_en: str
    owner: OrganisationRef | None
    funder: OrganisationRef | None
    start_date: date | None
    start_precision: str
    end_date: date | None
    end_precision: str
    closing_statement_sv: str
    closing_statement_en: str
    status_source: SourceRef | None
    goals: list[GoalRef]
    themes: list[ThemeRef]


class StatedFigures(Schema):
    # Read from the grant round itself (GrantRound.resolve_stated).
    new_partnerships: int | None = Field(alias="stated_new_partnerships")
    ongoing_partnerships: int | None = Field(alias="stated_ongoing_partnerships")
    swedish_participants: int | None = Field(alias="stated_swedish_participants")
    min_sek_per_year: int | None
    max_sek_per_year: int | None
    min_years: int | None
    max_years: int | None
    participants: list[OrganisationRef] = Field(alias="published_participants")
    leading_countries: list[CountryRef]
    themes: list[ThemeRef]
    source: SourceRef | None


class GrantRound(Schema):
    id: int
    slug: str
    title_sv: str
    title_en: str
    programme: ProgrammeRef | None
    year: int | None
    decided_on: date | None
    grant_maker: OrganisationRef | None
    funding_source: OrganisationRef | None
    closed_on: date | None = Field(
        description="The day the round closed, when a source states that it closed on its "
        "own; a closed programme's closing is the programme's."
    )
    closing_statement_sv: str
    closing_statement_en: str
    closing_source: SourceRef | None
    stated: StatedFigures

    @staticmethod
    def resolve_stated(obj):
        return obj


class Goal(GoalRef):
    colour: str


class Country(CountryRef):
    pass


class FacetOption(Schema):
    value: str
    label: str
    count: int
    selected: bool


class Page(Schema):
    count: int = Field(description="Records that match, on every page.")
    next: str | None
    previous: str | None
    facets: dict[str, list[FacetOption]] | None = Field(
        None, description="With facets=1: per filter, each option's count given the other filters."
    )


def page_of(item_schema, name):
    return type(
        name, (Page,), {"__module__": __name__, "__annotations__": {"results": list[item_schema]}}
    )


ProjectPage = page_of(Project, "ProjectPage")
PartnershipPage = page_of(Partnership, "PartnershipPage")
GrantPage = page_of(Grant, "GrantPage")
MunicipalityPage = page_of(Municipality, "MunicipalityPage")
OrganisationPage = page_of(Organisation, "OrganisationPage")
ProgrammePage = page_of(Programme, "ProgrammePage")
GrantRoundPage = page_of(GrantRound, "GrantRoundPage")
GoalPage = page_of(Goal, "GoalPage")
CountryPage = page_of(Country, "CountryPage")


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


# Query parameters, for the OpenAPI document. The lists' parameters are made from the
# FilterSets the pages use (the FilterSets read request.GET themselves, as the pages do):
# a filter added to a list is a parameter of its API list, with the same values and limits.


DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int | None = Field(
        None, ge=1, description="Page number, from 1; a page past the last answers 404."
    )
    page_size: int | None = Field(
        None, ge=1, le=MAX_PAGE_SIZE, description=f"Records a page (default {DEFAULT_PAGE_SIZE})."
    )


class ListParams(PageParams):
    facets: bool | None = Field(None, description="1: add the facet counts.")


def listed(values):
    """json_schema_extra naming the values a parameter takes, read when the document is made
    (`values` is called then): for values the parameter's type does not check itself, such
    as records' slugs, which the database holds, or country codes, taken in either case."""

    def extra(schema):
        names = sorted(values())
        for branch in schema.get("anyOf", [schema]):
            if names and branch.get("type") == "array":
                branch["items"]["enum"] = names
            elif names and branch.get("type") == "string":
                branch["enum"] = names

    return extra


def filter_parameter(name, flt):
    """(type, Field) of one django-filter filter as a query parameter."""
    label = str(flt.label or name)
    choices = flt.extra.get("choices")
    if callable(choices):
        choices = choices()
    values = tuple(str(value) for value, _label in choices or () if value != "")
    if isinstance(flt, ModelMultipleChoiceFilter):
        queryset, field = flt.extra["queryset"], flt.extra.get("to_field_name") or "pk"
        return list[str] | None, Field(
            None,
            description=f"{label}; repeatable (OR).",
            json_schema_extra=listed(
                lambda: [str(v) for v in queryset.values_list(field, flat=True)]
            ),
        )
    if issubclass(flt.field_class, UpperCaseMultipleChoiceField):
        # Codes in either case (ke and KE): the type takes any string, the document lists them.
        return list[str] | None, Field(
            None,
            description=f"{label} (code, either case); repeatable (OR).",
            json_schema_extra=listed(lambda: values),
        )
    if isinstance(flt, MultipleChoiceFilter):
        item = Literal[values] if values else str
        return list[item] | None, Field(None, description=f"{label}; repeatable (OR).")
    if isinstance(flt, NumberFilter):
        low, high = flt.extra.get("min_value"), flt.extra.get("max_value")
        return int | None, Field(None, ge=low, le=high, description=label)
    if values:
        return Literal[values] | None, Field(None, description=label)
    return str | None, Field(None, max_length=flt.extra.get("max_length"), description=label)


def filter_params(name, filterset_class):
    """The query parameters of an API list whose records `filterset_class` selects."""
    with translation.override("en"):
        fields = {
            key: filter_parameter(key, flt) for key, flt in filterset_class.base_filters.items()
        }
    return create_model(name, __base__=ListParams, **fields)


ProjectParams = filter_params("ProjectParams", ProjectFilterSet)
PartnershipParams = filter_params("PartnershipParams", PartnershipFilterSet)
MunicipalityParams = filter_params("MunicipalityParams", MunicipalityFilterSet)


class OrganisationParams(PageParams):
    kind: str | None = Field(
        None,
        description="The organisation kind, e.g. nonprofit.",
        json_schema_extra=listed(lambda: OrganisationKind.values),
    )
