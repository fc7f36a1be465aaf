"""The public address of the records whose pages live in a higher layer than their models
(Django's ABSOLUTE_URL_OVERRIDES, in the settings): goals, countries, organisations and
programmes are reference data, grant rounds belong to the partnerships, but their pages
are the site's own (pages/) or the partnerships'. The project, which knows every layer,
says where they are, so no model reverses the URL names of a layer above it."""

from django.urls import reverse


def goal(goal):
    if goal.is_sdg:
        return reverse("pages:goal-detail", args=[goal.number])
    return reverse("pages:goal-list") + f"#mdg-{goal.number}"


def country(country):
    return reverse("pages:country-detail", args=[country.code.lower()])


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
