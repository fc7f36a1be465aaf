"""A draft reached through a relation of a published record is named on no public page,
file or feed, in either language (issue: draft programmes, owners, funders, parents,
publishers, grant-makers and sources of money appeared through published records). Every
public address of the URL resolver is walked, with a draft in every relation at once."""

from datetime import date

import pytest

from core.models import Publication
from partnerships.models import Grant, GrantRound, Partnership
from projects.models import ProjectParticipant
from reference.models import Organisation, OrganisationKind, Programme, Role, Source
from tests.conftest import make_municipality, make_partnership, make_project, set_roles
from tests.urlwalk import NOT_FOUND, public_addresses

pytestmark = pytest.mark.django_db

SECRET = "hemligx"
DRAFT = Publication.DRAFT


def draft_organisation(role):
    return Organisation.objects.create(
        slug=f"{SECRET}-{role}",
        name_sv=f"HEMLIGX {role}",
        acronym="HMLGX",
        kind=OrganisationKind.AGENCY,
        country_id="SE",
        publication=DRAFT,
    )


@pytest.fixture
def drafts_in_every_relation(seeded, goals):
    draft_programme = Programme.objects.create(
        slug=f"{SECRET}-programme", name_sv="HEMLIGX program", publication=DRAFT
    )
    programme = Programme.objects.create(
        slug="oppet-program",
        name_sv="Öppet program",
        publication=Publication.PUBLISHED,
    )
    set_roles(programme, owner=draft_organisation("owner"), funder=draft_organisation("funder"))
    publisher = draft_organisation("publisher")
    source = Source.objects.create(
        title="Öppen källa", publisher=publisher, published_on=date(2019, 11, 1)
    )
    Organisation.objects.create(
        slug="oppet-dotterbolag",
        name_sv="Öppet dotterbolag",
        kind=OrganisationKind.ASSOCIATION,
        country_id="SE",
        parent=draft_organisation("parent"),
        publication=Publication.PUBLISHED,
    )
    project = make_project(
        "oppet-projekt",
        countries=["KE"],
        goals=[goals[11]],
        programme=draft_programme,
        status_source=source,
    )
    project.sources.add(source)
    kommun = make_municipality("Öppenkommun", code="2998")
    # One project IATI can describe (dates, a published participant), with a draft
    # participant beside it: the file has an activity to read for the draft's name.
    dated = make_project(
        "oppet-projekt-2",
        countries=["KE"],
        goals=[goals[11]],
        programme=programme,
        start_year=2016,
        end_year=2017,
    )
    for org in (kommun, draft_organisation("project-partner")):
        ProjectParticipant.objects.create(project=dated, organisation=org, role=Role.IMPLEMENTING)
    grant_round = GrantRound.objects.create(
        slug="oppen-omgang",
        programme=programme,
        title_sv="Öppen omgång",
        year=2016,
        stated_new_partnerships=3,
    )
    set_roles(
        grant_round,
        grant_maker=draft_organisation("round-maker"),
        funding_source=draft_organisation("round-money"),
    )
    grant_round.participants.add(kommun)
    partnership = make_partnership(
        "oppet-partnerskap",
        country="KE",
        participants=[kommun],
        goals=[goals[11]],
        programme=draft_programme,
        start_year=2016,
        end_year=2017,
        status_source=source,
    )
    partnership.sources.add(source)
    record = Grant.objects.create(
        partnership=partnership,
        grant_round=grant_round,
        year=2016,
        amount_sek_per_year=400_000,
        duration_years=2,
    )
    set_roles(
        record,
        grant_maker=draft_organisation("grant-maker"),
        funding_source=draft_organisation("grant-money"),
    )
    make_partnership(
        "oppet-partnerskap-2",
        country="KE",
        participants=[kommun],
        goals=[goals[11]],
        programme=programme,
        start_year=2016,
        end_year=2017,
    )
    # One grant 360Giving can describe (a published grant-maker), paid by a draft: the
    # package has a grant to read for the draft's name (with none it would be a 404).
    record = Grant.objects.create(
        partnership=Partnership.objects.get(slug="oppet-partnerskap-2"),
        year=2017,
        amount_sek_per_year=100_000,
        duration_years=1,
    )
    set_roles(
        record,
        grant_maker=Organisation.objects.get(slug="icld"),
        funding_source=draft_organisation("paid-by"),
    )
    return kommun


def samples(name):
    """Published records of each kind, the ones that point at drafts among them."""
    from partnerships.models import Partnership
    from projects.models import Project
    from reference.models import SWEDISH_LOCAL_KINDS

    organisations = Organisation.objects.published()
    values = {
        "pages:goal-detail": [{"number": 11}],
        "pages:country-detail": [{"code": "ke"}, {"code": "se"}],
        "pages:organisation-detail": [
            {"slug": s}
            for s in organisations.exclude(kind__in=SWEDISH_LOCAL_KINDS).values_list(
                "slug", flat=True
            )
        ],
        "pages:programme-detail": [
            {"slug": s} for s in Programme.objects.published().values_list("slug", flat=True)
        ],
        "pages:round-detail": [
            {"slug": s} for s in GrantRound.objects.values_list("slug", flat=True)
        ],
        "projects:project-detail": [
            {"slug": s} for s in Project.objects.published().values_list("slug", flat=True)
        ],
        "partnerships:partnership-detail": [
            {"slug": s} for s in Partnership.objects.published().values_list("slug", flat=True)
        ],
        "partnerships:municipality-detail": [{"slug": "oppenkommun"}, {"slug": "borlange"}],
        "api-v1:project": [{"slug": "oppet-projekt"}],
        "api-v1:partnership": [{"slug": "oppet-partnerskap"}],
        "api-v1:grant": [{"grant_id": g} for g in Grant.objects.values_list("pk", flat=True)],
        "api-v1:grant_round": [{"slug": "oppen-omgang"}],
        "api-v1:municipality": [{"slug": "oppenkommun"}],
        "api-v1:organisation": [{"slug": "oppet-dotterbolag"}],
        "api-v1:programme": [{"slug": "oppet-program"}],
        "api-v1:goal": [{"framework": "sdg", "number": 11}],
        "api-v1:country": [{"code": "KE"}],
    }
    return values.get(name, [])


def body(response):
    if hasattr(response, "streaming_content"):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
        )
        return text.stdout.decode("utf-8")
    if response.get("Content-Type", "").startswith("application/zip"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    return content.decode("utf-8-sig")


def test_no_public_address_names_a_draft_reached_through_a_relation(
    client, drafts_in_every_relation
):
    addresses = public_addresses(samples)
    addresses += ["/sok/?q=%C3%B6ppet", "/en/search/?q=oppet", "/sok/?q=kenya"]
    assert len(addresses) > 60
    leaks = []
    for address in addresses:
        response = client.get(address)
        # The API's catch-all answers 404 in JSON (and oEmbed without an address);
        # every other address answers.
        expected = (404,) if address in NOT_FOUND else (200,)
        assert response.status_code in expected, (address, response.status_code)
        if SECRET in body(response).lower():
            leaks.append(address)
    assert leaks == [], "\n".join(leaks)


def test_the_published_records_of_the_walk_are_shown(client, drafts_in_every_relation):
    """The walk above reads pages that do show the published records around the drafts."""
    assert "Oppet Projekt" in client.get("/projekt/oppet-projekt/").content.decode()
    page = client.get("/program/oppet-program/").content.decode()
    assert "Öppet program" in page
    assert "Öppen källa" in client.get("/om-registret/").content.decode()
    assert "400" in client.get("/partnerskap/oppet-partnerskap/").content.decode()
