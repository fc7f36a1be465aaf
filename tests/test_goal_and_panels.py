"""Goal pages explain their goal; badges and tiles speak plainly; country, goal,
municipality and programme pages carry a statistics panel of their own filter; the
programme is a filter like the others."""

import re
from datetime import date

import pytest

from projects.models import Project
from reference.models import Goal, Organisation, Programme
from tests.conftest import english, make_municipality, make_partnership

pytestmark = pytest.mark.django_db


def visible_text(html):
    html = re.sub(r'<span class="visually-hidden">.*?</span>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def records_block(page):
    """The list of results (up to the end of the main content)."""
    return page[page.index('<ul class="records">') : page.index("</main>")]


def test_goal_page_gives_the_official_goal_and_links_to_it(seeded, client):
    swedish = client.get("/mal/11/").content.decode()
    assert "Göra städer och bosättningar inkluderande, säkra, motståndskraftiga och hållbara" in (
        swedish
    )
    assert 'href="https://sdgs.un.org/goals/goal11"' in swedish
    english_page = client.get("/en/goals/11/").content.decode()
    assert "Make cities and human settlements inclusive, safe, resilient and sustainable" in (
        english_page
    )


def test_goal_badges_show_the_goals_title(seeded, client):
    page = client.get("/projekt/?country=KE").content.decode()
    records = visible_text(records_block(page))
    assert "Hållbara städer och samhällen" in records


def test_goal_tiles_count_projects_and_partnerships_in_plain_words(seeded, client):
    page = visible_text(client.get("/mal/").content.decode())
    assert not re.search(r"\bposter?\b", page)
    assert re.search(r"Hållbara städer och samhällen 3 projekt\b", page)
    assert "Inget registrerat ännu" in page  # goal 1 has nothing


def test_country_page_names_no_bare_codes(seeded, client):
    page = visible_text(client.get("/lander/ke/").content.decode())
    assert "ISO KE" not in page and "Afrika" in page


@pytest.fixture
def dated(seeded):
    """The seeds state no dates or grants: one dated project and one partnership with a
    grant give the panels years to show."""
    Project.objects.filter(slug="symbiocity-kenya").update(start_date=date(2019, 1, 1))
    return make_partnership(
        "borlange-kisumu-test",
        country="KE",
        participants=[Organisation.objects.get(slug="borlange")],
        goals=[Goal.objects.get(framework="sdg", number=11)],
        programme=Programme.objects.get(slug="kommunala-partnerskap"),
        grants=[(2021, 400_000, 2)],
        start_year=2021,
        end_year=2022,
    )


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/lander/ke/", "country=KE"),
        ("/mal/11/", "goal=11"),
        ("/kommuner/borlange/", "municipality=borlange"),
        ("/program/symbiocity/", "programme=symbiocity"),
    ],
)
def test_record_pages_have_a_statistics_panel_of_their_filter(dated, client, path, query):
    for address in (path, english(path)):
        page = client.get(address).content.decode()
        panel = re.search(r'<section class="stats-panel".*?</section>', page, re.S)
        assert panel, address
        assert "<svg" in panel.group(0) and "<table" in panel.group(0)
        assert f"?{query}" in panel.group(0)  # the link to the whole statistics


def test_kenya_by_year_in_the_panel_equals_the_statistics_page(dated, client):
    panel = client.get("/lander/ke/").content.decode()
    statistics = client.get("/statistik/?country=KE").content.decode()
    row = re.compile(r"<th scope=\"row\">(?:<a [^>]*>)?2021(?:</a>)?</th>(.*?)</tr>", re.S)
    assert row.search(panel) and row.search(statistics)
    assert row.search(panel).group(1) == row.search(statistics).group(1)
    assert "800\u00a0000" in row.search(panel).group(1) or "800 000" in row.search(panel).group(1)


def test_a_page_without_dated_records_says_so_in_its_panel(seeded, client):
    page = client.get("/lander/ua/").content.decode()
    panel = re.search(r'<section class="stats-panel".*?</section>', page, re.S).group(0)
    assert "<svg" not in panel and "?country=UA" in panel


def test_programme_is_a_filter_of_the_lists_and_statistics(seeded, client):
    projects = client.get("/projekt/?programme=symbiocity").content.decode()
    records = records_block(projects)
    assert "SymbioCity Kenya" in records and "Bolivia" not in records
    count = len(re.findall(r'<li class="record">', records))
    assert count == 3
    statistics = client.get("/statistik/?programme=symbiocity").content.decode()
    assert re.search(rf'<span class="figure">{count}</span> projekt', statistics)
    unknown = client.get("/projekt/?programme=finns-inte")
    assert unknown.status_code == 200 and "finns-inte" in unknown.content.decode()


def test_the_api_takes_the_programme_filter_and_documents_it(seeded, client):
    body = client.get("/api/v1/projects?programme=symbiocity").json()
    assert body["count"] == 3
    schema = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/projects"]["get"]["parameters"]}
    assert "programme" in names


def test_country_list_and_map_count_in_plain_words(seeded, client):
    page = client.get("/en/countries/").content.decode()
    assert 'aria-label="Kenya: 1 project"' in page
    assert "1 projects" not in page and "0 partnerships" not in page


def test_home_has_no_zero_as_a_headline_figure(seeded, client):
    page = client.get("/").content.decode()
    assert '<span class="figure">0</span>' not in page
    assert "32" in page  # what the round's announcement states is there instead


def test_programme_page_lists_its_goals_once(seeded, client):
    page = visible_text(client.get("/en/programmes/millenniekommun/").content.decode())
    assert page.count("Eradicate extreme poverty and hunger") == 1


def test_amounts_are_written_as_each_language_writes_numbers(dated, client):
    swedish = client.get("/kommuner/borlange/").content.decode()
    english_page = client.get("/en/municipalities/borlange/").content.decode()
    assert "400\u00a0000" in swedish and "400,000" not in swedish
    assert "400,000" in english_page


def test_home_counts_the_countries_of_published_records(seeded, client):
    import re

    from tests.conftest import make_partnership

    def figure():
        page = client.get("/en/").content.decode()
        return int(re.search(r'<span class="figure">(\d+)</span> countries', page).group(1))

    shown = figure()
    make_partnership("utkast-i-nya-zeeland", country="NZ", publication="draft")
    assert figure() == shown  # a draft's country is not counted
    make_partnership("i-nya-zeeland", country="NZ")
    assert figure() == shown + 1


def facet(response, name):
    return {value: count for value, _label, count, _sel in response.context["facets"][name]}


def test_goal_facets_and_statistics_count_global_goals_by_number_and_no_mdg(client, seeded, goals):
    """Every goal facet counts the links to SDG goals by the goal's number, and a link to
    a Millennium Development Goal of the same number counts nowhere (the facets count by
    goal id and name the ids by number)."""
    from django.http import QueryDict

    from pages.statistics import statistics

    mdg = Goal.objects.get_or_create(framework="mdg", number=7, defaults={"title_sv": "MDG 7"})[0]
    town = make_municipality("Testkommun")
    make_partnership(
        "sju-och-elva",
        country="KE",
        participants=[town],
        goals=[goals[7], goals[11], mdg],
        grants=[(2016, 100_000, 2)],
    )
    make_partnership("bara-mdg", country="KE", participants=[town], goals=[mdg])
    partnerships = facet(client.get("/partnerskap/?country=KE"), "goal")
    assert partnerships["7"] == 1 and partnerships["11"] >= 1
    municipalities = facet(client.get("/kommuner/?country=KE"), "goal")
    assert municipalities["7"] == 1  # the town once, for its one partnership under SDG 7
    table = next(t for t in statistics(QueryDict("country=KE"))["tables"] if t["key"] == "goal")
    seven = next(row for row in table["rows"] if row["label"].startswith("7. "))
    assert seven["values"]["partnerships"] == 1
    assert seven["values"]["sek"] == 200_000
