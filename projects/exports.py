from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat
from django.utils.translation import get_language

from core.exports import Column, Dataset, as_text, joined
from core.models import Status
from projects.models import Project


def lang():
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def choice_label(field, choices):
    """The label of a choice in the active language, computed in the database."""
    return Case(
        *[When(**{field: k}, then=Value(str(label))) for k, label in choices], default=Value("")
    )


def goal_code(prefix=""):
    """SDGs as their number, Millennium goals as MDG1…MDG8."""
    return Case(
        When(
            **{f"{prefix}goal__framework": "mdg"},
            then=Concat(Value("MDG"), as_text(F(f"{prefix}goal__number"))),
        ),
        default=as_text(F(f"{prefix}goal__number")),
    )


def project_dataset():
    name = f"name_{lang()}"
    title = f"title_{lang()}"
    countries, goals, themes = (
        Project.countries.through,
        Project.goals.through,
        Project.themes.through,
    )
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("slug", "slug"),
            Column("title_sv", "title_sv"),
            Column("title_en", "title_en"),
            Column("summary_sv", "summary_sv"),
            Column("status", "status"),
            Column("status_label", "x_status_label"),
            Column("start_year", "start_year", "number"),
            Column("end_year", "end_year", "number"),
            Column("country_codes", "x_country_codes"),
            Column("country_names", "x_country_names"),
            Column("goal_numbers", "x_goal_numbers"),
            Column("goal_titles", "x_goal_titles"),
            Column("theme_slugs", "x_theme_slugs"),
            Column("theme_names", "x_theme_names"),
            Column("programme", f"programme__{name}"),
            Column("implementer", f"implementer__{name}"),
            Column("funder", f"funder__{name}"),
            Column("url", "slug", "url", "projects:project-detail"),
            Column("updated_at", "updated_at", "datetime"),
        ],
        annotations={
            "x_status_label": choice_label("status", Status.choices),
            "x_country_codes": joined(countries, "project_id", "country_id", "country_id"),
            "x_country_names": joined(countries, "project_id", f"country__{name}", "country_id"),
            "x_goal_numbers": joined(goals, "project_id", goal_code(), "goal_id"),
            "x_goal_titles": joined(goals, "project_id", f"goal__{title}", "goal_id"),
            "x_theme_slugs": joined(themes, "project_id", "theme__slug", "theme_id"),
            "x_theme_names": joined(themes, "project_id", f"theme__{name}", "theme_id"),
        },
    )
