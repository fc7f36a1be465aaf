from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Concat

from core.exports import (
    Column,
    Dataset,
    as_text,
    choice_label,
    first_filled,
    goal_code,
    joined,
    lang,
)
from core.models import Status, status_derived_expression, status_expression
from partnerships.models import Grant, Partnership, PartnershipParticipant, granted_sek
from reference.exports import org_id, organisation_dataset
from reference.models import Role

GOALS = Partnership.goals.through
THEMES = Partnership.themes.through


def role_joined(role, target, key="partnership_id", outer="pk", order="position"):
    """One cell with the published organisations of one role in a partnership."""
    return joined(
        PartnershipParticipant,
        key,
        target,
        order,
        outer=outer,
        role=role,
        organisation__publication="published",
    )


def partnership_dataset():
    name, title = f"name_{lang()}", f"title_{lang()}"
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("slug", "slug"),
            Column("title_sv", "title_sv"),
            Column("title_en", "title_en"),
            Column("summary_sv", "summary_sv"),
            Column("country_code", "country_id"),
            Column("country_name", f"country__{name}"),
            Column("swedish_participants", "x_participants"),
            Column("swedish_participant_codes", "x_participant_codes"),
            Column("partner_governments", "x_partners"),
            Column("goal_numbers", "x_goal_numbers"),
            Column("goal_titles", "x_goal_titles"),
            Column("theme_slugs", "x_theme_slugs"),
            Column("theme_names", "x_theme_names"),
            Column("status", "x_status"),
            Column("status_label", "x_status_label"),
            Column("status_derived_from_dates", "x_status_derived"),
            Column("start_date", "start_date", "date"),
            Column("end_date", "end_date", "date"),
            Column("programme", f"programme__{name}"),
            Column("url", "slug", "url", "partnerships:partnership-detail"),
            Column("updated_at", "updated_at", "datetime"),
        ],
        annotations={
            "x_participants": role_joined(Role.SWEDISH_PARTICIPANT, "organisation__name_sv"),
            "x_participant_codes": role_joined(Role.SWEDISH_PARTICIPANT, "organisation__scb_code"),
            "x_partners": role_joined(Role.PARTNER_GOVERNMENT, "organisation__name_sv"),
            "x_goal_numbers": joined(GOALS, "partnership_id", goal_code(), "goal_id"),
            "x_goal_titles": joined(GOALS, "partnership_id", f"goal__{title}", "goal_id"),
            "x_theme_slugs": joined(THEMES, "partnership_id", "theme__slug", "theme_id"),
            "x_theme_names": joined(THEMES, "partnership_id", f"theme__{name}", "theme_id"),
            "x_status": status_expression(),
            "x_status_label": choice_label("x_status", Status.choices),
            "x_status_derived": status_derived_expression(),
        },
    )


def grant_joined(through, target, order="", **lookups):
    """Like joined(), for a grant's partnership."""
    return joined(through, "partnership_id", target, order, outer="partnership_id", **lookups)


def grant_role_joined(role, target):
    return role_joined(role, target, outer="partnership_id")


def grant_dataset():
    name, title = f"name_{lang()}", f"title_{lang()}"
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("partnership_slug", "partnership__slug"),
            Column("partnership_title_sv", "partnership__title_sv"),
            Column("year", "year", "number"),
            Column("amount_sek_per_year", "amount_sek_per_year", "number"),
            Column("duration_years", "duration_years", "number"),
            Column("total_sek", "x_total", "number"),
            Column("decided_on", "decided_on", "date"),
            Column("grant_round", f"grant_round__{title}"),
            Column("grant_maker", f"grant_maker__{name}"),
            Column("funding_source", f"funding_source__{name}"),
            Column("country_code", "partnership__country_id"),
            Column("country_name", f"partnership__country__{name}"),
            Column("swedish_participants", "x_participants"),
            Column("swedish_participant_codes", "x_participant_codes"),
            Column("goal_numbers", "x_goal_numbers"),
            Column("url", "partnership__slug", "url", "partnerships:partnership-detail"),
        ],
        annotations={
            "x_total": granted_sek(),
            "x_participants": grant_role_joined(Role.SWEDISH_PARTICIPANT, "organisation__name_sv"),
            "x_participant_codes": grant_role_joined(
                Role.SWEDISH_PARTICIPANT, "organisation__scb_code"
            ),
            "x_goal_numbers": grant_joined(GOALS, goal_code(), "goal_id"),
        },
    )


def grant_360giving_dataset():
    """Column titles of the 360Giving data standard, so the file loads into its tools.
    Funding Org is the grant-maker (ICLD for Kommunala partnerskap), not the source of the
    money. Organisation identifiers: README, "CSV export"."""
    prefix = f"360G-{settings.GRANTS_360_PREFIX}"
    sdg = {"goal__framework": "sdg"}
    return Dataset(
        columns=[
            Column("Identifier", "x_identifier"),
            Column("Title", "x_title"),
            Column("Description", "x_description"),
            Column("Currency", "x_currency"),
            Column("Amount Awarded", "x_total", "number"),
            Column("Award Date", "x_award_date"),
            Column("Planned Dates:Start Date", "x_start"),
            Column("Planned Dates:End Date", "x_end"),
            Column("Planned Dates:Duration (months)", "x_months", "number"),
            Column("Recipient Org:Identifier", "x_recipient_ids"),
            Column("Recipient Org:Name", "x_recipients"),
            Column("Funding Org:Identifier", "x_funder_id"),
            Column("Funding Org:Name", "x_funder_name"),
            Column("Grant Programme:Title", "partnership__programme__name_en"),
            Column("Beneficiary Location:0:Name", "partnership__country__name_en"),
            Column("Beneficiary Location:0:Country Code", "partnership__country_id"),
            Column("Classifications:0:Vocabulary", "x_vocabulary"),
            Column("Classifications:0:Code", "x_sdg_codes"),
            Column("Classifications:0:Title", "x_sdg_titles"),
            Column("URL", "partnership__slug", "url", "partnerships:partnership-detail"),
        ],
        annotations={
            "x_identifier": Concat(Value(f"{prefix}-"), as_text(F("id"))),
            "x_title": first_filled("partnership__title_en", "partnership__title_sv"),
            "x_description": first_filled("partnership__summary_en", "partnership__summary_sv"),
            "x_currency": Value("SEK"),
            "x_total": granted_sek(),
            "x_award_date": first_filled(as_text(F("decided_on")), as_text(F("year"))),
            "x_start": Concat(as_text(F("year")), Value("-01-01")),
            "x_end": Concat(as_text(F("year") + F("duration_years") - 1), Value("-12-31")),
            "x_months": F("duration_years") * 12,
            "x_recipient_ids": grant_role_joined(
                Role.SWEDISH_PARTICIPANT, org_id("organisation__")
            ),
            "x_recipients": grant_role_joined(Role.SWEDISH_PARTICIPANT, "organisation__name_sv"),
            "x_funder_id": org_id("grant_maker__"),
            "x_funder_name": first_filled("grant_maker__name_en", "grant_maker__name_sv"),
            "x_vocabulary": Value("UN Sustainable Development Goals"),
            "x_sdg_codes": grant_joined(GOALS, as_text(F("goal__number")), "goal__number", **sdg),
            "x_sdg_titles": grant_joined(GOALS, F("goal__title_en"), "goal__number", **sdg),
        },
    )


def municipality_dataset():
    return organisation_dataset(
        extra_columns=[
            Column("published_partnerships", "n_published", "number"),
            Column("url", "slug", "url", "partnerships:municipality-detail"),
        ]
    )


def grant_export_queryset(partnerships):
    return Grant.objects.filter(partnership__in=partnerships.values("pk")).order_by(
        "partnership__title_sv", "partnership_id", "year", "id"
    )
