from django.db.models import Case, F, FilteredRelation, Q, When

from core.exports import (
    Column,
    Dataset,
    choice_label,
    goal_code,
    joined,
    lang,
)
from core.models import Status, published_at, status_derived_expression, status_expression
from partnerships.models import (
    Grant,
    Partnership,
    PartnershipParticipant,
    granted_sek,
)
from reference.exports import organisation_dataset
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
        **published_at("organisation"),
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


def grant_organisations(name):
    """The cells of a grant's grant-maker and source of money: its GrantParticipant row
    in each role (at most one, so a LEFT JOIN each, with nothing to aggregate) and that
    row's organisation where it is published."""
    cells = {}
    for cell, role in (("x_grant_maker", Role.EXTENDING), ("x_funding_source", Role.FUNDING)):
        row = f"{cell}_row"
        cells[row] = FilteredRelation("roles", condition=Q(roles__role=role))
        cells[cell] = Case(
            When(**published_at(f"{row}__organisation"), then=F(f"{row}__organisation__{name}"))
        )
    return cells


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
            Column("grant_maker", "x_grant_maker"),
            Column("funding_source", "x_funding_source"),
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
            **grant_organisations(name),
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
