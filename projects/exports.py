from django.db.models import Value
from django.db.models.functions import Concat

from core.exports import (
    Column,
    Dataset,
    choice_label,
    goal_code,
    joined,
    lang,
    localized_field,
)
from core.models import Status, published_at, status_derived_expression, status_expression
from projects.models import Project, ProjectParticipant
from reference.models import Role


def participant_cells(through, key, **lookups):
    """'Sida (Funding); SALAR International (Implementing)' and the organisations of one
    role, published organisations only."""
    published = {**published_at("organisation"), **lookups}
    return joined(
        through,
        key,
        Concat(
            localized_field("name", "organisation__"),
            Value(" ("),
            choice_label("role", Role.choices),
            Value(")"),
        ),
        "position",
        **published,
    )


def project_dataset():
    name, title = f"name_{lang()}", f"title_{lang()}"
    countries, goals, themes, sources = (
        Project.countries.through,
        Project.goals.through,
        Project.themes.through,
        Project.sources.through,
    )
    role_names = {
        role: joined(
            ProjectParticipant,
            "project_id",
            localized_field("name", "organisation__"),
            "position",
            role=role,
            **published_at("organisation"),
        )
        for role in (Role.FUNDING, Role.IMPLEMENTING)
    }
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("slug", "slug"),
            Column("title_sv", "title_sv"),
            Column("title_en", "title_en"),
            Column("summary_sv", "summary_sv"),
            Column("status", "x_status"),
            Column("status_label", "x_status_label"),
            Column("status_derived_from_dates", "x_status_derived"),
            Column("start_date", "start_date", "date"),
            Column("start_precision", "start_precision"),
            Column("end_date", "end_date", "date"),
            Column("end_precision", "end_precision"),
            Column("budget_sek", "budget_sek", "number"),
            Column("country_codes", "x_country_codes"),
            Column("country_names", "x_country_names"),
            Column("goal_numbers", "x_goal_numbers"),
            Column("goal_titles", "x_goal_titles"),
            Column("theme_slugs", "x_theme_slugs"),
            Column("theme_names", "x_theme_names"),
            Column("programme", f"programme__{name}"),
            Column("participants", "x_participants"),
            Column("funding_organisations", "x_funding"),
            Column("implementing_organisations", "x_implementing"),
            Column("sources", "x_sources"),
            Column("url", "slug", "url", "projects:project-detail"),
            Column("updated_at", "updated_at", "datetime"),
        ],
        annotations={
            "x_status": status_expression(),
            "x_status_label": choice_label("x_status", Status.choices),
            "x_status_derived": status_derived_expression(),
            "x_country_codes": joined(countries, "project_id", "country_id", "country_id"),
            "x_country_names": joined(countries, "project_id", f"country__{name}", "country_id"),
            "x_goal_numbers": joined(goals, "project_id", goal_code(), "goal_id"),
            "x_goal_titles": joined(goals, "project_id", f"goal__{title}", "goal_id"),
            "x_theme_slugs": joined(themes, "project_id", "theme__slug", "theme_id"),
            "x_theme_names": joined(themes, "project_id", f"theme__{name}", "theme_id"),
            "x_participants": participant_cells(ProjectParticipant, "project_id"),
            "x_funding": role_names[Role.FUNDING],
            "x_implementing": role_names[Role.IMPLEMENTING],
            "x_sources": joined(sources, "project_id", "source__title", "source_id"),
        },
    )
