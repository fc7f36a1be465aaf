""" "Published partnerships per municipality" is one selector (issue #18 point 5): the
list, its sort, the CSV export and the API give each municipality the same number, which
counts only published partnerships it takes part in as a Swedish participant."""

import csv
import io

import pytest

from core.models import Publication
from reference.models import Organisation, OrganisationKind
from tests.conftest import make_municipality, make_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(seeded):
    borlange = Organisation.objects.get(slug="borlange")
    falun = make_municipality("Falun", code="2080")
    partner = make_municipality("Nakuru", kind=OrganisationKind.PARTNER_GOVERNMENT, country="KE")
    make_partnership("a", country="KE", participants=[borlange, falun], partners=[partner])
    make_partnership("b", country="KE", participants=[borlange])
    make_partnership(
        "utkast", country="KE", participants=[borlange, falun], publication=Publication.DRAFT
    )
    # Falun as the partner side too, which is no Swedish participation.
    make_partnership("c", country="KE", participants=[borlange], partners=[falun])
    return {"borlange": 3, "falun": 1}


def test_the_list_the_sort_the_export_and_the_api_agree(client, staff_user, counted):
    page = client.get("/kommuner/", {"sort": "-partnerships"})
    rows = list(page.context["object_list"])
    listed = {m.slug: m.n_published for m in rows if m.slug in counted}
    assert listed == counted
    assert [m.slug for m in rows[:2]] == ["borlange", "falun"]  # most partnerships first

    api = client.get("/api/v1/municipalities", {"page_size": 500}).json()
    by_api = {m["slug"]: m["published_partnerships"] for m in api["results"]}
    assert {slug: by_api[slug] for slug in counted} == counted

    client.force_login(staff_user)
    export = client.get("/kommuner/export.csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text))
    exported = {row["slug"]: int(row["published_partnerships"]) for row in rows}
    assert {slug: exported[slug] for slug in counted} == counted
