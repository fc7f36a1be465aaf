"""Completeness per record, public (issue #24 point 5): each project and partnership
page says which facts a reader expects the sources do not state, by the same conditions
as the admin's data-quality counts; the about page sums them."""

import re

import pytest

from core.quality import count_checks
from partnerships.quality import CHECKS as PARTNERSHIP_CHECKS
from projects.models import Project, ProjectParticipant
from reference.models import Organisation, Role, Source
from tests.conftest import describable_partnership, make_project

pytestmark = pytest.mark.django_db


def unstated_line(client, path):
    html = client.get(path).content.decode()
    found = re.search(r'<p class="unstated">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_a_project_page_names_what_its_sources_do_not_state(client, seeded, goals):
    make_project("tunn", countries=["KE"])
    assert unstated_line(client, "/projekt/tunn/") == (
        "Anges inte i källorna: engelsk text, period, globala mål, källa, budget, deltagare."
    )
    english = unstated_line(client, "/en/projects/tunn/")
    assert english.startswith("Not stated in the sources: English text, period, global goals")

    full = make_project(
        "full",
        countries=["KE"],
        goals=[goals[11]],
        start_year=2016,
        end_year=2018,
        title_en="Full",
        summary_en="All of it.",
        budget_sek=1_000_000,
    )
    full.sources.add(Source.objects.first())
    ProjectParticipant.objects.create(
        project=full, organisation=Organisation.objects.get(slug="skr"), role=Role.IMPLEMENTING
    )
    assert unstated_line(client, "/projekt/full/") == ""


def test_a_partnership_page_agrees_with_the_admins_counts(client, seeded):
    partnership = describable_partnership("kisumu")
    line = unstated_line(client, "/partnerskap/kisumu/")
    assert "partnerkommun" in line and "bidrag och belopp" not in line
    counts = count_checks(type(partnership).objects.filter(pk=partnership.pk), PARTNERSHIP_CHECKS)
    stated_missing = {c.key for c in PARTNERSHIP_CHECKS if c.fact and counts[c.key]}
    assert len(line.split(":", 1)[1].split(",")) == len(stated_missing)


def test_the_about_page_sums_the_published_records(client, seeded):
    make_project("tunn", countries=["KE"])
    make_project("utkast", publication="draft")
    published = Project.objects.published().count()
    html = client.get("/om-registret/").content.decode()
    table = html.split('id="unstated-projects"')[1].split("</table>")[0]
    assert f"Projekt: {published} publicerade" in table
    budget = re.search(r"<th scope=\"row\">Budget</th><td class=\"num\">(\d+)</td>", table)
    without_budget = Project.objects.published().filter(budget_sek=None, yearly_budgets=None)
    assert int(budget.group(1)) == without_budget.count()


def test_lists_and_the_api_filter_by_an_unstated_fact(client, seeded):
    """The filter `unstated` (issue #24 point 5): the records the page would say it of,
    with the count on the filter panel, on the list, the API and the statistics."""
    make_project("med-budget", countries=["KE"], budget_sek=500_000)
    make_project("utan-budget", countries=["KE"])
    without = set(
        Project.objects.published()
        .filter(budget_sek=None, yearly_budgets=None)
        .values_list("slug", flat=True)
    )
    page = client.get("/projekt/", {"unstated": "budget"})
    assert {p.slug for p in page.context["object_list"]} == without
    assert "utan-budget" in without and "med-budget" not in without
    facet = dict((v, n) for v, _label, n, _sel in page.context["facets"]["unstated"])
    assert facet["budget"] == len(without)
    assert 'name="unstated" value="budget" checked' in page.content.decode()

    api = client.get("/api/v1/projects", {"unstated": "budget", "page_size": 500}).json()
    assert {p["slug"] for p in api["results"]} == without
    assert client.get("/api/v1/projects", {"unstated": "påhittat"}).status_code == 400
    statistics = client.get("/statistik/", {"unstated": "budget"})
    assert "Anges inte i källorna: budget" in statistics.content.decode()
    assert "kunde inte användas" not in statistics.content.decode()  # no notice
    assert statistics.context["totals"]["projects"] == len(without)
    assert statistics.context["totals"]["partnerships"] == 0  # no budget to lack


def test_a_list_says_when_a_fact_does_not_apply_to_its_records(client, seeded):
    """?unstated=budget on the partnerships: none is selected, and the list says why
    rather than look empty for no reason; a fact that applies gives no such notice."""
    page = client.get("/partnerskap/", {"unstated": "budget"})
    assert not page.context["object_list"]
    assert "Budget anges inte för partnerskap" in page.content.decode()
    assert "anges inte för" not in client.get("/projekt/", {"unstated": "budget"}).content.decode()


def test_counts_of_many_records_agree_with_each_record_and_with_any_selection(seeded, goals):
    """count_checks over many records (one scalar count per check) gives, for every check,
    the number of records whose own count (one record at a time) finds it; a selection
    counted by group (records sorted by a count) gives the same, and no selection none."""
    from django.db.models import Count

    from partnerships.models import Partnership

    describable_partnership("kisumu")
    describable_partnership("nakuru").goals.add(goals[11], goals[7])
    many = count_checks(Partnership.objects.all(), PARTNERSHIP_CHECKS)
    one_by_one = {c.key: 0 for c in PARTNERSHIP_CHECKS}
    for partnership in Partnership.objects.all():
        single = Partnership.objects.filter(pk=partnership.pk)
        for key, n in count_checks(single, PARTNERSHIP_CHECKS, many=False).items():
            one_by_one[key] += n
    assert many == one_by_one
    assert many["no-goals"] == Partnership.objects.filter(goals=None).count() >= 1
    grouped = Partnership.objects.annotate(n=Count("grants")).order_by("-n")
    assert count_checks(grouped, PARTNERSHIP_CHECKS) == many
    # Joined to its many goals and made distinct: each record still counts once.
    joined = Partnership.objects.filter(goals__framework="sdg").distinct()
    assert count_checks(joined, PARTNERSHIP_CHECKS)["no-partner"] == joined.count()
    assert set(count_checks(Partnership.objects.none(), PARTNERSHIP_CHECKS).values()) == {0}
