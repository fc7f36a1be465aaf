"""The public address of the records whose pages live in a higher layer than their models
(Django's ABSOLUTE_URL_OVERRIDES, in the settings): goals, countries, organisations and
programmes are reference data, grant rounds belong to the partnerships, but their pages
are the site's own (pages/) or the partnerships'. The project, which knows every layer,
says where they are, so no model reverses the URL names of a layer above it."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Goal and country addresses, reversed once per process and address space: a country
# page lists hundreds of links to a few dozen goals and countries, and reverse() is the
# larger part of its template time. An address depends only on the URL configuration,
# the script prefix and the active language (the /en/ prefix and the English path
# words), which are all in the key; the entries are bounded by goals and countries
# times languages and hold nothing another process needs.
_addresses = {}


@receiver(setting_changed)
def _forget_addresses(**kwargs):
    _addresses.clear()


def _memoised(name, arg, make):
    key = (name, arg, get_language(), get_script_prefix(), get_urlconf())
    try:
        return _addresses[key]
    except KeyError:
        address = _addresses[key] = make()
        return address


def goal(goal):
    if goal.is_sdg:
        return _memoised(
            "goal", goal.number, lambda: reverse("pages:goal-detail", args=[goal.number])
        )
    return _memoised("goal-list", None, lambda: reverse("pages:goal-list")) + f"#mdg-{goal.number}"


def country(country):
    code = country.code.lower()
    return _memoised("country", code, lambda: reverse("pages:country-detail", args=[code]))


def organisation(organisation):
    if organisation.is_swedish_local:
        return reverse("partnerships:municipality-detail", args=[organisation.slug])
    return reverse("pages:organisation-detail", args=[organisation.slug])


def programme(programme):
    return reverse("pages:programme-detail", args=[programme.slug])


def grant_round(grant_round):
    return reverse("pages:round-detail", args=[grant_round.slug])


OVERRIDES = {
    "reference.goal": goal,
    "reference.country": country,
    "reference.organisation": organisation,
    "reference.programme": programme,
    "partnerships.grantround": grant_round,
}
