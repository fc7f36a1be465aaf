"""Editors' experience (#13): the admin in Swedish with the register's name, the import
preview, formatted text, images, the data-quality overview and the public grants table."""

import json
import os
import re
import shutil
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import GrantRound
from reference.models import Organisation
from tests.conftest import make_partnership
from tests.test_admin import EDITABLE, VIEW_ONLY, change_url, sample_objects

pytestmark = pytest.mark.django_db

# English an editor must never meet, each with the Swedish that must be there instead.
ENGLISH_AND_SWEDISH = {
    "Django administration": "Registret över internationella samarbeten",
    "Django site admin": "Registret över internationella samarbeten",
    "Select an option": "– Välj –",
    "Add another": "Lägg till ytterligare",
    "Save and add another": "Spara och lägg till ny",
    "Save and continue": "Spara och fortsätt redigera",
    "History": "Historik",
    "Filter": "Filtrera",
    "Search": "Sök",
    "Show counts": "Visa antal",
    "View on site": "Visa på webbplats",
    "Recent actions": "Senaste Händelser",
    "Choose a date from the list": "Välj en tidpunkt i listan",
    "Change reason": "Anledning till ändringen",
    "Changed by": "Ändrad av",
    "Revert": "Återställ",
    "Import decisions": "Importera beslut",
    "Show preview": "Visa förhandsvisning",
    "Upload": "Ladda upp",
    "Save all rows": "Spara alla rader",
    "Cancel": "Avbryt",
    "with errors": "med fel",
    "None": "Inget",
}


class VisibleText(HTMLParser):
    """What a person meets on a page: its text, and the texts of attributes that are shown
    or read aloud (titles, alternative texts, labels, button values, inline-form buttons)."""

    SHOWN = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        attributes = dict(attrs)
        for name in self.SHOWN:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")
        if attributes.get("data-inline-formset"):
            options = json.loads(attributes["data-inline-formset"])["options"]
            self.parts += [options["addText"], options["deleteText"]]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def english_in(text):
    return [
        phrase
        for phrase in ENGLISH_AND_SWEDISH
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    ]


@pytest.fixture
def with_partnership(seeded):
    borlange = Organisation.objects.get(slug="borlange")
    return make_partnership(
        "borlange-nakuru", country="KE", participants=[borlange], grants=[(2016, 400_000, 3)]
    )


def admin_pages():
    """Every page type an editor opens: the index, every changelist, add form, change form,
    history page and old version, and the import page."""
    urls = [reverse("admin:index")]
    urls += [reverse(f"admin:{app}_{model}_changelist") for app, model in EDITABLE + VIEW_ONLY]
    urls += [reverse(f"admin:{app}_{model}_add") for app, model in EDITABLE]
    for obj in sample_objects():
        urls.append(change_url(obj))
        opts = obj._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
        history = getattr(obj, "history", None)
        if history is not None and history.exists():
            urls.append(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                    args=[obj.pk, history.first().history_id],
                )
            )
    urls.append(reverse("admin:partnerships_grantround_import", args=[GrantRound.objects.get().pk]))
    return urls


def test_an_editor_meets_no_english_in_the_admin(client, editor, with_partnership):
    client.force_login(editor)
    seen = []
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        assert english_in(text) == [], url
        seen.append(text)
    # The import preview, with an error and without.
    import_url = reverse("admin:partnerships_grantround_import", args=[GrantRound.objects.get().pk])
    for content in (IMPORT_HEADER + "Borlänga;;KE;A;;;400000;3;2016\n", IMPORT_HEADER + GOOD_ROW):
        response = client.post(
            import_url, {"file": SimpleUploadedFile("beslut.csv", content.encode(), "text/csv")}
        )
        text = visible_text(response)
        assert english_in(text) == [], content
        seen.append(text)
    everything = "\n".join(seen)
    # Each English phrase checked is really there, in Swedish.
    missing = [sv for en, sv in ENGLISH_AND_SWEDISH.items() if sv not in everything]
    assert missing == []


def test_the_time_zone_note_and_other_script_texts_are_swedish(client, editor):
    client.force_login(editor)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalogue["Note: You are %s hour ahead of server time."][0] == (
        "Notera: Du är %s timme före serverns tid."
    )
    assert catalogue["Choose a Time"] == "Välj en tidpunkt"


def test_every_field_an_editor_fills_in_has_help(client, editor, with_partnership):
    """Every input of every add form has a help text, apart from a few self-evident ones."""
    self_evident = {"name_sv", "name", "acronym", "title_sv_0", "colour"}
    client.force_login(editor)
    for app, model in EDITABLE:
        form = client.get(reverse(f"admin:{app}_{model}_add")).context["adminform"].form
        without = [
            name
            for name, field in form.fields.items()
            if not field.help_text and name not in self_evident
        ]
        assert without == [], f"{model}: {without}"


def test_changelists_show_names_and_formatted_amounts(client, editor, with_partnership):
    client.force_login(editor)
    text = visible_text(client.get(reverse("admin:partnerships_partnership_changelist")))
    assert "Kenya" in text and "\nKE\n" not in text
    text = visible_text(client.get(reverse("admin:partnerships_grant_changelist")))
    assert "400\xa0000 kr" in text and "ICLD" not in text  # no grant-maker on this grant
    text = visible_text(client.get(reverse("admin:reference_programme_changelist")))
    assert "ICLD" in text and "Internationellt Centrum för Lokal Demokrati (ICLD)" not in text


IMPORT_HEADER = "svensk_deltagare;partnerkommun;land;titel;teman;mal;kronor_per_ar;ar;beviljat_ar\n"
GOOD_ROW = "Borlänge;Nakuru;Kenya;Lokal demokrati i Nakuru;medborgardialog;11;400 000;3;2016\n"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_changelists_fit_1280_pixels(live_server, client, editor, seeded):
    """No changelist is wider than a 1280-pixel screen (no sideways scrolling)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    borlange = Organisation.objects.get(slug="borlange")
    make_partnership(
        "borlange-nakuru", country="KE", participants=[borlange], grants=[(2016, 400_000, 3)]
    )
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    executable = shutil.which("chromium")
    assert executable
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        too_wide = {}
        for app, model in EDITABLE + VIEW_ONLY:
            page.goto(live_server.url + reverse(f"admin:{app}_{model}_changelist"))
            # The admin scrolls a wide table inside its box: compare the table with the box.
            widths = page.evaluate(
                "[document.documentElement.scrollWidth,"
                " document.querySelector('.results').scrollWidth,"
                " document.querySelector('.results').clientWidth]"
            )
            if widths[0] > 1280 or widths[1] > widths[2]:
                too_wide[model] = widths
        browser.close()
    assert too_wide == {}
