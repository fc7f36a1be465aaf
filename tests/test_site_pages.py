"""The pages that tell the whole story: organisations, programmes, grant rounds, about,
site-wide search and statistics of any filtered view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Grant, GrantRound
from reference.models import Organisation
from tests.conftest import make_municipality, make_partnership, make_project, set_roles
from tests.urlwalk import NOT_FOUND, NOT_OUR_PAGES, make_walk_records, walk_addresses

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk_records(seeded):
    make_walk_records()


def test_every_public_address_answers_in_both_languages_with_one_h1(client, walk_records):
    """Every named public address of the URL resolver (tests/urlwalk.py), as the browser
    walk reads them: HTML pages have one h1 and the language of their address."""
    addresses = walk_addresses()
    assert len(addresses) > 80
    for address in addresses:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)  # the download's slot is freed
        expected = 404 if address in NOT_FOUND else 200
        assert response.status_code == expected, (address, response.status_code)
        if not response["Content-Type"].startswith("text/html") or address in NOT_OUR_PAGES:
            continue
        body = response.content.decode()
        assert body.count("<h1") == 1, address
        language = "en" if address.startswith("/en/") else "sv"
        assert f'<html lang="{language}">' in body, address


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_who_is_icld_and_what_did_its_last_round_fund(client, seeded):
    home = client.get("/")
    assert 'href="/omgangar/icld-32-nya-partnerskap/"' in home.content.decode()
    page = text(client.get("/omgangar/icld-32-nya-partnerskap/"))
    assert "32" in page and "drygt 70" in page and "runt 60" in page
    assert "300 000–500 000 kronor" in page.replace("\u00a0", " ")
    assert "Borlänge" in page and "Region Västernorrland" in page
    assert "Internationellt Centrum för Lokal Demokrati" in page  # decides the grants
    assert "Inga enskilda bidrag i omgången är registrerade ännu" in page
    icld = text(client.get("/organisationer/icld/"))
    assert "Kommunala partnerskap" in icld and "32 nya kommunala partnerskap" in icld


def test_what_was_millenniekommun(client, seeded):
    page = text(client.get("/en/programmes/millenniekommun/"))
    assert "2010–December 2012" in page
    assert "Sveriges Kommuner och Regioner" in page or "Swedish Association" in page
    assert "Swedish International Development Cooperation Agency" in page


def test_former_names_and_identifiers_on_organisation_pages(client, seeded):
    page = text(client.get("/organisationer/salar-international/"))
    assert "SKL International" in page and "SKR International" in page
    assert "Inga registrerade: källorna anger inga." in page


def test_search_groups_results_by_type(client, seeded):
    response = client.get("/sok/", {"q": "SKL International"})
    groups = {key: count for key, _label, _rows, count in response.context["groups"]}
    assert groups["organisations"] == 1
    response = client.get("/sok/", {"q": "SymbioCity"})
    groups = {key: count for key, _label, _rows, count in response.context["groups"]}
    assert groups["projects"] == 3 and groups["programmes"] == 1


def result_items(client, path, query):
    """The search page's result list items as HTML strings."""
    import re

    html = client.get(path, {"q": query}).content.decode()
    return re.findall(r"<li><a href=[^>]*>.*?</li>", html, re.S)


def test_search_results_show_a_passage_with_the_words_marked(client, seeded):
    """Issue #19 point 6: each result shows where the query occurs in its text, marked,
    escaped, in the page's language or marked as Swedish."""
    filler = "Lång inledning om kommunal förvaltning och planering. " * 6
    make_project(
        "nakuru-vatten",
        title_sv="Vatten i staden",
        summary_sv=filler + "Reningsverket i **Nakuru** byggs ut <script>x</script> & mer.",
    )
    (item,) = [i for i in result_items(client, "/sok/", "nakuru") if "nakuru-vatten" in i]
    assert '<p class="snippet">… ' in item  # a passage from the middle of the text
    assert "Reningsverket i <mark>Nakuru</mark> byggs ut" in item
    assert "<script>" not in item and "**" not in item
    assert "&amp; mer" in item and "&amp;amp;" not in item
    (english,) = [i for i in result_items(client, "/en/search/", "nakuru") if "nakuru" in i]
    assert '<p class="snippet" lang="sv">' in english
    # Found by another way (its country's name): the start of its text, nothing marked.
    make_project("utan-ord", countries=["KE"], summary_sv="Ett projekt om avfall.")
    (found,) = [i for i in result_items(client, "/sok/", "Kenya") if "utan-ord" in i]
    assert '<p class="snippet">Ett projekt om avfall.</p>' in found


def search_groups(client, query):
    response = client.get("/sok/", {"q": query})
    return {key: (count, rows) for key, _label, rows, count in response.context["groups"]}


def test_search_finds_countries_goals_rounds_and_records_by_their_country(client, seeded, goals):
    """ "Kenya" finds the country page and the Kenyan partnerships whose texts do not say
    Kenya; a goal by its title; a round by its title (not a draft programme's)."""
    from core.models import Publication
    from reference.models import Programme

    borlange = Organisation.objects.get(slug="borlange")
    make_partnership("borlange-kisumu", country="KE", participants=[borlange], start_year=2016)
    make_partnership("utkast-kisumu", country="KE", publication=Publication.DRAFT)
    groups = search_groups(client, "Kenya")
    count, rows = groups["countries"]
    assert count == 1 and rows[0].get_absolute_url().endswith("/ke/")
    assert "borlange-kisumu" in [r.slug for r in groups["partnerships"][1]]
    assert "utkast-kisumu" not in [r.slug for r in groups["partnerships"][1]]
    assert "Kenya" in client.get("/sok/", {"q": "kenya"}).content.decode()
    count, rows = search_groups(client, goals[11].title_sv)["goals"]
    assert count == 1 and rows[0].number == 11
    grant_round = GrantRound.objects.get()
    assert search_groups(client, grant_round.title_sv)["rounds"][0] == 1
    Programme.objects.filter(pk=grant_round.programme_id).update(publication=Publication.DRAFT)
    assert search_groups(client, grant_round.title_sv)["rounds"][0] == 0


def test_statistics_equal_the_list_counts_for_the_same_filters(client, seeded, goals):
    borlange = Organisation.objects.get(slug="borlange")
    round_ = GrantRound.objects.get()
    for i, (country, year) in enumerate([("KE", 2016), ("KE", 2018), ("BW", 2016)]):
        partnership = make_partnership(
            f"p-{i}",
            country=country,
            participants=[borlange],
            goals=[goals[11]],
            start_year=year,
            end_year=year + 1,
        )
        Grant.objects.create(
            partnership=partnership,
            grant_round=round_ if i == 0 else None,
            year=year,
            amount_sek_per_year=400_000,
            duration_years=2,
        )
    for query in ("", "country=KE", "country=KE&goal=11", "year=2016", "municipality=borlange"):
        stats = client.get(f"/statistik/?{query}").context
        partnerships = client.get(f"/partnerskap/?{query}").context["page_obj"].paginator.count
        projects = client.get(f"/projekt/?{query}").context["page_obj"].paginator.count
        assert stats["totals"]["partnerships"] == partnerships, query
        if "municipality" not in query:
            assert stats["totals"]["projects"] == projects, query
    kenya = client.get("/statistik/?country=KE").context
    assert kenya["totals"]["sek"] == 2 * 800_000
    by_year = next(t for t in kenya["tables"] if t["key"] == "year")
    sek = {row["label"]: row["values"]["sek"] for row in by_year["rows"]}
    assert sek["2016"] == 800_000 and sek["2018"] == 800_000 and sek.get("2017") == 0
    csv_text = b"".join([client.get("/statistik/?country=KE&format=csv").content]).decode()
    assert "year,2016,sek,800000" in csv_text


def test_bad_statistics_filters_give_a_notice(client, seeded):
    response = client.get("/statistik/?country=ZZ&year=abc")
    assert response.status_code == 200 and response.context["notices"]


def test_drafts_are_in_no_statistics_or_organisation_page(client, seeded):
    make_project("utkast", title_sv="Utkast", countries=["KE"], publication="draft")
    assert client.get("/statistik/?country=KE").context["totals"]["projects"] == 1
    Organisation.objects.filter(slug="cemr").update(publication="draft")
    assert client.get("/organisationer/cemr/").status_code == 410  # no longer public
    assert "CEMR" not in client.get("/organisationer/").content.decode()
    assert client.get("/sok/?q=CEMR").context["total"] == 0


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_records(n, goals, offset):
    kommun = make_municipality(f"Kommun {offset}", code=None)
    sida = Organisation.objects.get(slug="sida")
    for i in range(n):
        project = make_project(
            f"sp-{offset}-{i}", countries=["KE"], goals=[goals[11]], start_year=2016
        )
        project.participants.create(organisation=sida, role="funding")
        partnership = make_partnership(
            f"ss-{offset}-{i}", country="KE", participants=[kommun], goals=[goals[11]]
        )
        record = Grant.objects.create(
            partnership=partnership,
            grant_round=GrantRound.objects.get(),
            year=2016,
            amount_sek_per_year=300_000,
            duration_years=1,
        )
        set_roles(record, grant_maker=Organisation.objects.get(slug="icld"))


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/organisationer/", 1),
        # Record pages: + their corrections (corrections.selectors.corrections_of);
        # organisations: + the widget's subject (embed box) too.
        # + who decides and funds each round or programme (its participation rows)
        ("/organisationer/sida/", 13),
        ("/organisationer/icld/", 13),
        ("/program/kommunala-partnerskap/", 16),  # + the widget's subject (embed box)
        ("/omgangar/icld-32-nya-partnerskap/", 10),
        # + SEK by theme; totals, counties in one query each; the partnerships' counts and
        # SEK by country, goal, theme, programme, county and year of decision, their
        # years and totals from their tallies, read once (24 before, 15 before the years
        # of decision were tallied)
        ("/statistik/", 14),
        # + the filter in words; the SDGs read once for filter and tables (27 before)
        ("/statistik/?country=KE&goal=11", 26),
        # + rounds and goals (list and count each), countries (read once: 20 before)
        ("/sok/?q=ss", 19),
        # + what the sources do not state, one query a kind (the partnerships' from their
        # tallies)
        ("/om-registret/", 7),
        # A goal's and a country's page: their partnerships' count, years and SEK by year
        # of decision from the tallies within that goal or country, read in one query (14
        # and 16 before, each counting a quarter of the partnerships at 100 000); the
        # rounds that name the country without their participants and countries, which
        # a country's page does not show (15 before)
        ("/mal/11/", 13),
        ("/lander/ke/", 13),
        # the facets of one goal: its years from the tallies within it
        ("/partnerskap/?goal=11", 16),
        # the facets of one country: goals, themes, programmes, participants, unstated
        # facts and years from the tallies within it, in one query (each a count of the
        # tables before)
        ("/partnerskap/?country=KE", 13),
    ],
)
def test_query_counts_do_not_grow_with_rows(client, seeded, goals, url, expected):
    add_records(3, goals, 0)
    few = query_count(client, url)
    add_records(30, goals, 1)
    many = query_count(client, url)
    assert few == many == expected


@pytest.mark.parametrize("url", ["/", "/lander/", "/statistik/", "/en/statistics/?goal=11"])
def test_the_world_map_links_each_country_with_records(client, seeded, url):
    """Shapes from the npm package world-atlas, converted by `build_world_map` (make)."""
    page = client.get(url).content.decode()
    assert "<svg" in page and 'href="/karta/land.svg"' in page
    kenya = re.search(r'<a href="(/lander/ke/|/en/countries/ke/)" aria-label="([^"]+)"', page)
    assert kenya, "Kenya has a project, so it is a link on the map"
    assert client.get(kenya.group(1)).status_code == 200
    assert "1" in kenya.group(2)  # its count is in the link's name, not only in colour
    assert 'href="/lander/se/"' not in page  # Sweden is no cooperation country


def test_empty_parameters_redirect_to_a_clean_address(client, seeded):
    response = client.get("/projekt/?q=&status=&country=KE&sort=")
    assert response.status_code == 302 and response["Location"] == "/projekt/?country=KE"
    assert client.get("/partnerskap/?q=").headers["Location"] == "/partnerskap/"


def test_active_filters_are_removable_chips(client, seeded):
    response = client.get("/projekt/?country=KE&goal=11")
    chips = dict(response.context["active_filters"])
    assert chips["Land: Kenya"] == "?goal=11"
    assert chips["Globalt mål: 11. Hållbara städer och samhällen"] == "?country=KE"
    assert client.get("/projekt/").context["active_filters"] == []


def test_the_maps_background_is_served_without_a_static_file(client, db):
    """Drawn from the shapes by a view, so collectstatic before build_world_map (or a
    manifest without it) cannot break or lose the map (issue: 500 "Missing staticfiles
    manifest entry for 'pages/world-land.svg'")."""
    response = client.get("/karta/land.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg") and len(response.content) > 10_000


def test_check_deploy_fails_without_the_map_shapes(client, seeded, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from pages import worldmap

    monkeypatch.setattr(worldmap, "GENERATED", tmp_path / "missing.json")
    worldmap.shapes.cache_clear()
    worldmap.land.cache_clear()
    try:
        with pytest.raises(SystemCheckError, match="pages.E001"):
            call_command("check", deploy=True, fail_level="ERROR")
        # The pages still answer, without the map.
        page = client.get("/")
        assert page.status_code == 200 and "land.svg" not in page.content.decode()
        assert client.get("/karta/land.svg").status_code == 404
    finally:
        worldmap.shapes.cache_clear()
        worldmap.land.cache_clear()


def test_a_municipality_page_lists_its_first_partnerships_and_links_to_all(
    client, seeded, monkeypatch
):
    """A municipality with hundreds of partnerships (482 at 100 000 grants) has a page of
    the first few and a link to the list that filters them all, as goal and country
    pages do."""
    from partnerships import views
    from reference.models import Organisation

    monkeypatch.setattr(views, "DETAIL_LIST_SIZE", 2)
    borlange = Organisation.objects.get(slug="borlange")
    for i in range(3):
        make_partnership(f"borlange-{i}", country="KE", participants=[borlange])
    html = client.get("/kommuner/borlange/").content.decode()
    assert html.count('href="/partnerskap/borlange-') == 2
    assert 'href="/partnerskap/?municipality=borlange">Alla 3 partnerskap, med filter</a>' in html


def record_line(page, title):
    """The <li class="record"> of the list line whose title is `title`."""
    (line,) = re.findall(
        r'<li class="record">(?:(?!</li>\n).)*' + title + r".*?</li>\n", page, re.S
    )
    return line


def test_a_list_line_shows_the_known_facts_and_the_goals_as_chips(client, seeded, goals):
    """A line says what is known, separated by middle dots, and nothing for the rest (no
    stray separator where the country or the participants are not recorded); each SDG
    is a chip linking to its page, a Millennium goal a chip without a link."""
    from reference.models import Goal

    mdg = Goal.objects.get(framework="mdg", number=7)
    make_partnership("utan-land", title_sv="Partnerskap utan land", start_year=2015, end_year=2016)
    make_partnership(
        "med-allt",
        title_sv="Partnerskap med allt",
        country="KE",
        participants=[make_municipality("Lunds kommun", "1281")],
        goals=[goals[6], mdg],
        start_year=2015,
        end_year=2016,
    )
    page = client.get("/partnerskap/").content.decode()
    bare = record_line(page, "Partnerskap utan land")
    assert '<p class="meta">Avslutat · 2015–2016</p>' in bare
    assert "goal-badges" not in bare
    full = record_line(page, "Partnerskap med allt")
    assert '<p class="meta">Kenya · Lunds kommun · Avslutat · 2015–2016</p>' in full
    assert '<a class="goal-chip" href="/mal/6/">' in full
    assert '<span class="goal-badge mdg">Millenniemål 7</span>' in full
    assert full.count('class="goal-chip"') == 2


def test_a_facet_option_is_escaped_and_marks_what_is_chosen(client, db):
    """The filter panel's checkboxes (core.templatetags.register.facet_checkboxes): a
    name with markup in it is shown as text, and the chosen option is checked."""
    odd = make_municipality('Bolag <b>"&" Co</b>', "9999")
    plain = make_municipality("Ludvika", "2085")
    make_partnership("udda", participants=[odd])
    make_partnership("vanlig", participants=[plain])
    html = client.get("/partnerskap/", {"municipality": plain.slug}).content.decode()
    (label,) = re.findall(r'<label class="option">[^\n]*Bolag[^\n]*</label>', html)
    assert "Bolag &lt;b&gt;&quot;&amp;&quot; Co&lt;/b&gt;" in label
    assert "<b>" not in label and " checked" not in label
    (chosen,) = re.findall(rf'<label class="option">[^\n]*value="{plain.slug}"[^\n]*', html)
    assert 'name="municipality"' in chosen and " checked>" in chosen
    assert '<span class="count">(1)</span>' in chosen


def test_a_goal_chip_shows_the_goals_title_as_edited(client, goals):
    """The chips are made once a process (reference/templatetags/goals.py): an edited
    title shows on the next page, in each language."""
    make_project("chips", goals=[goals[11]])
    assert "Mål 11</span>" in client.get("/projekt/").content.decode()
    goals[11].title_sv = "Hållbara städer"
    goals[11].title_en = "Sustainable cities"
    goals[11].save()
    swedish = client.get("/projekt/").content.decode()
    assert "Hållbara städer</span>" in swedish and "Mål 11</span>" not in swedish
    english = client.get("/en/projects/").content.decode()
    assert 'href="/en/goals/11/"' in english and "Sustainable cities</span>" in english
