"""Drafts reach the public by no path: a draft municipality or partner local government
taking part in a published partnership is named nowhere public, and its slug is treated
as unknown (issue: names of drafts appeared through published partnerships)."""

import pytest

from partnerships.models import Grant
from reference.models import Organisation, OrganisationKind
from tests.conftest import make_municipality, make_partnership, set_roles

pytestmark = pytest.mark.django_db

SECRET_SWEDISH = "Hemligkommun"
SECRET_PARTNER = "Hemlig partnerstad"


@pytest.fixture
def published_with_drafts(seeded, goals):
    draft_kommun = make_municipality(SECRET_SWEDISH, code="2999", publication="draft")
    draft_partner = make_municipality(
        SECRET_PARTNER,
        kind=OrganisationKind.PARTNER_GOVERNMENT,
        country="KE",
        publication="draft",
    )
    public_kommun = make_municipality("Öppenkommun")
    partnership = make_partnership(
        "publikt-partnerskap",
        title_sv="Publikt partnerskap",
        country="KE",
        participants=[draft_kommun, public_kommun],
        partners=[draft_partner],
        goals=[goals[11]],
        start_year=2016,
        end_year=2017,
    )
    record = Grant.objects.create(
        partnership=partnership,
        year=2016,
        amount_sek_per_year=400_000,
        duration_years=2,
        # 360Giving leaves out a grant without a grant-maker.
    )
    set_roles(record, grant_maker=Organisation.objects.get(slug="icld"))
    return partnership


def content(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/partnerskap/",
        "/partnerskap/?country=KE",
        "/en/partnerships/",
        "/partnerskap/publikt-partnerskap/",
        "/kommuner/",
        "/kommuner/?country=KE",
        "/lander/ke/",
        "/mal/11/",
    ],
)
def test_draft_names_appear_on_no_public_page(client, published_with_drafts, url):
    page = content(client.get(url))
    assert SECRET_SWEDISH not in page and SECRET_PARTNER not in page


@pytest.mark.parametrize(
    "url",
    [
        "/partnerskap/export.csv",
        "/partnerskap/bidrag.csv",
        "/partnerskap/bidrag.csv?columns=360giving",
        "/kommuner/export.csv",
    ],
)
def test_draft_names_appear_in_no_export(client, staff_user, published_with_drafts, url):
    client.force_login(staff_user)
    text = content(client.get(url))
    assert "Öppenkommun" in text or url.startswith("/kommuner/")
    assert SECRET_SWEDISH not in text and SECRET_PARTNER not in text
    assert "hemligkommun" not in text  # nor its slug inside an identifier


def test_draft_pages_are_not_found(client, published_with_drafts):
    assert client.get("/kommuner/hemligkommun/").status_code == 404


def test_a_draft_slug_gets_the_notice_of_an_unknown_one(client, published_with_drafts):
    draft = client.get("/partnerskap/?municipality=hemligkommun")
    unknown = client.get("/partnerskap/?municipality=finns-inte")
    assert draft.context["notices"] and unknown.context["notices"]
    assert draft.context["notices"][0].replace("hemligkommun", "X") == unknown.context["notices"][
        0
    ].replace("finns-inte", "X")
    assert draft.context["page_obj"].paginator.count == 0
