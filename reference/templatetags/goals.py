from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

# A goal's chip by what it is made of (the language, the goal's address, kind, number and
# title), made once a process: a list of 20 records with their goals made some 100 chips,
# each a format_html() of five values, on every request. A goal whose title is edited, or
# an address that changes with the settings, gives a new key, so a chip never outlives
# what it shows.
_CHIPS = {}
_CHIPS_MAX = 1000


@register.simple_tag
def goal_badges(goals):
    """The goals of a record as chips, each SDG linking to its page (a Millennium goal
    has none): {% goal_badges record.goals.all %}; nothing when there are none."""
    goals = list(goals)
    if not goals:
        return ""
    language = get_language()
    chips = []
    for goal in goals:
        address = goal.get_absolute_url()
        key = (language, address, goal.is_sdg, goal.number, str(goal.title))
        chip = _CHIPS.get(key)
        if chip is None:
            chip = _chip(goal, address)
            if len(_CHIPS) < _CHIPS_MAX:
                _CHIPS[key] = chip
        chips.append(chip)
    return format_html(
        '<ul class="goal-badges" aria-label="{}">{}</ul>',
        gettext("Global goals"),
        mark_safe("".join(chips)),
    )


def _chip(goal, address):
    if goal.is_sdg:
        return format_html(
            '<li><a class="goal-chip" href="{}"><span class="goal-badge goal-{}">'
            '<span class="visually-hidden">{} </span>{}</span> '
            '<span class="goal-chip-title">{}</span></a></li>',
            address,
            goal.number,
            gettext("Goal"),
            goal.number,
            goal.title,
        )
    return format_html(
        '<li class="goal-chip"><span class="goal-badge mdg">{} {}</span> '
        '<span class="goal-chip-title">{}</span></li>',
        gettext("MDG"),
        goal.number,
        goal.title,
    )
