"""Who runs, decides and funds what is one representation: participation rows with roles
(issue #18 point 6). The migration moves every value the old foreign keys had, with their
history; editors name the organisations in the admin, each role once; a grant added in
the admin takes its round's, as an import does; every page and format reads the rows."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from partnerships.models import Grant, GrantRound, GrantRoundParticipant
from reference.models import Organisation, Programme, Role
from tests.conftest import admin_form_data, make_partnership, set_roles

BEFORE = [("reference", "0008_organisation_fulltext"), ("partnerships", "0006_round_closing")]
AFTER = [("reference", "0009_funding_roles"), ("partnerships", "0008_groups")]


def migrate(targets=None):
    """Migrates to `targets`, or to the latest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_afterwards():
    yield
    migrate()  # whatever happened, the next tests find every migration applied


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_value_and_its_history(latest_afterwards):
    old = migrate(BEFORE)
    Organisation = old.get_model("reference", "Organisation")
    Programme = old.get_model("reference", "Programme")
    HistoricalProgramme = old.get_model("reference", "HistoricalProgramme")
    GrantRound = old.get_model("partnerships", "GrantRound")
    Partnership = old.get_model("partnerships", "Partnership")
    Grant = old.get_model("partnerships", "Grant")
    HistoricalGrant = old.get_model("partnerships", "HistoricalGrant")
    orgs = {
        slug: Organisation.objects.create(slug=slug, name_sv=slug.upper(), kind="agency")
        for slug in ("icld", "sida", "skr", "gammal")
    }
    programme = Programme.objects.create(
        slug="kp", name_sv="KP", owner=orgs["icld"], funder=orgs["sida"]
    )
    bare = Programme.objects.create(slug="tom", name_sv="Tom")
    grant_round = GrantRound.objects.create(
        slug="r", programme=programme, title_sv="R", grant_maker=orgs["icld"]
    )
    partnership = Partnership.objects.create(slug="p", title_sv="P")
    grant = Grant.objects.create(
        partnership=partnership,
        grant_round=grant_round,
        year=2016,
        amount_sek_per_year=1,
        duration_years=1,
        grant_maker=orgs["icld"],
        funding_source=orgs["sida"],
    )
    # Its history: first decided by "gammal" with no source of money, then by ICLD
    # with Sida's money; the programme first had no owner.
    times = [datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)]
    values = {f.attname: getattr(grant, f.attname) for f in Grant._meta.concrete_fields}
    HistoricalGrant.objects.create(
        **{**values, "grant_maker_id": orgs["gammal"].pk, "funding_source_id": None},
        history_date=times[0],
        history_type="+",
    )
    HistoricalGrant.objects.create(**values, history_date=times[1], history_type="~")
    values = {f.attname: getattr(programme, f.attname) for f in Programme._meta.concrete_fields}
    HistoricalProgramme.objects.create(
        **{**values, "owner_id": None}, history_date=times[0], history_type="+"
    )
    HistoricalProgramme.objects.create(**values, history_date=times[1], history_type="~")

    new = migrate(AFTER)
    ProgrammeParticipant = new.get_model("reference", "ProgrammeParticipant")
    RoundParticipant = new.get_model("partnerships", "GrantRoundParticipant")
    GrantRow = new.get_model("partnerships", "GrantParticipant")
    GrantRowHistory = new.get_model("partnerships", "HistoricalGrantParticipant")
    ProgrammeRowHistory = new.get_model("reference", "HistoricalProgrammeParticipant")
    slug = {o.pk: s for s, o in orgs.items()}

    def rows(model, key, pk):
        return {(r.role, slug[r.organisation_id]) for r in model.objects.filter(**{key: pk})}

    assert rows(ProgrammeParticipant, "programme_id", programme.pk) == {
        (Role.ACCOUNTABLE, "icld"),
        (Role.FUNDING, "sida"),
    }
    assert rows(ProgrammeParticipant, "programme_id", bare.pk) == set()
    assert rows(RoundParticipant, "grant_round_id", grant_round.pk) == {(Role.EXTENDING, "icld")}
    assert rows(GrantRow, "grant_id", grant.pk) == {
        (Role.EXTENDING, "icld"),
        (Role.FUNDING, "sida"),
    }
    history = [
        (h.history_date, h.history_type, h.role, slug[h.organisation_id])
        for h in GrantRowHistory.objects.filter(grant_id=grant.pk).order_by("history_date", "role")
    ]
    assert history == [
        (times[0], "+", Role.EXTENDING, "gammal"),
        (times[1], "~", Role.EXTENDING, "icld"),
        (times[1], "+", Role.FUNDING, "sida"),
    ]
    live = dict(GrantRow.objects.filter(grant_id=grant.pk).values_list("role", "pk"))
    assert {h.id for h in GrantRowHistory.objects.filter(role=Role.EXTENDING)} == {
        live[Role.EXTENDING]
    }
    owner = ProgrammeRowHistory.objects.filter(role=Role.ACCOUNTABLE).values_list(
        "history_date", "history_type"
    )
    assert list(owner) == [(times[1], "+")]

    # Reversed, the rows go back into the foreign keys, and SQLite's full-text index of
    # the programmes (its table remade) is made again.
    back = migrate(BEFORE)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'reference_programme_fts%'"
            )
            assert {"reference_programme_fts_insert", "reference_programme_fts_update"} <= {
                name for (name,) in cursor.fetchall()
            }
    grant = back.get_model("partnerships", "Grant").objects.get(pk=grant.pk)
    assert (grant.grant_maker_id, grant.funding_source_id) == (orgs["icld"].pk, orgs["sida"].pk)


@pytest.fixture
def round_and_partnership(seeded):
    grant_round = GrantRound.objects.get()
    partnership = make_partnership("p", country="KE", programme=grant_round.programme)
    return grant_round, partnership


def test_a_grant_added_in_the_admin_takes_its_rounds_organisations(
    client, editor, round_and_partnership
):
    grant_round, partnership = round_and_partnership
    client.force_login(editor)
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    data = admin_form_data(client, url)
    data.update(
        {
            "grants-TOTAL_FORMS": 1,
            "grants-0-grant_round": grant_round.pk,
            "grants-0-year": 2016,
            "grants-0-amount_sek_per_year": 400_000,
            "grants-0-duration_years": 2,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = Grant.objects.with_roles().get(partnership=partnership)
    assert (grant.grant_maker.slug, grant.funding_source.slug) == ("icld", "sida")
    assert grant.roles.get(role=Role.EXTENDING).history.get().history_user == editor


def test_a_round_without_organisations_passes_on_its_programmes(round_and_partnership, editor):
    from partnerships.roles import give_round_roles

    grant_round, partnership = round_and_partnership
    GrantRoundParticipant.objects.filter(grant_round=grant_round).delete()
    grant = Grant.objects.create(
        partnership=partnership,
        grant_round=grant_round,
        year=2016,
        amount_sek_per_year=400_000,
        duration_years=1,
    )
    give_round_roles(Grant.objects.filter(pk=grant.pk), user=editor)
    grant = Grant.objects.with_roles().get(pk=grant.pk)
    programme = Programme.objects.with_roles().get(pk=grant_round.programme_id)
    assert grant.grant_maker == programme.owner and grant.funding_source == programme.funder
    # A grant that names its own keeps them.
    set_roles(grant, grant_maker=Organisation.objects.get(slug="skr"))
    give_round_roles(Grant.objects.filter(pk=grant.pk), user=editor)
    assert Grant.objects.with_roles().get(pk=grant.pk).grant_maker.slug == "skr"


def test_editors_name_a_rounds_organisations_each_role_once(client, editor, seeded):
    grant_round = GrantRound.objects.get()
    client.force_login(editor)
    url = reverse("admin:partnerships_grantround_change", args=[grant_round.pk])
    data = admin_form_data(client, url)
    assert data["roles-TOTAL_FORMS"] == 2 or data["roles-INITIAL_FORMS"] == 2
    skr = Organisation.objects.get(slug="skr")
    # A third row in a role the round already has is refused with a message.
    data.update(
        {
            "roles-TOTAL_FORMS": 3,
            "roles-2-role": Role.FUNDING,
            "roles-2-organisation": skr.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_error_count()
    # A role a round does not have is not offered and is refused.
    data["roles-TOTAL_FORMS"] = 3
    data["roles-2-role"] = Role.SWEDISH_PARTICIPANT
    response = client.post(url, data)
    assert response.status_code == 200
    assert not GrantRoundParticipant.objects.filter(organisation=skr).exists()
    # Changing the source of money is saved, with who did it.
    data["roles-TOTAL_FORMS"] = 2
    funding = next(k for k, v in data.items() if v == Role.FUNDING and k.endswith("-role"))
    data[funding.replace("-role", "-organisation")] = skr.pk
    response = client.post(url, data)
    assert response.status_code == 302
    grant_round = GrantRound.objects.with_roles().get(pk=grant_round.pk)
    assert grant_round.funding_source == skr
    assert grant_round.roles.get(role=Role.FUNDING).history.latest().history_user == editor


def test_staff_cannot_change_who_funds_a_round(client, staff_user, seeded):
    grant_round = GrantRound.objects.get()
    client.force_login(staff_user)
    url = reverse("admin:partnerships_grantround_change", args=[grant_round.pk])
    before = list(GrantRoundParticipant.objects.values_list("role", "organisation_id"))
    response = client.post(url, {"roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0})
    assert response.status_code == 403
    assert list(GrantRoundParticipant.objects.values_list("role", "organisation_id")) == before


def facts(client, url):
    page = client.get(url).content.decode()
    return page.split('<dl class="facts">')[1].split("</dl>")[0]


def test_the_pages_read_the_rows(client, seeded):
    grant_round = GrantRound.objects.get()
    icld, skr = Organisation.objects.get(slug="icld"), Organisation.objects.get(slug="skr")
    assert icld.name_sv in facts(client, grant_round.get_absolute_url())
    assert grant_round.title_sv in client.get(icld.get_absolute_url()).content.decode()
    set_roles(grant_round, grant_maker=skr)
    round_facts = facts(client, grant_round.get_absolute_url())
    assert skr.name_sv in round_facts and icld.name_sv not in round_facts
    assert grant_round.title_sv not in client.get(icld.get_absolute_url()).content.decode()
    assert grant_round.title_sv in client.get(skr.get_absolute_url()).content.decode()
    # A grant names its own, on its partnership's page.
    partnership = make_partnership("p", country="KE", grants=[(2016, 100_000, 2)])
    set_roles(partnership.grants.all(), grant_maker=skr, funding_source=icld)
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert skr.name_sv in page and icld.name_sv in page


def test_an_editor_may_clear_a_grants_organisations(client, editor, round_and_partnership):
    """Only a grant added takes its round's; clearing them on the grant's page, or saving
    its partnership, leaves them cleared (and an old grant without any stays so)."""
    grant_round, partnership = round_and_partnership
    grant = Grant.objects.create(
        partnership=partnership,
        grant_round=grant_round,
        year=2016,
        amount_sek_per_year=400_000,
        duration_years=1,
    )
    set_roles(grant, grant_maker=Organisation.objects.get(slug="icld"))
    client.force_login(editor)
    url = reverse("admin:partnerships_grant_change", args=[grant.pk])
    data = admin_form_data(client, url)
    data["roles-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not grant.roles.exists()
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    assert client.post(url, admin_form_data(client, url)).status_code == 302
    assert not grant.roles.exists()


def test_360giving_names_the_grants_own_grant_maker_else_the_rounds(
    client, round_and_partnership, no_stream_limits, settings
):
    settings.OPEN_DATA_FILES_ROOT = ""  # computed for the request, not the written file
    grant_round, partnership = round_and_partnership
    kommun = Organisation.objects.published().filter(kind="kommun").first()
    partnership.participants.create(organisation=kommun, role=Role.SWEDISH_PARTICIPANT)
    Grant.objects.create(
        partnership=partnership, year=2016, amount_sek_per_year=1, duration_years=1
    )
    make_partnership(
        "p2",
        country="KE",
        programme=grant_round.programme,
        participants=[kommun],
        grants=[(2016, 100_000, 1)],
    )
    Grant.objects.filter(partnership__slug__in=["p", "p2"]).update(grant_round=grant_round)
    skr = Organisation.objects.get(slug="skr")
    hidden = Organisation.objects.create(
        slug="utkast", name_sv="Utkastorganisation", kind="agency", publication="draft"
    )
    set_roles(Grant.objects.filter(partnership__slug="p2"), grant_maker=skr)
    set_roles(Grant.objects.filter(partnership__slug="p"), grant_maker=hidden)

    def funders():
        response = client.get("/partnerskap/bidrag.json")
        grants = json.loads(b"".join(response.streaming_content))["grants"]
        return {g["url"].rstrip("/").rsplit("/", 1)[1]: g["fundingOrganization"] for g in grants}

    round_maker = GrantRoundParticipant.objects.get(
        grant_round=grant_round, role=Role.EXTENDING
    ).organisation
    found = funders()
    assert found["p2"] == [{"id": skr.identifier, "name": skr.name_sv}]
    # A draft grant-maker of the grant's own reads as none: the round's is named.
    assert found["p"] == [{"id": round_maker.identifier, "name": round_maker.name_sv}]
    assert "Utkastorganisation" not in str(found)
