"""The accessibility statement follows DIGG's model: who publishes what, how compliant the
site is, what is not accessible, how it was tested and when, how to report, supervision."""

import re
from datetime import date

import pytest

pytestmark = pytest.mark.django_db

CONTACT = 'href="https://skr.se/skr/tjanster/kontaktaoss.kontakt.html"'
DIGG_FORM = 'href="https://www.digg.se/tdosanmalan"'


@pytest.fixture
def dated(settings):
    settings.ACCESSIBILITY_ASSESSED = date(2026, 3, 2)
    settings.ACCESSIBILITY_REVIEWED = date(2026, 11, 25)


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def headings(response):
    return re.findall(r"<h2[^>]*>(.*?)</h2>", response.content.decode())


def test_english_statement_has_digg_models_parts(client, dated):
    response = client.get("/en/accessibility/")
    assert response.status_code == 200
    assert headings(response) == [
        "How accessible is the website?",
        "Content that is not accessible",
        "How we tested the website",
        "Contact us and report shortcomings",
        "Supervision",
    ]
    page = text(response)
    assert "SKR" in page and "International cooperation register" in page
    assert "partially compliant" in page
    assert "(2018:1937)" in page and "EN 301 549" in page and "WCAG 2.1" in page
    assert "self-assessment" in page and "axe-core" in page and "keyboard" in page


def test_english_statement_gives_both_dates_from_settings(client, dated):
    response = client.get("/en/accessibility/")
    html = response.content.decode()
    assert response.context["assessed"] == date(2026, 3, 2)
    assert response.context["reviewed"] == date(2026, 11, 25)
    assert '<time datetime="2026-03-02">2 March 2026</time>' in html
    assert '<time datetime="2026-11-25">25 November 2026</time>' in html


def test_english_statement_lists_the_known_shortcomings(client, dated):
    page = text(client.get("/en/accessibility/"))
    assert 'lang="sv"' in page  # untranslated editors' texts, marked as Swedish
    assert "alternative text" in page  # lead images
    assert "source documents" in page  # published by others, only linked


def test_english_statement_links_contact_and_diggs_form(client, dated):
    response = client.get("/en/accessibility/")
    html = response.content.decode()
    assert CONTACT in html and DIGG_FORM in html
    page = text(response)
    assert "two weeks" in page
    assert "DIGG's form for reporting" in page


def test_swedish_statement_has_the_same_structure_and_links(client, dated):
    swedish = client.get("/tillganglighet/")
    english = client.get("/en/accessibility/")
    assert swedish.status_code == 200
    html = swedish.content.decode()
    assert '<html lang="sv">' in html
    assert html.count("<h1") == 1
    assert len(headings(swedish)) == len(headings(english)) == 5
    assert CONTACT in html and DIGG_FORM in html
    assert '<time datetime="2026-03-02">' in html and '<time datetime="2026-11-25">' in html


def test_the_dates_default_to_the_settings(client):
    from skrsite import settings as project_settings

    response = client.get("/en/accessibility/")
    assert response.context["assessed"] == project_settings.ACCESSIBILITY_ASSESSED
    assert response.context["reviewed"] == project_settings.ACCESSIBILITY_REVIEWED
