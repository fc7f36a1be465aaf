"""The domain model: partnerships across rounds, actors with identifiers and former names,
roles, money, dates with a derived status, sources, programmes; and the defects fixed on
the way (year facet, English sorting, language of fallback text)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.importing import RoundImport, grant_round_import, read_rows
from partnerships.models import Grant, GrantRound, Partnership
from projects.models import Project, ProjectBudget, ProjectParticipant
from reference.models import Organisation, Source
from tests.conftest import make_partnership, make_project, set_roles

pytestmark = pytest.mark.django_db

HEADER = "svensk_deltagare;partnerkommun;land;titel;mal;kronor_per_ar;ar;beviljat_ar\n"
FIRST = HEADER + (
    "Borlänge;Nakuru;KE;Lokal demokrati i Nakuru;11;400000;2;2016\n"
    "Växjö;;BW;Avfall i Botswana;6;300000;1;2016\n"
)
# The next round: Borlänge–Nakuru again (a new grant), and a new cooperation.
SECOND = HEADER + (
    "Borlänge;Nakuru;Kenya;Lokal demokrati i Nakuru;11;450000;3;2018\n"
    "Malmö;;ZA;Trygga parker;16;500000;2;2018\n"
)


def run_import(grant_round, text, user):
    header, body = read_rows(text.encode("utf-8"))
    results = RoundImport(grant_round).check(header, body)
    assert not [r.errors for r in results if r.errors]
    grant_round_import(grant_round=grant_round, results=results, user=user)
    return results


@pytest.fixture
def rounds(seeded):
    first = GrantRound.objects.get()
    second = GrantRound.objects.create(
        slug="nasta-omgang",
        programme=first.programme,
        title_sv="Nästa omgång",
        min_sek_per_year=300_000,
        max_sek_per_year=500_000,
        min_years=1,
        max_years=3,
    )
    set_roles(second, grant_maker=first.grant_maker, funding_source=first.funding_source)
    return first, second


def test_two_rounds_give_one_partnership_with_two_grants(client, rounds, editor):
    first, second = rounds
    run_import(first, FIRST, editor)
    nakuru = Partnership.objects.get(country="KE")
    nakuru.slug = "namnbytt-av-redaktor"  # an editor renames the slug: matching is unaffected
    nakuru.save()
    results = run_import(second, SECOND, editor)
    assert [r.action for r in results] == ["update", "create"]
    assert Partnership.objects.count() == 3
    nakuru.refresh_from_db()
    assert sorted(nakuru.grants.values_list("year", "amount_sek_per_year")) == [
        (2016, 400_000),
        (2018, 450_000),
    ]
    assert (nakuru.start_date, nakuru.end_date) == (date(2016, 1, 1), date(2020, 12, 31))
    # Re-importing either file changes nothing.
    for grant_round, text in ((first, FIRST), (second, SECOND)):
        header, body = read_rows(text.encode("utf-8"))
        assert {r.action for r in RoundImport(grant_round).check(header, body)} == {"unchanged"}
    # Published, the partnership counts once in the list, its facets and the municipality.
    Partnership.objects.update(publication="published")
    Organisation.objects.update(publication="published")
    page = client.get("/partnerskap/?country=KE")
    assert page.context["page_obj"].paginator.count == 1
    assert dict((v, n) for v, _l, n, _s in page.context["facets"]["municipality"])["borlange"] == 1
    years = {v: n for v, _l, n, _s in client.get("/partnerskap/").context["facets"]["year"]}
    assert years["2017"] == 1 and years["2019"] == 2


def test_round_bounds_are_the_rounds_own(rounds, editor):
    first, second = rounds
    second.max_years = 5
    second.save()
    header, body = read_rows((HEADER + "Borlänge;;KE;Lång;;400000;5;2018\n").encode())
    assert not RoundImport(second).check(header, body)[0].errors
    assert RoundImport(first).check(header, body)[0].errors


@pytest.mark.parametrize(
    "text,slug",
    [
        ("SKL International", "salar-international"),
        ("SKR International", "salar-international"),
        ("SKL", "skr"),
        ("Sveriges Kommuner och Landsting", "skr"),
        ("Landstinget Västernorrland", "region-vasternorrland"),
        ("2081", "borlange"),
        ("22", "region-vasternorrland"),
    ],
)
def test_organisations_resolve_by_identifier_and_former_name(seeded, text, slug):
    assert Organisation.objects.resolve(text).slug == slug
    assert slug in set(Organisation.objects.matching(text).values_list("slug", flat=True))


def test_organisation_number_resolves_in_any_spelling(seeded):
    sida = Organisation.objects.get(slug="sida")
    sida.org_number = "2021005208"  # made up for the test, never seeded
    sida.save()
    for spelling in ("202100-5208", "SE-ON-202100-5208", "2021005208"):
        assert Organisation.objects.resolve(spelling) == sida
    assert sida.org_id == "SE-ON-202100-5208"


def test_public_searches_find_former_names(client, seeded):
    page = client.get("/kommuner/", {"q": "Landstinget Västernorrland"})
    assert [m.slug for m in page.context["object_list"]] == ["region-vasternorrland"]
    admin_search = Organisation.objects.matching("SKL International")
    assert list(admin_search.values_list("slug", flat=True)) == ["salar-international"]


def test_admin_search_finds_former_names(client, editor, seeded):
    client.force_login(editor)
    url = reverse("admin:reference_organisation_changelist")
    response = client.get(url, {"q": "SKL International"})
    assert [o.slug for o in response.context["cl"].result_list] == ["salar-international"]


@pytest.fixture
def budget_project(seeded):
    project = make_project(
        "vatten-i-kisumu",
        title_sv="Vatten i Kisumu",
        countries=["KE"],
        start_date=date(2021, 3, 1),
        start_precision="month",
        start_actual=True,
        end_date=date(2024, 1, 1),
        end_precision="year",
        budget_sek=12_500_000,
    )
    salar = Organisation.objects.get(slug="salar-international")
    sida = Organisation.objects.get(slug="sida")
    ProjectParticipant.objects.create(project=project, organisation=sida, role="funding")
    ProjectParticipant.objects.create(project=project, organisation=salar, role="implementing")
    ProjectParticipant.objects.create(
        project=project, organisation=salar, role="extending", amount_sek=2_000_000
    )
    ProjectBudget.objects.create(project=project, year=2022, amount_sek=4_000_000)
    return project


def test_project_with_two_roles_budget_and_dates_on_page_and_csv(
    client, staff_user, budget_project
):
    page = client.get(budget_project.get_absolute_url()).content.decode()
    assert "12\u00a0500\u00a0000" in page and "4\u00a0000\u00a0000" in page
    assert "mars 2021–2024" in page
    assert "Genomförare" in page and "Förmedlare" in page and "Finansiär" in page
    assert page.count("SALAR International") >= 2
    assert "Avslutat" in page  # the end (2024) has passed: completed, from the dates

    client.force_login(staff_user)
    response = client.get("/projekt/export.csv?q=Kisumu")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["budget_sek"] == "12500000"
    assert (row["start_date"], row["end_date"]) == ("2021-03-01", "2024-12-31")
    assert row["status"] == "completed" and row["status_derived_from_dates"] == "yes"
    assert "SALAR International (Genomförare)" in row["participants"]
    assert "SALAR International (Förmedlare)" in row["participants"]
    assert row["funding_organisations"] == "Styrelsen för internationellt utvecklingssamarbete"


def test_status_comes_from_the_dates(seeded):
    today = timezone.localdate()
    past = make_project("past", start_year=2010, end_year=2012, stated_status="ongoing")
    future = make_project("future", start_date=today + timedelta(days=400), start_precision="day")
    running = make_project(
        "running",
        start_date=today - timedelta(days=10),
        start_precision="day",
        end_date=today + timedelta(days=10),
        end_precision="day",
    )
    assert past.status == "completed"  # a passed end wins over a stale stated status
    assert future.status == "planned"
    assert running.status == "ongoing"
    statuses = dict(Project.objects.with_status().values_list("slug", "status_now"))
    assert (statuses["past"], statuses["future"], statuses["running"]) == (
        "completed",
        "planned",
        "ongoing",
    )


def test_bulk_writes_follow_the_rules_of_save(seeded):
    """bulk_create() and bulk_update() call no save(): the QuerySet applies its rules (the
    first publication date, dates put on the ends of their periods) all the same."""
    made = [
        Project(slug=slug, title_sv=slug, publication=state, **dates)
        for slug, state, dates in (
            ("bulk-published", "published", {"end_date": date(2019, 6, 15)}),
            ("bulk-draft", "draft", {"start_date": date(2017, 5, 3), "start_precision": "month"}),
        )
    ]
    Project.objects.bulk_create(made)
    stored = {p.slug: p for p in Project.objects.filter(slug__startswith="bulk-")}
    assert stored["bulk-published"].published_at is not None
    assert stored["bulk-published"].end_date == date(2019, 12, 31)
    assert stored["bulk-draft"].published_at is None
    assert stored["bulk-draft"].start_date == date(2017, 5, 1)
    draft = stored["bulk-draft"]
    draft.publication, draft.end_date = "published", date(2018, 2, 2)
    Project.objects.bulk_update([draft], ["publication", "published_at", "end_date"])
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.end_date == date(2018, 12, 31)


def test_stated_status_shows_its_source_and_date(client, seeded):
    page = client.get("/projekt/symbiocity-kenya/").content.decode()
    assert "Pågående, enligt SKR, november 2019" in page
    english = client.get("/en/projects/symbiocity-kenya/").content.decode()
    assert "Ongoing, according to SKR, November 2019" in english


def test_sources_are_shown_with_their_dates(client, seeded):
    page = client.get("/projekt/symbiocity-kenya/").content.decode()
    assert "SKR:s internationella projekt" in page and "27 november 2019" in page
    english = client.get("/en/projects/symbiocity-kenya/").content.decode()
    assert "published 27 November 2019" in english
    assert Source.objects.filter(published_on__isnull=False).count() == 3


def test_grant_maker_and_funding_source_in_exports(client, staff_user, seeded):
    borlange = Organisation.objects.get(slug="borlange")
    round_ = GrantRound.objects.get()
    partnership = make_partnership("p", country="KE", participants=[borlange])
    grant = Grant.objects.create(
        partnership=partnership,
        grant_round=round_,
        year=2016,
        amount_sek_per_year=400_000,
        duration_years=2,
    )
    set_roles(grant, grant_maker=round_.grant_maker, funding_source=round_.funding_source)
    client.force_login(staff_user)
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/partnerskap/bidrag.csv?columns=360giving").streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    # 360Giving names organisations as the JSON package does: by their Swedish names.
    assert rows[0]["Funding Org:0:Name"] == "Internationellt Centrum för Lokal Demokrati"
    plain = b"".join(client.get("/partnerskap/bidrag.csv").streaming_content).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(plain)))
    assert row["grant_maker"] == "Internationellt Centrum för Lokal Demokrati"
    assert row["funding_source"] == "Styrelsen för internationellt utvecklingssamarbete"


def test_millenniekommun_is_a_programme_and_sweden_no_cooperation_country(client, seeded):
    countries = [c.code for group in client.get("/lander/").context["continents"] for c in group[1]]
    assert "SE" not in countries
    assert client.get("/lander/se/").context["project_count"] == 0


def test_year_facet_counts_what_the_year_filter_returns(client, seeded, goals):
    """Defect: the facet counted grant years the filter did not select, or the reverse."""
    borlange = Organisation.objects.get(slug="borlange")
    make_partnership("a", country="KE", participants=[borlange], start_year=2015, end_year=2017)
    make_partnership("b", country="KE", participants=[borlange], start_year=2017)
    make_partnership("c", country="KE", participants=[borlange], end_year=2016)
    facet = client.get("/partnerskap/").context["facets"]["year"]
    assert facet
    for year, _label, count, _selected in facet:
        assert client.get(f"/partnerskap/?year={year}").context["page_obj"].paginator.count == (
            count
        ), year


def test_english_lists_sort_by_the_english_title_and_say_a_to_z(client, seeded):
    """Defect: English lists were sorted by the Swedish title and labelled "A–Ö"."""
    response = client.get("/en/projects/")
    titles = [p.title for p in response.context["object_list"]]
    assert titles == sorted(titles, key=str.lower)
    body = response.content.decode()
    assert "A–Z" in body and "A–Ö" not in body
    swedish = client.get("/projekt/")
    assert "A–Ö" in swedish.content.decode()
    swedish_titles = [p.title_sv for p in swedish.context["object_list"]]
    assert swedish_titles == sorted(swedish_titles, key=str.lower)


def test_swedish_fallback_on_english_pages_is_marked(client, seeded):
    """Defect: Swedish text shown on English pages had no lang="sv" (WCAG 3.1.2)."""
    from reference.models import Programme

    programme = Programme.objects.create(
        slug="bara-svenskt", name_sv="Bara svenskt program", publication="published"
    )
    make_project(
        "bara-svenska",
        title_sv="Bara svensk titel",
        summary_sv="Bara svensk text",
        programme=programme,
    )
    page = client.get("/en/projects/").content.decode()
    assert '<span lang="sv">Bara svensk titel</span>' in page
    assert '<p lang="sv">Bara svensk text</p>' in page
    assert '<span lang="sv">Bara svenskt program</span></a>' in page  # in the list line
    detail = client.get("/en/projects/bara-svenska/").content.decode()
    assert '<span lang="sv">Bara svensk titel</span>' in detail
    swedish = client.get("/projekt/bara-svenska/").content.decode()
    assert 'lang="sv">Bara svensk titel' not in swedish
