"""A closed programme (issue: the archive of record): its closing statement, with the
date it ended and the source that says so, on its page, its rounds' pages and in the
API; a statement without an actual end date or a source is refused, so the register
never says a programme closed without a source."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from partnerships.models import GrantRound
from reference.models import Programme, Source
from tests.conftest import english

pytestmark = pytest.mark.django_db

STATEMENT = "Sidas kärnstöd till programmet upphörde enligt källan."


@pytest.fixture
def closed(seeded):
    source = Source.objects.create(
        slug="beslut-om-avslut", title="Beslut om avslut", url="https://example.org/beslut"
    )
    programme = Programme.objects.filter(rounds__isnull=False).published().distinct().first()
    programme.closing_statement_sv = STATEMENT
    programme.end_date = date(2026, 12, 31)
    programme.end_actual = True
    programme.status_source = source
    programme.full_clean()
    programme.save()
    return programme


def test_a_statement_needs_an_actual_end_date_and_its_source(seeded):
    programme = Programme.objects.published().first()
    programme.closing_statement_sv = STATEMENT
    programme.end_date = None
    programme.status_source = None
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert {"end_date", "status_source"} <= set(error.value.message_dict)
    programme.closing_statement_sv, programme.closing_statement_en = "", "Closed."
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "closing_statement_sv" in error.value.message_dict


def test_the_programme_and_its_rounds_say_it_closed_with_date_and_source(client, closed):
    grant_round = GrantRound.objects.filter(programme=closed).first()
    for path in (closed.get_absolute_url(), grant_round.get_absolute_url()):
        text = client.get(path).content.decode()
        assert f"{closed.name_sv} har avslutats" in text, path
        assert STATEMENT in text
        assert "Upphörde den 31 december 2026" in text
        assert 'href="https://example.org/beslut"' in text
    # No English statement: the Swedish one, marked as Swedish.
    text = client.get(english(closed.get_absolute_url())).content.decode()
    assert f'<p lang="sv">{STATEMENT}</p>' in text
    assert "Ended on 31 December 2026" in text


def test_a_programme_no_source_says_closed_shows_no_closing(client, seeded):
    for programme in Programme.objects.published():
        assert "har avslutats" not in client.get(programme.get_absolute_url()).content.decode()


def test_the_api_gives_the_statement_and_its_source(client, closed):
    data = client.get(f"/api/v1/programmes/{closed.slug}").json()
    assert data["closing_statement_sv"] == STATEMENT
    assert data["end_date"] == "2026-12-31"
    assert data["status_source"]["url"] == "https://example.org/beslut"


ROUND_STATEMENT = "Omgången avslutades enligt källan."


@pytest.fixture
def closed_round(seeded):
    source = Source.objects.create(
        slug="omgang-avslutad", title="Omgången avslutad", url="https://example.org/omgang"
    )
    grant_round = GrantRound.objects.public().first()
    grant_round.closing_statement_sv = ROUND_STATEMENT
    grant_round.closed_on = date(2026, 11, 30)
    grant_round.closing_source = source
    grant_round.full_clean()
    grant_round.save()
    return grant_round


def test_a_round_closes_on_its_own_with_date_and_source(client, closed_round):
    text = client.get(closed_round.get_absolute_url()).content.decode()
    assert f"{closed_round.title_sv} har avslutats" in text
    assert ROUND_STATEMENT in text
    assert "Upphörde den 30 november 2026" in text
    assert 'href="https://example.org/omgang"' in text
    # Its programme has not closed.
    programme = client.get(closed_round.programme.get_absolute_url()).content.decode()
    assert "har avslutats" not in programme


def test_a_round_statement_needs_a_past_date_and_its_source(seeded):
    grant_round = GrantRound.objects.public().first()
    grant_round.closing_statement_sv = ROUND_STATEMENT
    with pytest.raises(ValidationError) as error:
        grant_round.full_clean()
    assert {"closed_on", "closing_source"} <= set(error.value.message_dict)
    grant_round.closed_on = date(2999, 1, 1)
    with pytest.raises(ValidationError) as error:
        grant_round.full_clean()
    assert "closed_on" in error.value.message_dict
    # A date or source alone says nothing: the statement is asked for.
    grant_round.closing_statement_sv = ""
    grant_round.closed_on = date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        grant_round.full_clean()
    assert "closing_statement_sv" in error.value.message_dict


def test_the_api_gives_the_rounds_closing(client, closed_round):
    data = client.get(f"/api/v1/grant-rounds/{closed_round.slug}").json()
    assert data["closed_on"] == "2026-11-30"
    assert data["closing_statement_sv"] == ROUND_STATEMENT
    assert data["closing_source"]["url"] == "https://example.org/omgang"
