from django import template
from django.utils.html import format_html

from core.listing import joined, record_item
from core.models import localized_html
from reference.templatetags.goals import goal_badges

register = template.Library()


@register.simple_tag
def project_item(project):
    """A project's line in a list (core.listing): its countries, status, years and
    programme. {% project_item project %} in a loop over for_list() records."""
    programme = project.programme
    meta = joined(
        [
            joined([country.name for country in project.country_list], ", "),
            project.get_status_display(),
            project.years_display,
            programme
            and format_html(
                '<a href="{}">{}</a>',
                programme.get_absolute_url(),
                localized_html(programme, "name"),  # lang="sv" where it falls back
            ),
        ]
    )
    return record_item(project, meta, goal_badges(project.goal_list))
