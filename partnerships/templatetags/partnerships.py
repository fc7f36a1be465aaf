from django import template

from core.listing import joined, record_item
from reference.templatetags.goals import goal_badges

register = template.Library()


@register.simple_tag
def partnership_item(partnership):
    """A partnership's line in a list (core.listing): its country, Swedish participants,
    status and years. {% partnership_item partnership %} in a loop over for_list()
    records."""
    country = partnership.country
    meta = joined(
        [
            country and country.name,
            # A draft organisation reads as None outside for_list()'s published rows.
            joined([m.name for m in partnership.swedish_participants if m], ", "),
            partnership.get_status_display(),
            partnership.years_display,
        ]
    )
    return record_item(partnership, meta, goal_badges(partnership.goal_list))
