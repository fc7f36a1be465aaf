"""Open data (issue #12): the JSON API, and the other formats in the files beside this
one's later sections. The same published records, the same filters as the pages, valid
against the official schemas, constant queries, drafts nowhere, never a 500."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Publication
from reference.models import Organisation
from tests.conftest import make_municipality, make_partnership, make_project, set_roles

pytestmark = pytest.mark.django_db

DRAFT_NAMES = ("Hemligt utkastprojekt", "Hemligt utkastpartnerskap", "Hemligköping")


@pytest.fixture
def records(seeded):
    """Seeded projects plus published partnerships with grants, and three drafts: a
    project, a partnership and a Swedish participant (in a published partnership)."""
    goals = {g.number: g for g in seeded_goals()}
    borlange = Organisation.objects.get(slug="borlange")
    draft_org = make_municipality("Hemligköping", publication=Publication.DRAFT)
    icld = Organisation.objects.get(slug="icld")
    sida = Organisation.objects.get(slug="sida")
    kenya = make_partnership(
        "borlange-kisumu",
        country="KE",
        participants=[borlange, draft_org],
        goals=[goals[11], goals[5]],
        start_year=2016,
        end_year=2018,
        grants=[(2016, 400_000, 3)],
        title_en="Borlänge and Kisumu",
        summary_sv="Stadsplanering.",
    )
    set_roles(kenya.grants.all(), grant_maker=icld, funding_source=sida)
    pristina = make_partnership(
        "borlange-pristina",
        country="XK",
        participants=[borlange],
        goals=[goals[16]],
        start_year=2019,
        end_year=2021,
        grants=[(2019, 300_000, 2), (2021, 300_000, 1)],
    )
    set_roles(pristina.grants.filter(year=2019), grant_maker=icld)
    make_project(
        "hemligt-projekt",
        countries=["KE"],
        goals=[goals[11]],
        publication=Publication.DRAFT,
        title_sv=DRAFT_NAMES[0],
    )
    make_partnership(
        "hemligt-partnerskap",
        country="KE",
        participants=[borlange],
        goals=[goals[11]],
        grants=[(2016, 400_000, 2)],
        publication=Publication.DRAFT,
        title_sv=DRAFT_NAMES[1],
    )
    return seeded


def seeded_goals():
    from reference.models import Goal

    return Goal.objects.filter(framework="sdg")


def assert_no_drafts(text):
    for name in DRAFT_NAMES:
        assert name not in text
    assert "hemligt-projekt" not in text and "hemligt-partnerskap" not in text
    assert "hemligkoping" not in text


# The JSON API ----------------------------------------------------------------------------

SAME_FILTERS = [
    ("/projekt/", "/api/v1/projects", ""),
    ("/projekt/", "/api/v1/projects", "country=KE&goal=11"),
    ("/projekt/", "/api/v1/projects", "country=KE&country=CO"),
    ("/projekt/", "/api/v1/projects", "goal=13&status=ongoing"),
    ("/projekt/", "/api/v1/projects", "q=decentralisering&sort=-title"),
    ("/projekt/", "/api/v1/projects", "theme=gender-equality"),
    ("/partnerskap/", "/api/v1/partnerships", ""),
    ("/partnerskap/", "/api/v1/partnerships", "country=KE&goal=11"),
    ("/partnerskap/", "/api/v1/partnerships", "municipality=borlange&year=2017"),
    ("/partnerskap/", "/api/v1/partnerships", "status=completed"),
    ("/kommuner/", "/api/v1/municipalities", ""),
    ("/kommuner/", "/api/v1/municipalities", "kind=region"),
    ("/kommuner/", "/api/v1/municipalities", "country=KE&goal=11"),
    ("/kommuner/", "/api/v1/municipalities", "q=Landstinget"),
]


@pytest.mark.parametrize("page,api,query", SAME_FILTERS)
def test_api_counts_and_facets_equal_the_page(client, records, page, api, query):
    html = client.get(f"{page}?{query}")
    data = client.get(f"{api}?{query}&facets=1").json()
    assert data["count"] == html.context["page_obj"].paginator.count
    page_order = [o.slug for o in html.context["object_list"]]
    assert [row["slug"] for row in data["results"]][: len(page_order)] == page_order
    facets = {
        name: {(v, n, bool(sel)) for v, _label, n, sel in options}
        for name, options in html.context["facets"].items()
    }
    assert {
        name: {(o["value"], o["count"], o["selected"]) for o in options}
        for name, options in data["facets"].items()
    } == facets


def test_grants_are_those_of_the_filtered_partnerships(client, records):
    data = client.get("/api/v1/grants?country=KE").json()
    assert data["count"] == 1
    grant = data["results"][0]
    assert grant["total_sek"] == 1_200_000
    assert grant["identifier"].startswith("360G-icld-")
    assert grant["grant_maker"]["slug"] == "icld"
    assert grant["partnership"]["url"] == "http://testserver/partnerskap/borlange-kisumu/"
    assert [o["slug"] for o in grant["swedish_participants"]] == ["borlange"]
    assert client.get("/api/v1/grants?country=XK").json()["count"] == 2
    assert client.get(f"/api/v1/grants/{grant['id']}").json()["id"] == grant["id"]


def test_records_have_stable_identifiers_both_languages_and_urls(client, records):
    project = client.get("/api/v1/projects/symbiocity-kenya").json()
    assert project["slug"] == "symbiocity-kenya" and isinstance(project["id"], int)
    assert {"title_sv", "title_en", "summary_sv", "summary_en"} <= set(project)
    assert project["url"] == "http://testserver/projekt/symbiocity-kenya/"
    assert project["url_en"] == "http://testserver/en/projects/symbiocity-kenya/"
    partnership = client.get("/api/v1/partnerships/borlange-kisumu").json()
    assert partnership["title_en"] == "Borlänge and Kisumu"
    assert partnership["country"]["code"] == "KE"
    assert [g["total_sek"] for g in partnership["grants"]] == [1_200_000]
    municipality = client.get("/api/v1/municipalities/borlange").json()
    assert municipality["published_partnerships"] == 2
    borlange = Organisation.objects.get(slug="borlange")
    assert municipality["identifier"] == f"360G-icld-org-{borlange.pk}"
    assert client.get("/api/v1/goals/sdg/11").json()["code"] == "11"
    assert client.get("/api/v1/countries/xk").json()["name_en"] == "Kosovo"
    assert client.get("/api/v1/programmes/kommunala-partnerskap").status_code == 200
    rounds = client.get("/api/v1/grant-rounds").json()
    assert rounds["count"] == 1
    assert client.get("/api/v1/organisations?kind=nonprofit").json()["results"][0]["slug"] == (
        "icld"
    )


def test_pagination_has_count_next_and_previous(client, records):
    first = client.get("/api/v1/countries?page_size=100").json()
    assert first["count"] == 250 and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/countries?page_size=100&page=2"
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert last["next"] is None and len(last["results"]) == 50


@pytest.mark.parametrize(
    "query",
    [
        "goal=abc",
        "goal=99",
        "country=ZZ",
        "country=K%00E",
        "theme=%00",
        "theme=no-such-theme",
        "status=sleeping",
        "sort=evil",
        "year=abc",
        "year=99999",
        "q=" + "x" * 10_000,
        "page=0",
        "page=abc",
        "page_size=100000",
        "unknown=1",
        "municipality=%00",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/projects", "/api/v1/partnerships", "/api/v1/grants"])
def test_bad_parameters_give_400_with_a_json_body(client, records, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/api/v1/projects", "/api/v1/partnerships", "/api/v1/grants"])
def test_a_page_past_the_last_gives_404_with_a_json_body(client, records, path):
    response = client.get(f"{path}?page=999999")
    assert response.status_code == 404
    assert response.json()["errors"]["page"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_records_give_404_json(client, records):
    for url in [
        "/api/v1/projects/hemligt-projekt",
        "/api/v1/partnerships/hemligt-partnerskap",
        "/api/v1/municipalities/hemligkoping",
        "/api/v1/organisations/hemligkoping",
        "/api/v1/goals/sdg/18",
        "/api/v1/countries/zz",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not Found"}


def test_drafts_are_nowhere_in_the_api(client, records):
    draft_grant = records and __import__("partnerships.models").models.Grant.objects.get(
        partnership__slug="hemligt-partnerskap"
    )
    assert client.get(f"/api/v1/grants/{draft_grant.pk}").status_code == 404
    for url in [
        "/api/v1/projects?page_size=500",
        "/api/v1/partnerships?page_size=500&facets=1",
        "/api/v1/grants?page_size=500",
        "/api/v1/municipalities?page_size=500&facets=1",
        "/api/v1/organisations?page_size=500",
        "/api/v1/grant-rounds",
        "/api/v1/partnerships/borlange-kisumu",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert_no_drafts(response.content.decode())


def test_openapi_document_is_valid(client, records):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    paths = document["paths"]
    for path in [
        "/api/v1/projects",
        "/api/v1/projects/{slug}",
        "/api/v1/partnerships",
        "/api/v1/grants",
        "/api/v1/municipalities",
        "/api/v1/organisations",
        "/api/v1/programmes",
        "/api/v1/grant-rounds",
        "/api/v1/goals",
        "/api/v1/countries",
    ]:
        assert "get" in paths[path], path
    names = {p["name"] for p in paths["/api/v1/partnerships"]["get"]["parameters"]}
    assert {"country", "goal", "theme", "status", "year", "municipality", "q", "sort"} <= names


def test_docs_page_needs_no_cdn_and_no_inline_script(client, records):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"https?://", html)
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes
    assert '"validatorUrl": null' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert client.get(f"/static/ninja/{asset}").status_code == 200


def test_conditional_get_and_cors(client, records):
    url = "/api/v1/projects?country=KE"
    first = client.get(url)
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert (
        client.get("/api/v1/projects?country=CO", headers={"If-None-Match": etag}).status_code
        == 200
    )
    make_project("new-in-kenya", countries=["KE"])
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["count"] == first.json()["count"] + 1


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def build(n, goals):
    municipality = make_municipality(f"Kommun {n}")
    from projects.models import ProjectParticipant
    from reference.models import Role

    for i in range(n):
        project = make_project(
            f"project-{n}-{i}",
            countries=["KE", "CO"],
            goals=[goals[11]],
            start_year=2015,
            end_year=2018,
        )
        ProjectParticipant.objects.create(
            project=project, organisation=municipality, role=Role.IMPLEMENTING
        )
        make_partnership(
            f"partnership-{n}-{i}",
            country="KE",
            participants=[municipality],
            goals=[goals[11]],
            start_year=2016,
            end_year=2018,
            grants=[(2016, 300_000, 2), (2018, 300_000, 1)],
        )


# Absolute numbers, pinned: a change that adds a query per row shows here.
API_QUERIES = [
    ("/api/v1/projects?page_size=500", 15),
    # + unstated facts; the SDGs read once for the goal filter and facet (26 before)
    ("/api/v1/projects?country=KE&goal=11&facets=1", 25),
    ("/api/v1/partnerships?page_size=500", 15),  # + who decided and funded each grant
    ("/api/v1/grants?country=KE&page_size=500", 12),  # + who decided and funded each grant
    ("/api/v1/municipalities?facets=1", 18),
    ("/api/v1/projects/project-5-1", 14),
]


@pytest.mark.parametrize("url,expected", API_QUERIES)
def test_api_query_count_does_not_grow_with_rows(client, goals, url, expected):
    from core import cache as core_cache

    core_cache._local.__dict__.clear()  # as in a new worker thread
    build(5, goals)
    few = query_count(client, url)
    build(40, goals)
    many = query_count(client, url)
    assert few == many == expected


# 360Giving -------------------------------------------------------------------------------

STANDARDS = __import__("pathlib").Path(__file__).resolve().parent.parent / "opendata" / "standards"


def validate_360giving(package):
    import json

    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads((STANDARDS / "360-giving-schema.json").read_text())
    package_schema = json.loads((STANDARDS / "360-giving-package-schema.json").read_text())
    grant_ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources(
        [
            # The files name the draft with http://, which referencing does not know.
            (grant_ref, Resource(contents=grant_schema, specification=DRAFT202012)),
            (grant_schema["$id"], Resource(contents=grant_schema, specification=DRAFT202012)),
        ]
    )
    validator = Draft202012Validator(
        package_schema, registry=registry, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def read_stream(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def test_360giving_package_is_valid_and_follows_the_filters(client, records):
    import json

    response = client.get("/partnerskap/bidrag.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    package = json.loads(read_stream(response))
    validate_360giving(package)
    assert package["version"] == "1.4"
    assert package["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert package["publisher"]["name"] == "Swedish Association of Local Authorities and Regions"
    by_country = {g["beneficiaryLocation"][0]["name"]: g for g in package["grants"]}
    pk = dict(Organisation.objects.values_list("slug", "pk"))
    kenya = by_country["Kenya"]
    assert kenya["beneficiaryLocation"] == [{"name": "Kenya", "countryCode": "KE"}]
    assert kenya["fundingOrganization"] == [
        {"id": f"360G-icld-org-{pk['icld']}", "name": "Internationellt Centrum för Lokal Demokrati"}
    ]
    assert kenya["recipientOrganization"] == [
        {"id": f"360G-icld-org-{pk['borlange']}", "name": "Borlänge"}
    ]
    assert kenya["amountAwarded"] == 1_200_000 and kenya["currency"] == "SEK"
    assert kenya["awardDate"] == "2016-01-01"
    assert {c["code"] for c in kenya["classifications"]} == {"5", "11"}
    assert all(
        c["vocabulary"] == "UN Sustainable Development Goals" for c in kenya["classifications"]
    )
    # Kosovo is not in 360Giving's country list: the name only.
    assert by_country["Kosovo"]["beneficiaryLocation"] == [{"name": "Kosovo"}]
    # Grants without a published grant-maker cannot name a funder and are left out.
    assert len(package["grants"]) == 2
    with pytest.raises(AssertionError):
        validate_360giving({"grants": [{"id": "x", "title": "no amount"}]})
    # A filter that matches nothing: 404 (tests/test_empty_selections.py).
    assert client.get("/partnerskap/bidrag.json?country=CO").status_code == 404
    assert_no_drafts(json.dumps(package, ensure_ascii=False))


def test_360giving_bad_parameters_give_400(client, records):
    for query in ["country=ZZ", "goal=x", "foo=1", "municipality=hemligkoping"]:
        response = client.get(f"/partnerskap/bidrag.json?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"]


def test_360giving_query_count_is_constant(client, goals, no_stream_limits, settings):
    from partnerships.models import Grant
    from reference.models import Organisation

    # The file computed for each request: the queries of computing it (the written file
    # is served with none, tests/test_whole_files.py).
    settings.OPEN_DATA_FILES_ROOT = ""
    icld = make_municipality("ICLD", kind="nonprofit", country=None)
    build(5, goals)
    set_roles(Grant.objects.all(), grant_maker=icld)
    few = query_count(client, "/partnerskap/bidrag.json")
    build(40, goals)
    set_roles(Grant.objects.all(), grant_maker=icld)
    many = query_count(client, "/partnerskap/bidrag.json")
    assert Organisation.objects.count() >= 3
    # + is anything describable (an empty selection is a 404), + the rounds' grant-makers;
    # a grant's own grant-maker comes with the grant (one query fewer a chunk).
    assert few == many == 15


# IATI ------------------------------------------------------------------------------------


def iati_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(STANDARDS / "iati-activities-schema.xsd")))


def parse_iati(response):
    from lxml import etree

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(read_stream(response))
    schema = iati_schema()
    assert schema.validate(document), schema.error_log.last_error
    return document


@pytest.fixture
def dated_project(records):
    goals = {g.number: g for g in seeded_goals()}
    project = make_project(
        "dated-project",
        countries=["KE", "CO", "BO"],
        goals=[goals[11], goals[13]],
        start_year=2015,
        end_year=2018,
        start_actual=True,
        title_en="A dated project",
        summary_sv="Kort sammanfattning.",
    )
    from projects.models import ProjectBudget, ProjectParticipant
    from reference.models import Theme

    project.themes.set(Theme.objects.filter(slug__in=["sustainable-cities", "gender-equality"]))
    ProjectBudget.objects.create(project=project, year=2016, amount_sek=1_000_000)
    for slug, role in (("sida", "funding"), ("salar-international", "implementing")):
        ProjectParticipant.objects.create(
            project=project, organisation=Organisation.objects.get(slug=slug), role=role
        )
    ProjectParticipant.objects.create(
        project=project,
        organisation=Organisation.objects.get(slug="hemligkoping"),
        role="extending",
    )
    return project


def test_iati_projects_are_valid_against_the_xsd(client, dated_project):
    document = parse_iati(client.get("/projekt/iati.xml"))
    assert document.get("version") == "2.03"
    # Seeded projects have no dates, which IATI requires: only the dated one is there.
    (activity,) = document.findall("iati-activity")
    assert activity.get("default-currency") == "SEK"
    skr = Organisation.objects.get(slug="skr")
    assert activity.findtext("iati-identifier") == (
        f"360G-icld-org-{skr.pk}-project-{dated_project.pk}"
    )
    assert activity.find("reporting-org").get("ref") == f"360G-icld-org-{skr.pk}"
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    titles = {n.get(lang): n.text for n in activity.find("title")}
    assert titles == {"sv": "Dated Project", "en": "A dated project"}
    roles = {p.findtext("narrative"): p.get("role") for p in activity.findall("participating-org")}
    assert roles == {
        "Styrelsen för internationellt utvecklingssamarbete": "1",
        "SALAR International": "4",
    }
    assert activity.find("activity-status").get("code") == "3"  # completed, end not actual
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"2": "2015-01-01", "3": "2018-12-31"}
    percentages = [Decimal(c.get("percentage")) for c in activity.findall("recipient-country")]
    assert len(percentages) == 3 and sum(percentages) == 100
    assert {s.get("code") for s in activity.findall("sector")} == {"43030", "15170"}
    assert {t.get("code") for t in activity.findall("tag[@vocabulary='2']")} == {"11", "13"}
    assert activity.find("budget/value").text == "1000000"
    assert client.get("/projekt/iati.xml?country=SE").status_code == 404  # matches nothing


def test_iati_partnerships_follow_the_filters_and_hide_drafts(client, records, settings):
    settings.IATI_REPORTING_ORG_REF = "SE-ON-0000000000"
    document = parse_iati(client.get("/partnerskap/iati.xml"))
    identifiers = [a.findtext("iati-identifier") for a in document.findall("iati-activity")]
    assert len(identifiers) == 2
    assert all(i.startswith("SE-ON-0000000000-partnership-") for i in identifiers)
    kenya = parse_iati(client.get("/partnerskap/iati.xml?country=KE&goal=11"))
    (activity,) = kenya.findall("iati-activity")
    assert activity.find("recipient-country").get("code") == "KE"
    assert activity.find("recipient-country").get("percentage") is None
    roles = sorted(p.get("role") for p in activity.findall("participating-org"))
    assert roles == ["1", "3", "4"]  # Sida funding, ICLD extending, Borlänge implementing
    budgets = [
        (b.find("period-start").get("iso-date"), b.findtext("value"))
        for b in activity.findall("budget")
    ]
    assert budgets == [("2016-01-01", "400000"), ("2017-01-01", "400000"), ("2018-01-01", "400000")]
    kosovo = parse_iati(client.get("/partnerskap/iati.xml?country=XK"))
    assert kosovo.find("iati-activity/recipient-country").get("code") == "XK"
    from lxml import etree

    text = etree.tostring(document, encoding="unicode")
    assert_no_drafts(text)
    assert client.get("/partnerskap/iati.xml?goal=99").status_code == 400


def test_iati_text_with_markup_characters_reads_back_unchanged(client, seeded, no_stream_limits):
    """The activities are written as text: what an editor typed, markup characters, line
    breaks and quotes included, parses back as typed, and the file stays valid."""
    from partnerships.models import Partnership
    from reference.models import Organisation
    from tests.conftest import describable_partnership

    title = 'Vatten & "sanitet" <i>\r\n\tKisumu</i> > 2'
    describable_partnership("tecken")
    Partnership.objects.filter(slug="tecken").update(title_sv=title, summary_sv="Rad 1\x01\nRad 2")
    Organisation.objects.filter(slug="borlange").update(iati_ref='SE-"1"&<2>\t')
    document = parse_iati(client.get("/partnerskap/iati.xml"))
    (activity,) = [
        a
        for a in document.findall("iati-activity")
        if "tecken" in a.find("document-link").get("url")
    ]
    assert activity.findtext("title/narrative") == title
    assert activity.findtext("description/narrative") == "Rad 1\nRad 2"
    refs = [o.get("ref") for o in activity.findall("participating-org")]
    assert 'SE-"1"&<2>\t' in refs
    iati_schema().assertValid(document)


def test_iati_drafts_are_nowhere(client, dated_project):
    from lxml import etree

    text = etree.tostring(parse_iati(client.get("/projekt/iati.xml")), encoding="unicode")
    assert_no_drafts(text)


@pytest.mark.parametrize("url,expected", [("/projekt/iati.xml", 14), ("/partnerskap/iati.xml", 14)])
def test_iati_query_count_is_constant(client, goals, url, expected, no_stream_limits, settings):
    settings.OPEN_DATA_FILES_ROOT = ""  # computing the file (the written one: no query)
    build(5, goals)
    few = query_count(client, url)
    build(40, goals)
    many = query_count(client, url)
    assert few == many == expected


@pytest.mark.parametrize(
    "url,table",
    [
        ("/projekt/iati.xml", "projects_project"),
        ("/partnerskap/iati.xml", "partnerships_partnership"),
    ],
)
def test_iati_reads_only_the_columns_it_writes(
    client, goals, url, table, no_stream_limits, settings
):
    """A record's page text, image and source are not in an activity; reading them for
    100 000 grants kept a worker 65 MB larger (issue: the archive of record)."""
    settings.OPEN_DATA_FILES_ROOT = ""
    build(3, goals)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert b"<iati-activity " in b"".join(response.streaming_content)
    reads = [q["sql"] for q in ctx.captured_queries if f'"{table}"."title_sv"' in q["sql"]]
    assert reads
    for sql in reads:
        for column in ("body_sv", "body_en", "image_renditions", "reference_source"):
            assert column not in sql


# DCAT-AP-SE ------------------------------------------------------------------------------


def test_dcat_catalogue_parses_and_has_the_mandatory_properties(client, records):
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS, RDF

    response = client.get("/oppna-data/katalog.rdf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rdf+xml")
    graph = Graph().parse(data=response.content, format="xml")
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalog, prop) is not None, prop
    datasets = list(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == 4  # projects, partnerships, municipalities, the tables
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.contactPoint):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        assert {t.language for t in graph.objects(dataset, DCTERMS.title)} == {"sv", "en"}
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            for prop in (DCAT.accessURL, DCTERMS.format, DCTERMS.license):
                assert graph.value(distribution, prop) is not None, (distribution, prop)
            assert str(graph.value(distribution, DCTERMS.license)) == (
                "http://creativecommons.org/publicdomain/zero/1.0/"
            )
            address = str(graph.value(distribution, DCAT.accessURL))
            download = client.get(address.replace("http://testserver", ""))
            assert download.status_code == 200
            if download.streaming:  # read to the end, as a harvester does, one at a time
                b"".join(download.streaming_content)
    assert ".csv" not in response.content.decode()


# Feeds, sitemap, robots.txt --------------------------------------------------------------


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/projekt/feed/?country=KE", {"SymbioCity Kenya"}),
        ("/en/projects/feed/?country=KE", {"SymbioCity Kenya"}),
        ("/partnerskap/feed/", {"Borlange Kisumu", "Borlange Pristina"}),
        ("/en/partnerships/feed/?country=KE", {"Borlänge and Kisumu"}),
        ("/projekt/feed/?country=ZZ", set()),
    ],
)
def test_feeds_parse_without_errors_and_follow_the_filters(client, records, url, expected):
    import feedparser

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert {entry.title for entry in feed.entries} == expected
    assert_no_drafts(response.content.decode())
    if "ZZ" in url:
        assert "ZZ" in feed.feed.subtitle


@pytest.mark.parametrize(
    # + the publisher as the feed's author; + organisations, programmes and rounds
    "url,expected",
    [("/partnerskap/feed/?country=KE", 9), ("/sitemap.xml", 8)],
)
def test_feed_and_sitemap_query_count_is_constant(client, goals, url, expected):
    build(5, goals)
    few = query_count(client, url)
    build(40, goals)
    many = query_count(client, url)
    assert few == many == expected


def test_sitemap_lists_every_published_page_in_both_languages(client, records):
    from lxml import etree

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = [loc.text for loc in document.findall("s:url/s:loc", ns)]
    paths = {loc.replace("http://testserver", "") for loc in locations}
    for path in [
        "/",
        "/en/",
        "/projekt/symbiocity-kenya/",
        "/en/projects/symbiocity-kenya/",
        "/partnerskap/borlange-kisumu/",
        "/kommuner/borlange/",
        "/mal/11/",
        "/lander/ke/",
        "/oppna-data/",
        "/en/open-data/",
    ]:
        assert path in paths, path
    alternates = document.findall("s:url/x:link[@rel='alternate']", ns)
    assert {a.get("hreflang") for a in alternates} == {"sv", "en", "x-default"}
    assert_no_drafts(response.content.decode())
    for path in sorted(paths):
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /partnerskap/bidrag.csv" in body
    assert "Disallow: /partnerskap/bidrag.json" not in body


# The "Öppna data" page -------------------------------------------------------------------


def test_open_data_page_in_both_languages(client, records):
    swedish = client.get("/oppna-data/").content.decode()
    assert "<h1>Öppna data</h1>" in swedish
    assert "Så snart en uppgift publiceras eller ändras." in swedish
    assert "http://testserver/partnerskap/bidrag.json?country=KE&amp;goal=11" in swedish
    assert "http://testserver/api/v1/grants?country=KE&amp;goal=11" in swedish
    assert "http://testserver/partnerskap/iati.xml?country=KE&amp;goal=11" in swedish
    assert 'href="/api/v1/docs"' in swedish
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in swedish
    english = client.get("/en/open-data/").content.decode()
    assert "<h1>Open data</h1>" in english and "As soon as a record is published" in english
    assert 'href="/en/open-data/">Open data</a>' in english  # the footer


def test_lists_link_their_open_data_with_the_same_filters(client, records):
    body = client.get("/partnerskap/?country=KE&goal=11&page=1").content.decode()
    for url in [
        "/api/v1/partnerships?country=KE&amp;goal=11",
        "/partnerskap/bidrag.json?country=KE&amp;goal=11",
        "/partnerskap/iati.xml?country=KE&amp;goal=11",
        "/partnerskap/feed/?country=KE&amp;goal=11",
    ]:
        assert f'href="{url}"' in body, url
    english = client.get("/en/projects/?country=KE").content.decode()
    assert 'href="/api/v1/projects?country=KE"' in english
    assert 'href="/en/projects/feed/?country=KE"' in english
    assert 'href="/api/v1/municipalities"' in client.get("/kommuner/").content.decode()


@pytest.mark.parametrize("path", ["/api/v1/projects?country=KE", "/partnerskap/bidrag.json"])
def test_cors_preflight_is_answered(client, db, path):
    """A script on another site that sends If-None-Match asks first (a preflight)."""
    response = client.options(
        path,
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "if-none-match" in response["Access-Control-Allow-Headers"].lower()
    assert int(response["Access-Control-Max-Age"]) > 0
    # The validators can be read by the script on the real request.
    exposed = client.get(path)["Access-Control-Expose-Headers"].lower()
    assert "etag" in exposed and "last-modified" in exposed


# The filter contract declared once: the API's parameters are the FilterSets' ------------


@pytest.mark.parametrize(
    "path, filterset",
    [
        ("/api/v1/projects", "projects.filters.ProjectFilterSet"),
        ("/api/v1/partnerships", "partnerships.filters.PartnershipFilterSet"),
        ("/api/v1/grants", "partnerships.filters.PartnershipFilterSet"),
        ("/api/v1/municipalities", "partnerships.filters.MunicipalityFilterSet"),
    ],
)
def test_the_api_parameters_are_the_filtersets_parameters(client, db, path, filterset):
    """A filter added to a list's FilterSet is a parameter of its API list, with the same
    limits, and nothing is declared twice (issue: FilterParams was kept by hand)."""
    from django.utils.module_loading import import_string

    document = client.get("/api/v1/openapi.json").json()
    parameters = {
        p["name"]: p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"
    }
    expected = set(import_string(filterset).base_filters) | {"page", "page_size", "facets"}
    assert set(parameters) == expected
    if "goal" in parameters:
        text = json.dumps(parameters["goal"]["schema"])
        assert '"17"' in text and '"0"' not in text  # the goals 1–17, declared
    if "year" in parameters:
        assert '"maximum"' in json.dumps(parameters["year"]["schema"])
