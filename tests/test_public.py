"""The public pages through HTTP: filters, facet counts, bad input, languages, drafts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Publication
from tests.conftest import make_municipality, make_partnership, make_project

pytestmark = pytest.mark.django_db


def titles(response):
    return {obj.title_sv for obj in response.context["object_list"]}


def test_projects_in_kenya_include_symbiocity(client, seeded):
    response = client.get("/projekt/", {"country": "KE"})
    assert titles(response) == {"SymbioCity Kenya"}


def test_goal_13_gives_the_bolivia_climate_project(client, seeded):
    response = client.get("/projekt/", {"goal": "13"})
    assert titles(response) == {"Städers klimatanpassning i Bolivia"}


def test_country_and_goal_combine_with_and_and_repeats_with_or(client, seeded):
    assert titles(client.get("/projekt/?country=KE&country=CO&goal=11")) == {
        "SymbioCity Kenya",
        "SymbioCity Colombia",
    }
    assert titles(client.get("/projekt/?country=KE&goal=13")) == set()
    # lower case codes are accepted too
    assert titles(client.get("/projekt/?country=ke")) == {"SymbioCity Kenya"}


def test_theme_status_year_and_search(client, seeded):
    assert titles(client.get("/projekt/?theme=gender-equality")) == {
        "Jämställdhetsgrupper i nationella kommunförbund"
    }
    make_project("avslutat", title_sv="Avslutat projekt", start_year=2010, end_year=2012)
    assert "Avslutat projekt" in titles(client.get("/projekt/?status=completed"))
    assert "Avslutat projekt" not in titles(client.get("/projekt/?status=ongoing"))
    # Stated by the source (SKR, November 2019): ongoing.
    assert "SymbioCity Kenya" in titles(client.get("/projekt/?status=ongoing"))
    assert titles(client.get("/projekt/?year=2011")) == {"Avslutat projekt"}
    assert titles(client.get("/projekt/?year=2016")) == set()
    assert "Städers klimatanpassning i Bolivia" in titles(client.get("/projekt/?q=klimat"))
    assert "Städers klimatanpassning i Bolivia" in titles(client.get("/en/projects/?q=climate"))


def test_facet_counts_follow_the_other_filters(client, seeded):
    response = client.get("/projekt/?goal=11")
    countries = {
        value: count for value, _label, count, _sel in response.context["facets"]["country"]
    }
    assert countries["KE"] == 1 and countries["CO"] == 1 and countries["MM"] == 1
    assert countries.get("IQ", 0) == 0
    goals = {value: count for value, _label, count, _sel in response.context["facets"]["goal"]}
    # the goal facet ignores the goal filter itself, so other goals stay choosable
    assert goals["13"] == 1 and goals["11"] == 3
    body = response.content.decode()
    assert 'value="KE"' in body and "(1)" in body


def test_partnerships_filter_by_municipality_and_year(client, seeded, goals):
    borlange = make_municipality("Testkommun", code=None)
    make_partnership(
        "borlange-nakuru",
        country="KE",
        participants=[borlange],
        goals=[goals[11]],
        start_year=2016,
        end_year=2018,
        grants=[(2016, 400_000, 3)],
    )
    make_partnership("other", country="CN", goals=[goals[13]], start_year=2020, end_year=2021)
    assert titles(client.get("/partnerskap/?municipality=testkommun")) == {"Borlange Nakuru"}
    assert titles(client.get("/partnerskap/?year=2017")) == {"Borlange Nakuru"}
    assert titles(client.get("/partnerskap/?country=KE&goal=11")) == {"Borlange Nakuru"}
    assert titles(client.get("/partnerskap/?country=CN")) == {"Other"}
    municipality_page = client.get("/kommuner/testkommun/")
    assert "Borlange Nakuru" in municipality_page.content.decode()
    assert "400\u00a0000" in municipality_page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "goal=99",
        "year=abc",
        "year=99999999999999999999999",
        "page=999999",
        "page=abc",
        "page=-3",
        "q=a%00b",
        "q=" + "x" * 10_000,
        "theme=%00",
        "theme=no-such-theme",
        "status=sleeping",
        "sort=evil",
        "unknown=1&foo=%00",
        "country=K%00E",
        "municipality=%00&municipality=nowhere",
    ],
)
@pytest.mark.parametrize("path", ["/projekt/", "/partnerskap/", "/kommuner/", "/en/projects/"])
def test_bad_filter_values_never_give_a_server_error(client, seeded, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200


def test_bad_values_are_reported_on_the_page(client, seeded):
    body = client.get("/projekt/?country=ZZ&goal=99&page=999999").content.decode()
    assert "Några av filtren kunde inte användas" in body
    assert "ZZ" in body and "99" in body
    assert "Det finns ingen sida 999999" in body
    assert client.get("/projekt/?country=ZZ").context["object_list"].__len__() == 0


def test_drafts_never_reach_the_public(client, seeded):
    make_project(
        "secret-draft", countries=["KE"], publication=Publication.DRAFT, title_sv="Hemligt utkast"
    )
    assert "Hemligt utkast" not in titles(client.get("/projekt/?country=KE"))
    assert client.get("/projekt/secret-draft/").status_code == 404
    assert "Hemligt utkast" not in client.get("/lander/ke/").content.decode()
    facets = client.get("/projekt/").context["facets"]["country"]
    assert dict((v, c) for v, _l, c, _s in facets)["KE"] == 1


def test_pages_that_do_not_exist_answer_404(client, seeded):
    """The pages that exist are walked in both languages by test_site_pages.py."""
    assert client.get("/mal/18/").status_code == 404
    assert client.get("/lander/zz/").status_code == 404


def test_language_switch_keeps_the_filters(client, seeded):
    body = client.get("/projekt/?country=KE&goal=11").content.decode()
    assert 'href="/en/projects/?country=KE&amp;goal=11"' in body
    english = client.get("/en/projects/?country=KE&goal=11").content.decode()
    assert "Projects" in english and 'href="/projekt/?country=KE&amp;goal=11"' in english


def test_pagination_keeps_filters(client, goals):
    for i in range(25):
        make_project(f"p{i:02}", countries=["KE"], goals=[goals[11]])
    body = client.get("/projekt/?country=KE").content.decode()
    assert 'href="?country=KE&amp;page=2"' in body
    assert len(client.get("/projekt/?country=KE&page=2").context["object_list"]) == 5


def build_records(n, goals, themes):
    municipality = make_municipality(f"Kommun {n}")
    for i in range(n):
        make_project(
            f"project-{n}-{i}",
            countries=["KE", "CO"],
            goals=[goals[11], goals[13]],
            themes=[themes["gender-equality"]],
            start_year=2015,
            end_year=2018,
        )
        make_partnership(
            f"partnership-{n}-{i}",
            country="KE",
            participants=[municipality],
            goals=[goals[11]],
            themes=[themes["citizen-dialogue"]],
            start_year=2016,
            end_year=2017,
            grants=[(2016, 300_000, 2)],
        )


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# Absolute numbers, pinned: a change that adds a query to a page shows here.
LIST_QUERIES = [
    # the partnerships' count, SEK, countries and goals from their tallies, read once
    # (partnerships/tallies.py: 11 before)
    ("/", 9),
    ("/projekt/", 14),  # + the facet of unstated facts
    # a facet whose parameter is not given reads the list's own FilterSet (no second one
    # to validate the others' values again): 21 and 24 queries before
    # the SDG goals are read once per request (reference.filters.sdg_goals) for the goal
    # filter's ids, the goal facet's numbers and its options: 19 before
    ("/projekt/?country=KE&goal=11&theme=gender-equality&year=2016&q=project", 18),
    ("/en/projects/?sort=-title", 14),
    # + the rounds the sources state (none here); seven facets read the tallies of all
    # published partnerships, in one query, and the organisations' slugs (17 before)
    ("/partnerskap/", 13),
    ("/partnerskap/?country=KE&municipality=kommun-5", 18),
    ("/kommuner/", 11),
    ("/kommuner/?goal=11", 11),  # the goals read once for filter and facet (12 before)
    # + the widget's subject (embed box), the goal ids; the partnerships' count, years and
    # SEK by year from the tallies within the goal or country, in one query (14 before)
    ("/mal/11/", 13),
    ("/lander/ke/", 13),  # + the rounds that name the country, the widget's subject
    ("/mal/", 4),
    ("/lander/", 3),
]


@pytest.mark.parametrize("url,expected", LIST_QUERIES)
def test_query_count_does_not_grow_with_rows(client, goals, themes, url, expected):
    build_records(5, goals, themes)
    few = query_count(client, url)
    build_records(60, goals, themes)
    many = query_count(client, url)
    assert few == many == expected


def test_detail_query_count_is_constant(client, goals, themes):
    build_records(3, goals, themes)
    few = [
        query_count(client, "/kommuner/kommun-3/"),
        query_count(client, "/projekt/project-3-0/"),
        query_count(client, "/partnerskap/partnership-3-0/"),
    ]
    build_records(40, goals, themes)
    many = [
        query_count(client, "/kommuner/kommun-40/"),
        query_count(client, "/projekt/project-40-0/"),
        query_count(client, "/partnerskap/partnership-40-0/"),
    ]
    # The municipality: + the widget's subject (embed box); the records: + what is unstated;
    # all three: + their corrections (corrections.selectors.corrections_of); the
    # partnership: + who decided and funded each grant.
    assert few == many == [10, 9, 9]


def test_staff_preview_a_draft_with_a_banner(client, staff_user, seeded):
    make_project(
        "utkast", countries=["KE"], publication=Publication.DRAFT, title_sv="Utkastprojekt"
    )
    assert client.get("/projekt/utkast/").status_code == 404
    client.force_login(staff_user)
    response = client.get("/projekt/utkast/")
    assert response.status_code == 200
    assert "Förhandsvisning: uppgiften är inte publicerad" in response.content.decode()
    # Lists and exports still show only what the public sees.
    assert "Utkastprojekt" not in titles(client.get("/projekt/"))
    assert "Förhandsvisning" not in client.get("/projekt/symbiocity-kenya/").content.decode()


def test_unpublished_records_disappear(client, editor, seeded):
    from projects.models import Project

    Project.objects.filter(slug="symbiocity-kenya").unpublish(user=editor)
    # Gone: 410 with its title only (core/formeraddresses.py).
    assert client.get("/projekt/symbiocity-kenya/").status_code == 410
    assert titles(client.get("/projekt/?country=KE")) == set()
    assert Project.objects.get(slug="symbiocity-kenya").history.first().publication == "unpublished"


def test_cached_facet_counts_follow_changes(client, seeded, settings):
    from django.core.cache import cache

    settings.FACET_CACHE_SECONDS = 60
    cache.clear()
    client.cookies["sessionid"] = "no-such-session"  # past the whole-page cache, to the facets

    def kenya_count():
        facets = client.get("/projekt/").context["facets"]["country"]
        return dict((v, c) for v, _l, c, _s in facets).get("KE", 0)

    assert kenya_count() == 1
    assert kenya_count() == 1  # served from the cache
    make_project("ny-i-kenya", countries=["KE"])
    assert kenya_count() == 2


def test_public_page_cache_serves_anonymous_visitors_and_follows_changes(client, seeded, settings):
    from django.core.cache import cache

    settings.FACET_CACHE_SECONDS = 60
    cache.clear()
    client.get("/projekt/?country=KE")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/projekt/?country=KE").content.decode()
    register = [q for q in ctx.captured_queries if "register_cache" not in q["sql"]]
    assert register == [] and "SymbioCity Kenya" in body  # only the cache's own queries
    make_project("ny-i-kenya", countries=["KE"], title_sv="Nytt projekt i Kenya")
    assert "Nytt projekt i Kenya" in client.get("/projekt/?country=KE").content.decode()


def test_logged_in_users_bypass_the_page_cache(client, staff_user, seeded, settings):
    from django.core.cache import cache

    settings.FACET_CACHE_SECONDS = 60
    cache.clear()
    client.get("/projekt/")  # cached for anonymous visitors, without export links
    client.force_login(staff_user)
    assert "export.csv" in client.get("/projekt/").content.decode()


@pytest.mark.parametrize("url", ["/projekt/", "/partnerskap/"])
def test_a_text_search_lists_its_matches_by_title_either_way(client, seeded, url):
    """The matches of ?q= are ordered by an expression of the title (core.filters.unindexed)
    rather than by the title's index: the order a reader sees is still A-Z, or Z-A."""
    make = make_project if url == "/projekt/" else make_partnership
    for n, title in enumerate(["Öresund vattenrening", "Aalborg vattenverk", "Borås vatten"]):
        make(f"vatten-{n}", title_sv=title)
    listed = client.get(url, {"q": "vatten"}).context["object_list"]
    names = [record.title_sv for record in listed if record.slug.startswith("vatten-")]
    assert names == ["Aalborg vattenverk", "Borås vatten", "Öresund vattenrening"]
    listed = client.get(url, {"q": "vatten", "sort": "-title"}).context["object_list"]
    names = [record.title_sv for record in listed if record.slug.startswith("vatten-")]
    assert names == ["Öresund vattenrening", "Borås vatten", "Aalborg vattenverk"]
