"""The checks of the standards' own validators that matter here (issue #22), as tests of
their own: IATI-Rulesets 2.03 (a sector on every activity, transactions, committed
budgets, the default types, organisation types) and 360Giving's data-quality checks
(no post-dated award date; no amount counted twice for two recipients)."""

import datetime
import json

import pytest
from django.utils import timezone

from partnerships.models import Grant
from reference.models import Organisation, Theme
from tests.conftest import describable_partnership, make_municipality, set_roles
from tests.test_opendata import parse_iati, read_stream, validate_360giving

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(seeded):
    partnership = describable_partnership("q")
    set_roles(partnership.grants.all(), funding_source=Organisation.objects.get(slug="sida"))
    return partnership


def activity_of(client, slug):
    document = parse_iati(client.get("/partnerskap/iati.xml"))
    (activity,) = [
        a
        for a in document.findall("iati-activity")
        if a.find("document-link").get("url").endswith(f"/{slug}/")
    ]
    return activity


def test_every_activity_has_a_sector_even_without_a_mapped_theme(client, partnership):
    # rule 6.2.2: a sector on the activity (or on every transaction)
    activity = activity_of(client, "q")
    assert [s.get("code") for s in activity.findall("sector")] == ["15112"]
    partnership.themes.set([Theme.objects.get(slug="communication")])
    activity = activity_of(client, "q")
    assert [s.get("code") for s in activity.findall("sector")] == ["99820"]


def test_a_grant_is_a_commitment_with_its_award_date_and_the_budgets_are_committed(
    client, partnership
):
    grant = partnership.grants.get()
    Grant.objects.filter(pk=grant.pk).update(decided_on=datetime.date(2015, 11, 20))
    activity = activity_of(client, "q")
    (transaction,) = activity.findall("transaction")
    assert transaction.find("transaction-type").get("code") == "2"  # commitment
    assert transaction.find("transaction-date").get("iso-date") == "2015-11-20"
    assert transaction.findtext("value") == "200000"  # 100 000 a year for two years
    assert transaction.find("value").get("value-date") == "2015-11-20"
    assert "Internationellt" in transaction.find("provider-org/narrative").text
    assert {b.get("status") for b in activity.findall("budget")} == {"2"}


def test_partnerships_carry_the_default_types_and_every_organisation_a_type(client, partnership):
    activity = activity_of(client, "q")
    assert activity.find("collaboration-type").get("code") == "1"  # bilateral
    assert activity.find("default-flow-type").get("code") == "10"  # ODA
    assert activity.find("default-finance-type").get("code") == "110"  # standard grant
    assert activity.find("default-aid-type").get("code") == "C01"  # project-type
    assert all(p.get("type") for p in activity.findall("participating-org"))


def test_a_grant_of_a_coming_year_is_not_dated_in_the_future(client, partnership):
    # 360Giving's quality check PostDatedAwardDates: a year not yet begun became 1 January.
    coming = timezone.localdate().year + 1
    partnership.grants.update(year=coming)
    (grant,) = json.loads(read_stream(client.get("/partnerskap/bidrag.json")))["grants"]
    assert grant["awardDate"] <= timezone.localdate().isoformat()
    assert grant["plannedDates"][0]["startDate"] == str(coming)


def test_a_grant_to_two_municipalities_counts_its_amount_once(client, partnership):
    # RecipientOrg checks counted a grant's whole amount for each recipient it lists.
    falun = make_municipality("Falun", code="2080", org_number="2120002080")
    partnership.participants.create(organisation=falun, role="swedish", position=2)
    package = json.loads(read_stream(client.get("/partnerskap/bidrag.json")))
    validate_360giving(package)
    (grant,) = package["grants"]
    assert [r["name"] for r in grant["recipientOrganization"]] == ["Borlänge"]
    assert "Falun" in grant["description"]


def test_the_open_data_page_says_which_validators_the_outputs_pass(client, seeded):
    for path, heading in (
        ("/oppna-data/", "Kontrollerat med standardernas egna verktyg"),
        ("/en/open-data/", "Checked with the standards' own tools"),
    ):
        html = client.get(path).content.decode()
        assert heading in html
        for tool in ("flattentool", "IATI 2.03", "SHACL", "schemathesis", "Nu HTML Checker"):
            assert tool in html
        assert "360G-icld-org-" in html  # the register-made identifiers, explained
