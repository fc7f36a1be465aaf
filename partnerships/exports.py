from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat, NullIf

from core.exports import Column, Dataset, as_text, joined
from partnerships.models import Grant, MunicipalityKind, Partnership
from projects.exports import choice_label, goal_code, lang

PARTICIPANTS = Partnership.swedish_participants.through
PARTNERS = Partnership.partner_governments.through
GOALS = Partnership.goals.through
THEMES = Partnership.themes.through


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
            Column("status", "status"),
            Column("start_year", "start_year", "number"),
            Column("end_year", "end_year", "number"),
            Column("programme", f"programme__{name}"),
            Column("url", "slug", "url", "partnerships:partnership-detail"),
            Column("updated_at", "updated_at", "datetime"),
        ],
        annotations={
            "x_participants": joined(
                PARTICIPANTS, "partnership_id", "municipality__name", "municipality__name"
            ),
            "x_participant_codes": joined(
                PARTICIPANTS, "partnership_id", "municipality__code", "municipality__name"
            ),
            "x_partners": joined(
                PARTNERS, "partnership_id", "municipality__name", "municipality__name"
            ),
            "x_goal_numbers": joined(GOALS, "partnership_id", goal_code(), "goal_id"),
            "x_goal_titles": joined(GOALS, "partnership_id", f"goal__{title}", "goal_id"),
            "x_theme_slugs": joined(THEMES, "partnership_id", "theme__slug", "theme_id"),
            "x_theme_names": joined(THEMES, "partnership_id", f"theme__{name}", "theme_id"),
        },
    )


def grant_joined(through, target, order="", **lookups):
    """Like joined(), for a grant's partnership."""
    return joined(through, "partnership_id", target, order, outer="partnership_id", **lookups)


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
            Column("funder", f"funder__{name}"),
            Column("country_code", "partnership__country_id"),
            Column("country_name", f"partnership__country__{name}"),
            Column("swedish_participants", "x_participants"),
            Column("swedish_participant_codes", "x_participant_codes"),
            Column("goal_numbers", "x_goal_numbers"),
            Column("url", "partnership__slug", "url", "partnerships:partnership-detail"),
        ],
        annotations={
            "x_total": F("amount_sek_per_year") * F("duration_years"),
            "x_participants": grant_joined(
                PARTICIPANTS, "municipality__name", "municipality__name"
            ),
            "x_participant_codes": grant_joined(
                PARTICIPANTS, "municipality__code", "municipality__name"
            ),
            "x_goal_numbers": grant_joined(GOALS, goal_code(), "goal_id"),
        },
    )


def grant_360giving_dataset():
    """Column titles of the 360Giving data standard, so the file loads into its tools.
    Identifiers use the 360G- prefix; organisations without an official identifier get
    one made from their slug."""
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
            "x_title": _first_filled("partnership__title_en", "partnership__title_sv"),
            "x_description": _first_filled("partnership__summary_en", "partnership__summary_sv"),
            "x_currency": Value("SEK"),
            "x_total": F("amount_sek_per_year") * F("duration_years"),
            "x_award_date": _first_filled_text(as_text(F("decided_on")), as_text(F("year"))),
            "x_start": Concat(as_text(F("year")), Value("-01-01")),
            "x_end": Concat(as_text(F("year") + F("duration_years") - 1), Value("-12-31")),
            "x_months": F("duration_years") * 12,
            "x_recipient_ids": grant_joined(
                PARTICIPANTS,
                Concat(Value(f"{prefix}-org-"), F("municipality__slug")),
                "municipality__name",
            ),
            "x_recipients": grant_joined(PARTICIPANTS, "municipality__name", "municipality__name"),
            "x_funder_id": Concat(
                Value(f"{prefix}-org-"),
                _first_filled("funder__slug", Value(settings.GRANTS_360_PREFIX)),
            ),
            "x_funder_name": _first_filled("funder__name_en", Value("ICLD")),
            "x_vocabulary": Value("UN Sustainable Development Goals"),
            "x_sdg_codes": grant_joined(GOALS, as_text(F("goal__number")), "goal__number", **sdg),
            "x_sdg_titles": grant_joined(GOALS, F("goal__title_en"), "goal__number", **sdg),
        },
    )


def _first_filled(*sources):
    """The first of the fields (or expressions) that is neither empty nor NULL."""
    parts = [NullIf(F(s), Value("")) if isinstance(s, str) else s for s in sources]
    return Coalesce(*parts, output_field=CharField())


def _first_filled_text(*expressions):
    return Coalesce(*expressions, output_field=CharField())


def municipality_dataset():
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("slug", "slug"),
            Column("name", "name"),
            Column("kind", "kind"),
            Column("kind_label", "x_kind_label"),
            Column("code", "code"),
            Column("county_code", "county_code"),
            Column("county_name", "county_name"),
            Column("published_partnerships", "n_published", "number"),
            Column("url", "slug", "url", "partnerships:municipality-detail"),
        ],
        annotations={"x_kind_label": choice_label("kind", MunicipalityKind.choices)},
    )


def grant_export_queryset(partnerships):
    return Grant.objects.filter(partnership__in=partnerships.values("pk")).order_by(
        "partnership__title_sv", "partnership_id", "year", "id"
    )
