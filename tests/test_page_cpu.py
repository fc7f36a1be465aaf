"""What the per-page shortcuts of issue #23 (point 3) must never change: goal and country
addresses reversed once per process are those of the page's language, and the facet
counts a list takes from its one FilterSet are those a FilterSet per facet gave, at once
after a record is published."""

import re

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from core.models import Publication
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.models import Country, Goal
from tests.conftest import make_partnership

pytestmark = pytest.mark.django_db


def hrefs(response, pattern):
    return set(re.findall(rf'href="({pattern})"', response.content.decode()))


def test_goal_and_country_links_follow_the_page_language(seeded, client):
    """The memo of goal and country addresses is keyed by language: the English page of a
    country links to English goal and country addresses, the Swedish one (asked for
    before and after it) to Swedish ones, never the other's."""
    swedish = r"/(?:mal|lander)/[^\"]+"
    english = r"/en/(?:goals|countries)/[^\"]+"
    # (page, its links' pattern, the other language's, the one link there may be to the
    # other language: the page's own translation, in the language switch)
    for path, own, other, switch in [
        ("/lander/ke/", swedish, english, "/en/countries/ke/"),
        ("/en/countries/ke/", english, swedish, "/lander/ke/"),
        ("/lander/ke/", swedish, english, "/en/countries/ke/"),
        ("/en/goals/11/", english, swedish, "/mal/11/"),
        ("/mal/11/", swedish, english, "/en/goals/11/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert hrefs(response, own), path
        assert hrefs(response, other) <= {switch}, path
    with translation.override("en"):
        assert Goal.objects.get(framework="sdg", number=11).get_absolute_url() == "/en/goals/11/"
        assert Country.objects.get(code="KE").get_absolute_url() == "/en/countries/ke/"
    with translation.override("sv"):
        assert Goal.objects.get(framework="sdg", number=11).get_absolute_url() == "/mal/11/"
        assert Country.objects.get(code="KE").get_absolute_url() == "/lander/ke/"


class OneFilterSetPerFacet:
    """The facets as they were computed before: a new FilterSet for every facet."""

    def queryset_without(self, name):
        data = self.data.copy() if self.data is not None else {}
        if hasattr(data, "pop"):
            data.pop(name, None)
        other = type(self)(data or None, queryset=self.queryset, request=self.request)
        if other.is_bound:
            other.errors  # noqa: B018
        return other.qs


QUERIES = [
    "",
    "country=KE",
    "country=KE&goal=11",
    "goal=11&year=2016&sort=-start",
    "country=ZZ&goal=11",  # an invalid value is ignored by the other facets
    "year=abc",
    "q=kenya",
    "country=KE&goal=11&theme=gender-equality&year=2016&q=project",
    "country=KE&municipality=borlange",
    "municipality=borlange&goal=11",
    "status=ongoing&theme=nope",
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    ("filterset_class", "model"),
    [(PartnershipFilterSet, Partnership), (ProjectFilterSet, Project)],
)
def test_facets_from_one_filterset_are_those_of_one_per_facet(
    seeded, filterset_class, model, query, language
):
    request = RequestFactory().get(f"/?{query}")
    # An empty QueryDict, as a list's address without parameters gives
    data = QueryDict(query)
    old_class = type("Old", (OneFilterSetPerFacet, filterset_class), {})
    with translation.override(language):
        new = filterset_class(data, queryset=model.objects.published(), request=request)
        old = old_class(data, queryset=model.objects.published(), request=request)
        assert new._compute_facets() == old._compute_facets()
        if not query:
            unbound = filterset_class(None, queryset=model.objects.published(), request=request)
            assert unbound._compute_facets() == old._compute_facets()


def test_a_published_partnership_counts_in_the_facets_at_once(seeded, client):
    def kenya_count(path):
        facets = client.get(path).context["facets"]
        return dict((value, n) for value, _label, n, _s in facets["country"]).get("KE", 0)

    before = kenya_count("/partnerskap/")
    before_filtered = kenya_count("/partnerskap/?goal=11")
    record = make_partnership("new-in-kenya", country="KE", publication=Publication.DRAFT, goals=[])
    assert kenya_count("/partnerskap/") == before  # drafts never count
    record.publication = Publication.PUBLISHED
    record.save()
    assert kenya_count("/partnerskap/") == before + 1
    assert kenya_count("/partnerskap/?goal=11") == before_filtered  # not linked to goal 11
