"""A visitor in a real browser (Debian's Chromium driven by Playwright), and axe-core's
WCAG 2.1 A/AA rules on every page type in both languages."""

import os
import shutil
from pathlib import Path

import pytest

from reference.models import Goal
from reference.models import Organisation as Municipality
from tests.conftest import make_partnership
from tests.urlwalk import NOT_FOUND, NOT_OUR_PAGES, make_walk_records, walk_addresses

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls in the fixtures
# happen before and after it, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that fails the test when the browser reports a Content-Security-Policy
    violation (a blocked script, style or image) or a script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error"
            and ("Content Security Policy" in msg.text or "Refused" in msg.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture
def site(live_server, seeded):
    borlange = Municipality.objects.get(slug="borlange")
    make_partnership(
        "borlange-kenya",
        title_sv="Borlänge och Kenya",
        country="KE",
        participants=[borlange],
        goals=[Goal.objects.get(framework="sdg", number=11)],
        start_year=2016,
        end_year=2018,
        grants=[(2016, 400_000, 3)],
    )
    return live_server.url


def result_titles(page):
    return page.locator(".results .record h3").all_inner_texts()


def test_visitor_filters_projects_by_country_and_goal_and_switches_language(page, site):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Projekt").click()
    page.wait_for_url("**/projekt/")
    assert len(result_titles(page)) == 9

    page.get_by_label("Kenya").check()
    page.get_by_role("button", name="Visa resultat").click()
    page.wait_for_url("**country=KE**")
    assert result_titles(page) == ["SymbioCity Kenya"]
    # The goal facet now counts only projects in Kenya.
    goal_option = page.locator("label.option", has_text="11. Hållbara städer")
    assert "(1)" in goal_option.inner_text()

    goal_option.locator("input").check()
    page.get_by_role("button", name="Visa resultat").click()
    page.wait_for_url("**goal=11**")
    assert result_titles(page) == ["SymbioCity Kenya"]
    assert page.get_by_role("heading", name="1 träff").is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/projects/?*country=KE*goal=11*")
    assert result_titles(page) == ["SymbioCity Kenya"]
    assert page.get_by_label("Kenya").is_checked()
    assert page.locator("html").get_attribute("lang") == "en"


def test_filter_panel_works_by_keyboard(page, site):
    page.goto(site + "/partnerskap/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Kenya").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Visa resultat").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**country=KE**")
    assert result_titles(page) == ["Borlänge och Kenya"]


# The innermost elements that reach past the viewport's right edge (outside a box that
# scrolls on its own), to say why a page scrolls sideways.
WIDEST_ELEMENTS = """() => {
  const scrolls = (e) => e && e !== document.body && (
    ["auto", "scroll", "hidden"].includes(getComputedStyle(e).overflowX)
    || scrolls(e.parentElement));
  const over = [...document.body.querySelectorAll("*")].filter(
    (e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
      && !scrolls(e.parentElement));
  const innermost = over.filter((e) => !over.some((o) => o !== e && e.contains(o)));
  return innermost.slice(0, 4).map((e) => e.tagName.toLowerCase()
    + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "")
    + " " + Math.round(e.getBoundingClientRect().right)).join(", ");
}"""


@pytest.fixture
def walk(site):
    """The site with a record of each kind beside the seeded ones, and every public
    address of the URL resolver for it (tests/urlwalk.py)."""
    make_walk_records()
    return site, walk_addresses()


def test_every_public_page_reflows_at_320_px_and_passes_axe(page, walk):
    """WCAG 2.1 1.4.10 (reflow) and axe-core's A/AA rules on every public HTML page of the
    resolver in both languages, at 320 CSS px: no sideways scrolling of the page, one h1,
    the page's language, no violations. Files (JSON, XML, CSV, feeds) are skipped by their
    content type."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.set_viewport_size({"width": 320, "height": 640})
    site, addresses = walk
    wide, failures, walked = [], [], []
    for address in addresses:
        head = page.request.get(site + address, max_redirects=0)
        if not head.headers.get("content-type", "").startswith("text/html"):
            continue
        response = page.goto(site + address)
        expected = 404 if address in NOT_FOUND else 200
        assert response.status == expected, (address, response.status)
        walked.append(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{address} {width} px: {page.evaluate(WIDEST_ELEMENTS)}")
        if address in NOT_OUR_PAGES:  # Swagger UI's heading: wait for its script
            page.locator("h1").first.wait_for()
        if page.locator("h1").count() != 1:
            failures.append(f"{address}: {page.locator('h1').count()} h1")
        language = "en" if address.startswith(("/en/", "/api/")) else "sv"
        if page.evaluate("document.documentElement.lang") != language:
            failures.append(f"{address}: html lang is not {language}")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures.append(f"{address}:\n{results.generate_report()}")
    assert len(walked) > 40, walked
    report = [f"{len(wide)} of {len(walked)} pages scroll sideways at 320 px:", *wide]
    assert not wide and not failures, "\n".join(report + failures)


def test_admin_works_under_its_csp(page, site, editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])
    page.goto(site + "/admin/partnerships/partnership/add/")
    assert page.get_by_role("heading", name="Lägg till partnerskap").is_visible()
    page.goto(site + "/admin/projects/project/")
    assert page.locator("#result_list").is_visible()


def test_map_links_reach_country_pages_by_keyboard(page, site):
    page.goto(site + "/lander/")
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate(
            "document.activeElement && document.activeElement.getAttribute('href')"
        )
        inside_map = page.evaluate(
            "!!(document.activeElement && document.activeElement.closest('.world-map'))"
        )
        if inside_map and href and href.endswith("/lander/ke/"):
            break
    else:
        raise AssertionError("Kenya on the map was not reached by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lander/ke/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kenya"


SCREENSHOTS = [
    ("home", "/"),
    ("partnerships", "/partnerskap/"),
    ("kenya", "/lander/ke/"),
    ("borlange", "/kommuner/borlange/"),
    ("statistics", "/statistik/"),
    ("open-data", "/oppna-data/"),
    ("compare", "/kommuner/jamfor/?municipality=borlange&municipality=gavle"),
    ("report-an-error", "/rapportera-fel/?url=/projekt/symbiocity-kenya/"),
]


def test_screenshots_for_people_to_look_at(page, site):
    """Writes what a visitor sees to screenshots/ (ignored by git; README, "Tests")."""
    folder = Path(__file__).resolve().parent.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in SCREENSHOTS:
            page.goto(site + path)
            target = folder / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000


def test_first_result_is_visible_at_375_px_without_scrolling_past_the_filters(page, site):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(site + "/projekt/")
    first = page.locator(".results .record").first
    box = first.bounding_box()
    assert box is not None and box["y"] < 812, box
    # The filters are one tap away, and work without JavaScript.
    page.get_by_text("Filtrera och sortera").click()
    page.get_by_label("Kenya").check()
    page.get_by_role("button", name="Visa resultat").click()
    page.wait_for_url("**/projekt/?country=KE")


def test_a_widget_renders_inside_another_sites_page(page, site):
    """A municipality's widget framed by a page of another origin (as on a municipal
    website): it loads, and its links open the register in the top window."""
    import http.server
    import socketserver
    import threading

    widget = site + "/kommuner/borlange/inbaddning/"
    host_page = (
        '<!doctype html><html lang="sv"><head><title>Kommunens webbplats</title></head>'
        f'<body><main><h1>Vårt internationella arbete</h1><iframe src="{widget}" '
        'title="Borlänge i registret" width="600" height="420"></iframe></main></body></html>'
    ).encode()

    class MunicipalSite(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(host_page)

        def log_message(self, *args):
            pass

    # The municipality's own site: a server of its own on 127.0.0.1, another origin than
    # the register's on localhost (Chromium frames local pages only from local pages).
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), MunicipalSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        frame = page.frame_locator("iframe")
        frame.locator("h1").wait_for()
        assert "Borlänge" in frame.locator("h1").inner_text()
        assert "Borlänge och Kenya" in frame.locator("main").inner_text()
        assert frame.locator('a[target="_top"]').count() >= 2
        folder = Path(__file__).resolve().parent.parent / "screenshots"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / "widget-in-a-municipal-page.png"), full_page=True)
    finally:
        server.shutdown()
        server.server_close()


def test_the_import_preview_fits_the_editors_window(page, site, editor, tmp_path):
    """Issue #19 point 8: the preview table was 1 699 px wide in a 1 280 px window, so the
    page scrolled sideways; the table now scrolls within its own region."""
    from django.test import Client

    from partnerships.models import GrantRound

    client = Client()
    client.force_login(editor)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])
    word = "Kommunalförvaltningsutvecklingssamarbetsprojektet"
    rows = [
        "svensk_deltagare;partnerkommun;land;titel;teman;mal;kronor_per_ar;ar;beviljat_ar",
        f"Borlänge;Nakuru{word};Kenya;{word} {word};medborgardialog;11;400 000;3;2016",
        f"Region Gotland;Okänd{word};XK;{word};okänt-tema-{word};5;300000;2;2016",
    ]
    upload = tmp_path / "beslut.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    round_pk = GrantRound.objects.get().pk
    page.goto(f"{site}/admin/partnerships/grantround/{round_pk}/import/")
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Visa förhandsvisning").click()
    assert page.locator("#result_list").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the preview page is {width} px wide"
