"""The statistics agree with themselves and with the lists they link to (issue: a column of
"0 kr" for every country when no amount is recorded; links that repeat a parameter;
/statistik/?municipality=borlange linked to a project list that ignored the parameter)."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import make_municipality, make_partnership, make_project
from tests.test_stated_facts import page

pytestmark = pytest.mark.django_db


def test_no_money_column_when_no_amount_is_recorded(client, seeded):
    html = page(client, "/statistik/")
    assert "Beviljat" not in html and "kronor beviljade" not in html
    assert " 0 kr" not in html


def test_a_money_column_with_a_capital_where_amounts_are_recorded(client, seeded, goals, themes):
    kommun = make_municipality("Summakommun", code="2997")
    make_partnership(
        "summa",
        country="KE",
        participants=[kommun],
        goals=[goals[11]],
        themes=[themes["gender-equality"]],
        grants=[(2016, 400_000, 2)],
        start_year=2016,
        end_year=2017,
    )
    html = page(client, "/statistik/")
    assert html.count("Beviljat, kr") >= 5  # year, country, continent, goal, theme
    theme = html.split('id="stats-theme"', 1)[1].split("</section>", 1)[0]
    assert "800 000" in theme.replace("\xa0", " ")


def test_the_filter_line_names_filters_in_words(client, seeded):
    html = page(client, "/statistik/?country=KE&goal=11")
    line = html.split("Filtrerat på", 1)[1].split("</p>", 1)[0]
    assert "Land: Kenya" in line and "country=KE" not in re.sub(r'href="[^"]*"', "", line)


def links(html):
    return [unescape(href) for href in re.findall(r'href="([^"]*\?[^"]*)"', html)]


def test_no_link_repeats_a_parameter(client, seeded):
    make_project("boka", countries=["KE", "BO"], start_year=2016, end_year=2017)
    html = page(client, "/statistik/?country=KE")
    for href in links(html):
        pairs = parse_qsl(urlsplit(href).query)
        assert len(pairs) == len(set(pairs)), href


def test_every_link_from_the_statistics_to_a_list_leads_to_the_same_count(client, seeded, goals):
    kommun = make_municipality("Räknekommun", code="2996")
    make_partnership(
        "rakna",
        country="KE",
        participants=[kommun],
        goals=[goals[11]],
        grants=[(2016, 400_000, 2)],
        start_year=2016,
        end_year=2017,
    )
    make_project("rakna-projekt", countries=["KE"], goals=[goals[11]], start_year=2016)
    for query in ("", "country=KE", "municipality=raknekommun", "goal=11&country=KE"):
        stats = client.get(f"/statistik/?{query}").context
        totals = stats["totals"]
        html = page(client, f"/statistik/?{query}")
        for href in links(html):
            path = urlsplit(href).path
            if path in ("/projekt/", "/partnerskap/"):
                kind = "projects" if path == "/projekt/" else "partnerships"
                listed = client.get(href).context["page_obj"].paginator.count
                assert listed == totals[kind], (query, href)


def test_a_list_reports_a_parameter_that_does_not_apply_to_it(client, seeded):
    html = page(client, "/projekt/?municipality=borlange")
    assert "municipality" in html.split('id="results-heading"', 1)[1].split("</section>")[0]
    assert client.get("/projekt/?municipality=borlange").context["page_obj"].paginator.count == 0
