from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def goal_badges(goals):
    """The goals of a record as chips, each SDG linking to its page (a Millennium goal
    has none): {% goal_badges record.goals.all %}; nothing when there are none."""
    goals = list(goals)
    if not goals:
        return ""
    chips = []
    for goal in goals:
        if goal.is_sdg:
            chips.append(
                format_html(
                    '<li><a class="goal-chip" href="{}"><span class="goal-badge goal-{}">'
                    '<span class="visually-hidden">{} </span>{}</span> '
                    '<span class="goal-chip-title">{}</span></a></li>',
                    goal.get_absolute_url(),
                    goal.number,
                    gettext("Goal"),
                    goal.number,
                    goal.title,
                )
            )
        else:
            chips.append(
                format_html(
                    '<li class="goal-chip"><span class="goal-badge mdg">{} {}</span> '
                    '<span class="goal-chip-title">{}</span></li>',
                    gettext("MDG"),
                    goal.number,
                    goal.title,
                )
            )
    return format_html(
        '<ul class="goal-badges" aria-label="{}">{}</ul>',
        gettext("Global goals"),
        mark_safe("".join(chips)),
    )
