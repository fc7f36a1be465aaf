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
from django.utils import translation

from partnerships.models import GrantRound
from reference.models import Organisation
from tests.conftest import make_partnership
from tests.test_admin import EDITABLE, VIEW_ONLY, change_url, sample_objects
from tests.test_import import confirm

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


# 2. The import preview ----------------------------------------------------------------

GOOD = IMPORT_HEADER + (
    GOOD_ROW
    + "Region Gotland;;XK;Jämställd förvaltning;womens-participation;5;300000;2;2016\n"
    + "Piteå;;KE;Ny deltagare från SCB:s lista;;;500000;1;2016\n"
)


@pytest.fixture
def round_(seeded):
    return GrantRound.objects.get()


def import_url(grant_round):
    return reverse("admin:partnerships_grantround_import", args=[grant_round.pk])


def upload(client, grant_round, content, name="beslut.csv"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return client.post(import_url(grant_round), {"file": SimpleUploadedFile(name, data)})


def as_xlsx(csv_text):
    """The same rows as an Excel file, numbers as numbers where Excel would keep them."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in csv_text.strip().split("\n"):
        cells = line.split(";")
        sheet.append([int(c) if c.isdigit() else c for c in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_preview_shows_what_was_read(client, editor, round_):
    client.force_login(editor)
    response = upload(client, round_, GOOD)
    text = visible_text(response)
    nakuru = response.context["results"][0]
    assert nakuru.shown["country"] == "Kenya" and nakuru.shown["partner"] == "Nakuru"
    assert [g.number for g in nakuru.shown["goals"]] == [11]
    assert [t.name for t in nakuru.shown["themes"]] == ["Medborgardialog"]
    assert "400\xa0000 kr" in text and "Kosovo" in text  # XK read as the country's name
    assert text.count("\nny\n") == 3  # no existing partnership matches yet
    confirm(client, round_, response)
    response = upload(client, round_, GOOD.replace("400 000", "450000"))
    row = response.context["results"][0]
    assert row.match.title_sv == "Lokal demokrati i Nakuru" and row.action == "update"
    assert change_url(row.match) in response.content.decode()


def test_errors_are_shown_beside_their_cell(client, editor, round_):
    client.force_login(editor)
    bad = IMPORT_HEADER + "Borlänge;;KE;A;;99;900000;2;2016\n" + "Borlänge;;KE;B;;;400000;3;2016\n"
    bad += "Borlänge;;KE;C;;;400000;3;2016\n"
    results = upload(client, round_, bad).context["results"]
    first = results[0]
    assert set(first.column_errors) == {"goals", "sek_per_year"}
    assert "900\xa0000" in first.column_errors["sek_per_year"][0]  # numbers formatted
    assert first.errors == [*first.column_errors["sek_per_year"], *first.column_errors["goals"]]
    # A duplicate concerns the whole row, not a cell.
    assert results[2].row_errors == ["Samma deltagare, partner och land som rad 2."]
    assert results[2].column_errors == {}


def test_saving_links_to_the_new_drafts(client, editor, round_):
    client.force_login(editor)
    response = confirm(client, round_, upload(client, round_, GOOD))
    response = client.get(response.url)
    message = str(list(response.context["messages"])[0])
    assert "3 rader sparades som utkast" in message
    link = re.search(r'href="([^"]+)"', message).group(1).replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    titles = {p.title_sv for p in listed.context["cl"].result_list}
    assert titles == {
        "Lokal demokrati i Nakuru",
        "Jämställd förvaltning",
        "Ny deltagare från SCB:s lista",
    }


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_never_becomes_a_record(client, editor, round_, extension):
    from partnerships.models import Partnership

    client.force_login(editor)
    url = reverse("admin:partnerships_grantround_import_template", args=[round_.pk, extension])
    template = client.get(url)
    assert template.status_code == 200 and "attachment" in template["Content-Disposition"]
    content = b"".join(template) if template.streaming else template.content
    before = Partnership.objects.count()
    response = upload(client, round_, content, name=f"mall.{extension}")
    assert response.context["results"] == []
    assert "Filen har inga rader med beslut" in visible_text(response)
    assert "Spara alla rader" not in visible_text(response)
    assert 'name="confirm"' not in response.content.decode()
    assert Partnership.objects.count() == before


def test_the_templates_example_is_a_valid_row(round_):
    from partnerships.importing import RoundImport, read_rows, template_csv

    lines = template_csv().decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("# ") and lines[2].startswith("# ")
    example = [lines[0], lines[2].removeprefix("# ")]  # the header, the example without "#"
    header, body = read_rows("\n".join(example).encode())
    [row] = RoundImport(round_).check(header, body)
    assert row.errors == [] and row.cleaned["sek_per_year"] == 400_000


def test_xlsx_gives_the_same_result_as_csv(client, editor, round_):
    client.force_login(editor)

    def read(response):
        return [
            (r.line, r.cleaned, r.action, r.errors, r.column_errors)
            for r in response.context["results"]
        ]

    bad = GOOD + "Borlänga;;KE;Fel;;99;900000;4;2016\n"
    from_csv = read(upload(client, round_, bad))
    from_xlsx = read(upload(client, round_, as_xlsx(bad), name="beslut.xlsx"))
    assert from_xlsx == from_csv
    assert (
        upload(client, round_, b"PK\x03\x04 not really", name="x.xlsx")
        .context["file_error"]
        .startswith("Filen kunde inte läsas som en Excelfil")
    )


def test_a_round_without_a_year_asks_once_for_a_year_column(client, editor, round_):
    round_.year = None
    round_.save()
    client.force_login(editor)
    no_year = "\n".join(line.rsplit(";", 1)[0] for line in GOOD.strip().split("\n")) + "\n"
    response = upload(client, round_, no_year)
    text = visible_text(response)
    assert response.context["import_messages"] == [
        "Omgången har inget år, så varje rad behöver ett: lägg till en kolumn beviljat_ar "
        "(beviljat år) med beslutets år. Rader utan år: 2, 3, 4."
    ]
    assert text.count("Omgången har inget år") == 1
    assert all(r.row_errors == [] for r in response.context["results"])
    assert "Spara alla rader" not in text
    # With the column the same rows are fine.
    assert upload(client, round_, GOOD).context["summary"]["create"] == 3


# 3. Formatted text ----------------------------------------------------------------------

BODY = """Ett stycke om **samarbetet**.

## Vad vi gör

- medborgardialog
- [ICLD](https://icld.se)

<script>alert("x")</script>
[klicka här](javascript:alert(1)) <a href="javascript:alert(2)" onclick="alert(3)">a</a>
<p style="color:red">röd</p>
"""


def test_markdown_is_formatted_and_anything_else_is_inert(client, seeded):
    from tests.conftest import make_project

    project = make_project("formaterad", body_sv=BODY)
    html = client.get(project.get_absolute_url()).content.decode()
    body = html[html.index('<div class="body"') : html.index("</div>", html.index('class="body"'))]
    assert "<strong>samarbetet</strong>" in body and "<h2>Vad vi gör</h2>" in body
    assert "<li>medborgardialog</li>" in body
    assert '<a href="https://icld.se" rel="noopener noreferrer nofollow">ICLD</a>' in body
    assert "&lt;script&gt;" in body  # shown as text, never run
    # The real tags in the text (typed HTML is escaped, so it is no tag): only the allowed
    # ones, with no attribute but a link's address to http(s) and its rel.
    tags = re.findall(r"<(\w+)([^>]*)>", body.split(">", 1)[1])
    assert {tag for tag, _attrs in tags} <= {"p", "h2", "ul", "li", "strong", "a"}
    for _tag, attributes in tags:
        names = re.findall(r'(\w+)="([^"]*)"', attributes)
        assert all(name in ("href", "rel") for name, _value in names), attributes
        assert all(value.startswith("https:") for name, value in names if name == "href")


def test_render_markdown_keeps_only_what_is_allowed():
    from core.text import render_markdown

    assert render_markdown("") == ""
    assert render_markdown("# Titel\n\n#### Djup\n\n###### Djupare") == (
        "<h2>Titel</h2>\n<h4>Djup</h4>\n<h4>Djupare</h4>\n"
    )
    assert "href" not in render_markdown("[x](ftp://example.org) [y](data:text/html,hi)")
    assert render_markdown("[m](mailto:info@skr.se)").count('href="mailto:info@skr.se"') == 1


def test_the_change_form_previews_the_text(client, editor, seeded):
    from tests.conftest import make_project

    project = make_project("forhandsvisning", body_sv=BODY)
    client.force_login(editor)
    html = client.get(change_url(project)).content.decode()
    assert "Förhandsvisning av texten" in html
    assert "<h2>Vad vi gör</h2>" in html and "<script>alert" not in html


# 4. Images ------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(width, height, kind="PNG"):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 110, 160)).save(out, kind)
    return out.getvalue()


def noise_png(width, height):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def image_on_new_project(client, editor, slug, content, name):
    """A new project, and the answer to an editor's upload of an image to it."""
    from tests.conftest import make_project

    project = make_project(slug)
    client.force_login(editor)
    return project, post_project_image(client, project, content, name)


def post_project_image(client, project, content, name="bild.png", alt="Två tjänstepersoner"):
    from tests.conftest import admin_form_data

    url = change_url(project)
    data = admin_form_data(client, url)
    data.update(lead_image=SimpleUploadedFile(name, content), image_alt_sv=alt)
    return client.post(url, data)


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"GIF89a not really an image" * 40, "bild.png", "Ladda upp en giltig bild"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "bild.jpg", "Ladda upp en giltig bild"),
        ("narrow", "smal.png", "Bilden är 300 pixlar bred; den behöver vara minst 400."),
        ("large", "stor.png", "största tillåtna är 1,0\xa0kB. Spara den mindre."),
    ],
)
def test_a_bad_image_gets_a_message_and_nothing_is_stored(
    client, editor, seeded, media, monkeypatch, content, name, message
):
    from core import images
    from tests.conftest import make_project

    if content == "narrow":
        content = image_bytes(300, 200)
    elif content == "large":
        monkeypatch.setattr(images, "MAX_BYTES", 1024)
        content = noise_png(800, 600)
    project = make_project("med-bild")
    client.force_login(editor)
    response = post_project_image(client, project, content, name)
    assert response.status_code == 200
    assert message in visible_text(response)
    project.refresh_from_db()
    assert not project.lead_image
    assert not media.exists() or stored_files(media) == []


def test_alternative_text_is_required_with_an_image(client, editor, seeded, media):
    from tests.conftest import make_project

    project = make_project("utan-alt")
    client.force_login(editor)
    response = post_project_image(client, project, image_bytes(800, 600), alt="")
    assert "Beskriv vad bilden visar" in visible_text(response)
    assert not media.exists() or stored_files(media) == []


def test_an_image_is_resized_and_served_with_srcset(client, editor, seeded, media):
    project, response = image_on_new_project(
        client, editor, "med-bild", image_bytes(1200, 800), "foto.png"
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.image_width, project.image_height) == (1200, 800)
    assert [(r["width"], r["height"]) for r in project.image_renditions] == [(400, 267), (800, 533)]
    assert len(stored_files(media)) == 3
    client.logout()
    html = client.get(project.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]*>", html[html.index('class="lead-image"') :]).group(0)
    assert 'width="1200"' in img and 'height="800"' in img
    assert 'alt="Två tjänstepersoner"' in img
    srcset = re.search(r'srcset="([^"]+)"', img).group(1)
    assert srcset.endswith(" 1200w") and "-400w.webp 400w" in srcset and "800w" in srcset
    # The address is the storage's (MEDIA_URL), and the files are there.
    src = re.search(r'src="([^"]+)"', img).group(1)
    assert src.startswith("/media/bilder/project/foto")
    assert (media / project.lead_image.name).read_bytes() == image_bytes(1200, 800)
    # On the English page the Swedish alternative text is marked as Swedish (WCAG 3.1.2).
    with translation.override("en"):
        english_url = project.get_absolute_url()
    english_html = client.get(english_url).content.decode()
    english_img = re.search(
        r"<img [^>]*>", english_html[english_html.index('class="lead-image"') :]
    )
    assert 'alt="Två tjänstepersoner"' in english_img.group(0)
    assert 'lang="sv"' in english_img.group(0)
    assert 'lang="sv"' not in img


# Issue "Reliability and security", points 9 and 10: damaged, misnamed, located and huge
# images.


def photo_jpeg(width=1200, height=800, exif=None):
    """A JPEG with detail (noise), so that half of it is really half of the data."""
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    image.save(out, "JPEG", quality=90, exif=exif or b"")
    return out.getvalue()


def test_a_truncated_jpeg_gets_a_message_and_nothing_is_stored(client, editor, seeded, media):
    whole = photo_jpeg()
    project, response = image_on_new_project(
        client, editor, "avklippt", whole[: len(whole) // 2], "foto.jpg"
    )
    assert response.status_code == 200
    assert "Bilden kunde inte läsas till slut" in visible_text(response)
    project.refresh_from_db()
    assert not project.lead_image and project.image_renditions == []
    assert not media.exists() or stored_files(media) == []


def test_a_truncated_jpeg_is_refused_whatever_a_library_set_in_pillow(
    client, editor, seeded, media, monkeypatch
):
    """WeasyPrint (the PDFs) sets Pillow's LOAD_TRUNCATED_IMAGES when it is imported: the
    check of an upload must not depend on that process-wide flag."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = photo_jpeg()
    project, response = image_on_new_project(
        client, editor, "avklippt", whole[: len(whole) // 2], "foto.jpg"
    )
    assert response.status_code == 200
    assert "Bilden kunde inte läsas till slut" in visible_text(response)


def test_an_image_is_stored_under_the_extension_of_its_kind(client, editor, seeded, media):
    project, response = image_on_new_project(
        client, editor, "fel-namn", image_bytes(800, 600), "bild.pdf"
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.lead_image.name == "bilder/project/bild.png"
    assert stored_files(media) == ["bilder/project/bild-400w.webp", "bilder/project/bild.png"]


def test_no_location_is_kept_and_a_cleared_image_leaves_no_files(
    client, editor, seeded, media, django_capture_on_commit_callbacks
):
    from PIL import ExifTags, Image

    from tests.conftest import admin_form_data

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken with the phone on its side
    exif[ExifTags.Base.Model] = "Telefon"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (59.0, 19.0, 48.0),
    }
    with django_capture_on_commit_callbacks(execute=True):
        project, response = image_on_new_project(
            client, editor, "med-plats", photo_jpeg(exif=exif.tobytes()), "p.jpg"
        )
    assert response.status_code == 302
    project.refresh_from_db()
    original = media / project.lead_image.name
    with Image.open(original) as stored:
        assert not stored.getexif() and "exif" not in stored.info
        assert stored.size == (800, 1200)  # turned as the photo was meant to be seen
    assert (project.image_width, project.image_height) == (800, 1200)
    assert len(stored_files(media)) == 2  # and one copy 400 pixels wide

    url = change_url(project)
    data = admin_form_data(client, url)
    data["lead_image-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert not project.lead_image and project.image_renditions == []
    assert stored_files(media) == []


def test_an_image_of_too_many_pixels_is_refused_from_its_header(client, editor, seeded, media):
    import io
    import tracemalloc

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (7000, 7000)).save(out, "PNG")  # 49 megapixels in a small file
    tracemalloc.start()
    try:
        _project, response = image_on_new_project(
            client, editor, "stor-bild", out.getvalue(), "stor.png"
        )
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert "Bilden har 49,0 megapixlar (7000 × 7000); största tillåtna är 40." in visible_text(
        response
    )
    assert peak < 50 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    assert not media.exists() or stored_files(media) == []


# 5. Data quality --------------------------------------------------------------------------


def quality_records(goals, n=1, prefix="x"):
    """n complete project and partnership, and n of each lacking everything."""
    from datetime import date, timedelta

    from django.utils import timezone

    from projects.models import Project, ProjectParticipant
    from reference.models import OrganisationKind, Role, Source
    from tests.conftest import make_municipality, make_project

    source = Source.objects.get_or_create(slug="kalla", defaults={"title": "Källa"})[0]
    for i in range(n):
        swedish = make_municipality(f"Deltagare {prefix} {i}")
        partner = make_municipality(
            f"Partner {prefix} {i}", kind=OrganisationKind.PARTNER_GOVERNMENT, country="KE"
        )
        complete = make_project(
            f"{prefix}-hel-{i}",
            countries=["KE"],
            goals=[goals[11]],
            title_en="Whole",
            summary_en="All there",
            summary_sv="Allt finns",
            start_year=2016,
            end_year=2018,
            budget_sek=1_000_000,
        )
        complete.sources.add(source)
        ProjectParticipant.objects.create(
            project=complete, organisation=swedish, role=Role.IMPLEMENTING
        )
        lacking = make_project(
            f"{prefix}-brist-{i}",
            publication="draft",
            stated_status="ongoing",
            end_date=date(2015, 12, 31),
        )
        Project.objects.filter(pk=lacking.pk).update(created_at=timezone.now() - timedelta(days=40))
        whole = make_partnership(
            f"{prefix}-helt-{i}",
            country="KE",
            goals=[goals[5]],
            participants=[swedish],
            partners=[partner],
            start_year=2016,
            end_year=2017,
            grants=[(2016, 300_000, 2)],
            title_en="Whole",
            summary_en="All there",
        )
        whole.sources.add(source)
        make_partnership(f"{prefix}-tomt-{i}", stated_status="planned", start_year=2001)
        Organisation.objects.create(slug=f"{prefix}-bolag-{i}", name_sv="Bolag", kind="company")
        Organisation.objects.create(
            slug=f"{prefix}-myndighet-{i}",
            name_sv="Myndighet",
            kind="agency",
            iati_ref=f"SE-{prefix}-{i}",
        )
        Organisation.objects.create(
            slug=f"{prefix}-kommun-{i}", name_sv=f"Kommun {i}", kind="kommun", country_id="SE"
        )


def test_data_quality_counts_link_to_the_records(client, editor, goals):
    quality_records(goals)
    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:data-quality")
    assert url in index  # linked from the admin's index
    response = client.get(url)
    counts = {
        (section["title"], row["label"]): (row["count"], row["url"])
        for section in response.context["sections"]
        for row in section["rows"]
    }
    expected = {
        ("projekt", "utan engelsk titel eller sammanfattning"): 1,
        ("projekt", "utan mål"): 1,
        ("projekt", "utan land"): 1,
        ("projekt", "utan källa"): 1,
        ("projekt", "med en angiven status som datumen motsäger"): 1,
        ("projekt", "utkast äldre än 30 dagar"): 1,
        ("projekt", "utan datum"): 0,
        ("projekt", "utan budget"): 1,
        ("projekt", "utan deltagare"): 1,
        ("partnerskap", "utan engelsk titel eller sammanfattning"): 1,
        ("partnerskap", "utan mål"): 1,
        ("partnerskap", "utan land"): 1,
        ("partnerskap", "utan källa"): 1,
        ("partnerskap", "med en angiven status som datumen motsäger"): 1,
        ("partnerskap", "utkast äldre än 30 dagar"): 0,
        ("partnerskap", "utan bidrag"): 1,
        ("partnerskap", "utan datum"): 0,
        ("partnerskap", "utan partnerkommun"): 1,
        ("organisationer", "(ej kommuner) utan identifierare"): 1,
        ("organisationer", "utkast äldre än 30 dagar"): 0,
    }
    assert {key: count for key, (count, _url) in counts.items()} == expected
    # Each count's link lists exactly those records.
    for key, (count, link) in counts.items():
        listed = client.get(link)
        assert listed.status_code == 200 and listed.context["cl"].result_count == count, key
    assert english_in(visible_text(response)) == []


def test_data_quality_runs_constant_queries(client, editor, goals):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    url = reverse("admin:data-quality")
    quality_records(goals, n=2, prefix="a")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    quality_records(goals, n=20, prefix="b")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


# 6. The public grants table -------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,headings,amounts",
    [
        (
            "sv",
            [
                "Beviljat år",
                "Kronor per år",
                "Antal år",
                "Totalt",
                "Beviljat av",
                "Med pengar från",
            ],
            ["400\xa0000", "1\xa0200\xa0000", "350\xa0000", "700\xa0000", "1\xa0900\xa0000"],
        ),
        (
            "en",
            [
                "Year granted",
                "SEK a year",
                "Number of years",
                "Total",
                "Granted by",
                "With money from",
            ],
            ["400,000", "1,200,000", "350,000", "700,000", "1,900,000"],
        ),
    ],
)
def test_the_grants_table_has_headings_amounts_and_a_total(
    client, seeded, language, headings, amounts
):
    borlange = Organisation.objects.get(slug="borlange")
    partnership = make_partnership(
        "borlange-nakuru",
        country="KE",
        participants=[borlange],
        grants=[(2016, 400_000, 3), (2019, 350_000, 2)],
    )
    from django.utils import translation

    with translation.override(language):
        url = partnership.get_absolute_url()
    html = client.get(url).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    found_headings = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert found_headings == headings
    cells = re.findall(r'<td class="num">([^<]+)</td>', table)
    assert [c for c in cells if len(c) > 3] == [
        amounts[2],
        amounts[3],
        amounts[0],
        amounts[1],
        amounts[4],
    ]  # newest first: 2019's grant, then 2016's, then the total
    assert re.search(r'<tfoot><tr><th scope="row" colspan="3">(Totalt|Total)</th>', table)


def test_the_date_fields_time_zone_note_is_in_swedish(admin_client):
    """Django's admin scripts show a note under date and time fields when the editor's
    clock is in another time zone; Django's Swedish catalogue lacks its new wording, so
    it appeared in English (issue #19, point 8)."""
    script = admin_client.get("/admin/jsi18n/").content.decode()
    assert "Ange tider i tidszonen %(timezone)s" in script
    assert "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour" in script
