"""An empty filter parameter (?theme=, as a form sends a field left empty) is no
parameter in every output that reads the filters, as on the lists, which move to the
address without it: the statistics, the API, the feeds and the open data select what
they select without it, with no notice. Before, the choice fields refused "" as an
unknown option ("Välj ett giltigt alternativ.  finns inte …") and selected nothing, or
answered 400. An unknown value still gets its notice."""

import pytest
from django.http import QueryDict

from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.models import Organisation
from tests.conftest import make_partnership, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(seeded):
    borlange = Organisation.objects.get(slug="borlange")
    make_partnership("a", country="KE", participants=[borlange], title_sv="Kenyapartnerskapet")
    make_partnership("b", country="TZ", title_sv="Tanzaniapartnerskapet")
    make_project("p", countries=["KE"])


def chosen(filterset_class, model, query):
    filterset = filterset_class(QueryDict(query), queryset=model.objects.published())
    return filterset, set(filterset.qs.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("filterset_class", "model", "query"),
    [
        (PartnershipFilterSet, Partnership, "theme=&programme=&municipality="),
        (PartnershipFilterSet, Partnership, "theme=&country=KE"),
        (ProjectFilterSet, Project, "theme=&programme="),
    ],
)
def test_an_empty_slug_parameter_selects_what_no_parameter_selects(
    records, filterset_class, model, query
):
    filterset, slugs = chosen(filterset_class, model, query)
    without = "&".join(part for part in query.split("&") if not part.endswith("="))
    assert filterset.is_valid(), filterset.errors
    assert slugs == chosen(filterset_class, model, without)[1]
    assert slugs  # the fixture's records, not an empty selection


def test_dict_data_loses_its_empty_values_too(records):
    filterset = PartnershipFilterSet(
        {"theme": "", "goal": [], "country": ["KE", ""]},
        queryset=Partnership.objects.published(),
    )
    assert filterset.is_valid(), filterset.errors
    assert set(filterset.qs.values_list("slug", flat=True)) == {"a"}


def test_the_statistics_read_an_empty_parameter_as_none(client, records):
    with_empty = client.get("/statistik/?theme=&programme=&country=KE&goal=")
    plain = client.get("/statistik/?country=KE")
    assert with_empty.status_code == 200
    assert "giltigt alternativ" not in with_empty.content.decode()
    assert with_empty.context["totals"] == plain.context["totals"]
    assert with_empty.context["totals"]["partnerships"] == 1


def test_a_value_of_spaces_is_no_value_in_the_statistics_either(client, records):
    """?municipality=%20 is no parameter to the FilterSets, so it does not leave the
    projects out of the figures as a partnerships-only filter would, nor show as a
    filter in words."""
    spaced = client.get("/statistik/?municipality=%20&country=KE")
    plain = client.get("/statistik/?country=KE")
    assert spaced.context["totals"] == plain.context["totals"]
    assert spaced.context["totals"]["projects"] > 0  # the projects stay in the figures
    assert spaced.context["lists"] == plain.context["lists"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/partnerships?theme=&country=KE", "/partnerskap/feed/?municipality=&country=KE"],
)
def test_the_api_and_the_feed_answer_an_empty_parameter(client, records, path):
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    assert "giltigt alternativ" not in content
    assert "Kenyapartnerskapet" in content
    assert "Tanzaniapartnerskapet" not in content


def test_an_unknown_slug_is_still_refused(records):
    filterset, _slugs = chosen(PartnershipFilterSet, Partnership, "theme=&municipality=nowhere")
    assert not filterset.is_valid()
    assert "municipality" in filterset.errors
