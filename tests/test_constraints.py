"""Each rule is enforced by the database itself, not only by forms."""

import pytest
from django.db import IntegrityError, transaction

from partnerships.models import Grant
from reference.models import Goal
from reference.models import OrganisationKind as MunicipalityKind
from tests.conftest import make_municipality, make_partnership, make_project

pytestmark = pytest.mark.django_db


def rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_grant_amount_must_be_positive():
    partnership = make_partnership("p")
    rejected(
        lambda: Grant.objects.create(
            partnership=partnership, year=2016, amount_sek_per_year=0, duration_years=1
        )
    )


@pytest.mark.parametrize("years", [0, 11])
def test_grant_duration_is_plausible(years):
    partnership = make_partnership("p")
    rejected(
        lambda: Grant.objects.create(
            partnership=partnership, year=2016, amount_sek_per_year=400_000, duration_years=years
        )
    )
    Grant.objects.create(
        partnership=partnership, year=2016, amount_sek_per_year=400_000, duration_years=3
    )


def test_project_end_not_before_start():
    rejected(lambda: make_project("backwards", start_year=2015, end_year=2014))
    assert make_project("same-year", start_year=2015, end_year=2015).pk


def test_partnership_end_not_before_start():
    rejected(lambda: make_partnership("backwards", start_year=2019, end_year=2018))


def test_slugs_are_unique():
    make_project("symbiocity-kenya")
    rejected(lambda: make_project("symbiocity-kenya"))


def test_municipality_codes_are_unique_and_well_formed():
    make_municipality("Borlänge", code="2081")
    rejected(lambda: make_municipality("Another", code="2081"))
    rejected(lambda: make_municipality("Three digits", code="208"))
    rejected(
        lambda: make_municipality(
            "Region with kommun code", code="2081", kind=MunicipalityKind.REGION
        )
    )
    assert make_municipality("Region Dalarna", code="20", kind=MunicipalityKind.REGION).pk


def test_swedish_municipality_must_be_in_sweden():
    rejected(lambda: make_municipality("Nakuru", country="KE"))
    assert make_municipality(
        "Nakuru County", country="KE", kind=MunicipalityKind.PARTNER_GOVERNMENT
    ).pk
    rejected(
        lambda: make_municipality(
            "Stockholm", country="SE", kind=MunicipalityKind.PARTNER_GOVERNMENT
        )
    )


def test_goal_numbers_fit_their_framework():
    rejected(lambda: Goal.objects.create(framework="sdg", number=18, title_sv="x"))
    rejected(lambda: Goal.objects.create(framework="mdg", number=9, title_sv="x"))
    Goal.objects.create(framework="sdg", number=17, title_sv="x")
    rejected(lambda: Goal.objects.create(framework="sdg", number=17, title_sv="dup"))
