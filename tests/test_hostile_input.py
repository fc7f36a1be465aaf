"""Hostile input (issue "Reliability and security", points 5, 6, 7 and 10): characters
XML 1.0 cannot carry, in stored text and in filter values, never break an open-data file;
a NUL in an API address is a 404; open data is read-only; an address never redirects to
itself; pages for logged-in users are private to them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import etree

from core.models import AuditedModel
from partnerships.models import GrantRound
from reference.models import Organisation, Role
from tests.conftest import make_municipality, make_partnership, make_project

pytestmark = pytest.mark.django_db

FEEDS = ["/projekt/feed/", "/partnerskap/feed/", "/en/projects/feed/", "/en/partnerships/feed/"]
IATI = ["/projekt/iati.xml", "/partnerskap/iati.xml"]
XML_FILES = [*FEEDS, *IATI, "/oppna-data/katalog.rdf", "/sitemap.xml"]
# What XML 1.0 cannot carry: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; surrogates.
UNSAFE = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800"]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def parsed(response):
    """The response's XML, parsed strictly (lxml raises on anything malformed)."""
    return etree.fromstring(body(response), etree.XMLParser(recover=False))


@pytest.fixture
def unsafe_records(db):
    """A dated project and partnership (so IATI includes them) and the publisher, their
    texts holding control characters saved straight through the ORM."""
    publisher = Organisation.objects.create(
        slug="skr",
        name_sv="Sveriges Kommuner och Regioner\x01",
        kind="agency",
        publication="published",
    )
    town = make_municipality("Borlänge\x02", code="2081", iati_ref="SE-\x03")
    project = make_project(
        "kontroll-projekt",
        countries=["KE"],
        title_sv="Titel\x01med styrtecken",
        title_en="Title\x1f",
        summary_sv="Sammanfattning\x0b",
        start_year=2015,
        end_year=2018,
    )
    project.participants.create(organisation=publisher, role=Role.IMPLEMENTING)
    make_partnership(
        "kontroll-partnerskap",
        country="KE",
        participants=[town],
        title_sv="Partnerskap\x01",
        summary_sv="Text\ufffe",
        start_year=2016,
        end_year=2018,
        grants=[(2016, 400_000, 3)],
    )


# 5. Characters XML cannot carry --------------------------------------------------------


@pytest.mark.parametrize("path", XML_FILES)
def test_stored_control_characters_never_break_an_xml_file(client, unsafe_records, path):
    response = client.get(path)
    assert response.status_code == 200
    text = etree.tostring(parsed(response), encoding="unicode")
    assert "\x01" not in text


def test_the_files_still_carry_the_rest_of_the_text(client, unsafe_records):
    feed = parsed(client.get("/projekt/feed/"))
    assert "Titelmed styrtecken" in etree.tostring(feed, encoding="unicode")
    iati = etree.tostring(parsed(client.get("/partnerskap/iati.xml")), encoding="unicode")
    assert "Partnerskap" in iati and "kontroll-partnerskap" in iati


def text_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.get_internal_type() in ("CharField", "TextField")
        and f.editable
        and not f.choices
        and f.get_internal_type() != "SlugField"
    ]


def register_models():
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if issubclass(m, AuditedModel) and not m._meta.label.startswith("auth")
    ]


@pytest.mark.parametrize("character", UNSAFE)
def test_every_text_field_of_the_register_refuses_what_xml_cannot_carry(character, settings):
    settings.LANGUAGE_CODE = "sv"
    checked = 0
    for model in register_models():
        for name in text_fields(model):
            instance = model(**{name: f"a{character}b"})
            with pytest.raises(ValidationError) as error:
                instance.clean_fields()
            messages = error.value.message_dict.get(name)
            assert messages, (model, name)
            assert any("styrtecken" in m for m in messages), messages
            checked += 1
    assert checked > 20


def test_tab_and_line_breaks_are_still_allowed():
    project = make_project("rader", summary_sv="Rad ett\r\nRad\ttvå\n", title_en="É ö ✓ 😀")
    project.clean_fields()


def test_the_admin_refuses_a_control_character_in_swedish(client, editor):
    from tests.conftest import admin_form_data

    client.force_login(editor)
    project = make_project("adminprojekt", publication="draft", stated_status="planned")
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(client, url)
    data["title_sv"] = "Dold\x01titel"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the message
    errors = response.context["adminform"].form.errors
    assert "styrtecken" in " ".join(errors["title_sv"])
    project.refresh_from_db()
    assert project.title_sv == "Adminprojekt"


def test_the_import_marks_a_cell_with_a_control_character(seeded):
    from partnerships.importing import RoundImport, read_rows

    header = "svensk_deltagare;partnerkommun;land;titel;kronor_per_ar;ar;beviljat_ar\n"
    row = "Borlänge;Naku\x1bru;Kenya;Lokal\x01 demokrati;400 000;3;2016\n"
    results = RoundImport(GrantRound.objects.get()).check(*read_rows((header + row).encode()))
    (result,) = results
    assert "styrtecken" in " ".join(result.column_errors["title"])
    assert "styrtecken" in " ".join(result.column_errors["partner_government"])
    assert "swedish_participant" not in result.column_errors


# 6. Hostile filter values in the feeds -------------------------------------------------

FILTERS = ["country", "goal", "theme", "status", "year", "programme", "q"]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1f"])
@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("path", FEEDS)
def test_feeds_survive_hostile_filter_values(client, db, path, name, character):
    response = client.get(path, {name: f"x{character}y"})
    assert response.status_code in (200, 400)
    parsed(response)


# 7. NUL in an API address --------------------------------------------------------------


def api_paths_with_parameters(client):
    """Every API address with a path parameter, strings as %00 and numbers as 1."""
    document = client.get("/api/v1/openapi.json").json()
    for address, operations in document["paths"].items():
        parameters = [p for p in operations["get"].get("parameters", []) if p["in"] == "path"]
        if not parameters:
            continue
        for parameter in parameters:
            number = parameter["schema"].get("type") == "integer"
            address = address.replace(f"{{{parameter['name']}}}", "1" if number else "%00")
        yield address


def test_nul_in_an_api_address_is_a_404_json(client, db):
    paths = list(api_paths_with_parameters(client))
    assert "/api/v1/projects/%00" in paths and "/api/v1/goals/%00/1" in paths
    client.raise_request_exception = False
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}, path


# 10. Read-only open data, no self-redirects, private pages for users -------------------


def open_data_addresses(client):
    api = [
        address
        for address in client.get("/api/v1/openapi.json").json()["paths"]
        if "{" not in address
    ]
    return [
        *api,
        "/api/v1/projects/kontroll-projekt",
        "/partnerskap/bidrag.json",
        *IATI,
        "/oppna-data/katalog.rdf",
        *FEEDS,
        "/sitemap.xml",
        "/robots.txt",
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_open_data_answers_only_reading(unsafe_records, method):
    from django.test import Client

    # As a real client meets it: without a CSRF token, so no 403 may come first.
    client = Client(enforce_csrf_checks=True)
    for path in open_data_addresses(client):
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path, response.status_code)
        allowed = {m.strip() for m in response["Allow"].split(",")}
        assert {"GET", "HEAD"} <= allowed and method.upper() not in allowed, path
    assert client.get("/robots.txt").status_code == 200
    assert client.head("/projekt/iati.xml").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/en/countries/%C3%A5/",
        "/en/countries/k%20/",
        "/en/countries/%E2%82%AC%E2%82%AC/",
        "/en/countries/1!/",
        "/lander/%C3%A5/",
        "/lander/k%20/",
        "/en/lander/%C3%A5/",
        "/lander/%00/",
        "/en/countries/%00/",
    ],
)
def test_odd_country_codes_are_not_found_in_both_languages(client, db, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert len(response.redirect_chain) <= 1


@pytest.fixture
def page_cache(settings):
    from django.core.cache import cache

    settings.FACET_CACHE_SECONDS = 60
    cache.clear()


def test_pages_for_logged_in_users_are_private(client, staff_user, page_cache):
    make_project("utkast", publication="draft", title_sv="Hemligt utkast")
    make_project("publicerat", title_sv="Publicerat projekt")
    anonymous = client.get("/projekt/publicerat/")
    assert "private" not in anonymous.get("Cache-Control", "")
    client.force_login(staff_user)
    for path in ["/projekt/utkast/", "/projekt/publicerat/", "/projekt/", "/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path
    client.logout()
    # Anonymous pages are still stored: the second one comes from the shared cache.
    make_project("tyst", title_sv="Före")
    client.get("/projekt/tyst/")
    from projects.models import Project

    Project.objects.filter(slug="tyst").update(title_sv="Efter")
    assert "Före" in client.get("/projekt/tyst/").content.decode()
