"""The read models of the partnerships equal a fresh count from the tables after every
path that writes them: the admin's form and its inlines, a bulk action, the import, a
delete and its cascade, a history revert, `seed` and `restore`. One is of the grants
(partnerships.PartnershipFigures: each partnership's number of grants and SEK granted),
and the statistics that read it give the figures of the grants themselves; the other is
of what is stated (partnerships.PartnershipFacts: goals, sources, partner local
governments and grants linked), and the data-quality counts and the lists' "unstated"
filter that read it select the records a check of the link tables selects. Two more are
of what each municipality's published partnerships cover (partnerships/coverage.py) and
of what all published partnerships add up to (partnerships/tallies.py), which the lists'
facets, the home page and the statistics read where they count every published
partnership."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from core.quality import lacks
from partnerships import coverage, facts, tallies
from partnerships.figures import counted_afresh, held
from partnerships.models import (
    Grant,
    GrantRound,
    Partnership,
    PartnershipFigures,
    PartnershipParticipant,
)
from reference.models import Country, Goal, OrganisationKind, Programme, Role, Source, Theme
from tests.conftest import admin_form_data, make_municipality, make_partnership
from tests.test_import import GOOD, confirm, upload

pytestmark = pytest.mark.django_db


def assert_current():
    afresh = counted_afresh()
    assert afresh, "the test should have grants to count"
    assert held() == afresh
    stated = facts.counted_afresh()
    assert stated, "the test should have partnerships to count"
    assert facts.held() == stated
    assert coverage.held() == coverage.counted_afresh()
    assert tallies.held() == tallies.counted_afresh()


@pytest.fixture
def partnerships(db):
    first = make_partnership("forsta", grants=[(2016, 400_000, 3), (2018, 250_000, 2)])
    second = make_partnership("andra", grants=[(2017, 100_000, 1)])
    return first, second


def test_the_figures_follow_creates_updates_moves_and_deletes(partnerships):
    first, second = partnerships
    assert held() == {first.pk: (2, 1_700_000), second.pk: (1, 100_000)}
    grant = first.grants.get(year=2018)
    grant.amount_sek_per_year = 300_000
    grant.save()
    assert held()[first.pk] == (2, 1_800_000)
    grant.partnership = second  # moved to the other partnership
    grant.save()
    assert held() == {first.pk: (1, 1_200_000), second.pk: (2, 700_000)}
    Grant.objects.filter(partnership=second).update(duration_years=2)  # bulk, no signals
    assert held()[second.pk] == (2, 800_000)
    assert_current()
    first.grants.all().delete()  # its last grant: no row, as the fresh count has none
    assert first.pk not in held()
    assert_current()


def test_what_is_stated_follows_links_participants_and_grants(seeded):
    goals = list(Goal.objects.order_by("pk")[:2])
    source = Source.objects.first()
    sweden = make_municipality("Hällefors", "1863")
    nakuru = make_municipality("Nakuru", kind=OrganisationKind.PARTNER_GOVERNMENT, country="KE")
    full = make_partnership(
        "full",
        goals=goals,
        participants=[sweden],
        partners=[nakuru],
        grants=[(2016, 1, 1), (2017, 1, 1)],
    )
    full.sources.add(source)
    bare = make_partnership("bar")
    assert facts.held()[full.pk] == (2, 1, 1, 2)
    assert facts.held()[bare.pk] == (0, 0, 0, 0)
    # A role changed from partner to Swedish participant moves its count (an update).
    PartnershipParticipant.objects.filter(partnership=full, organisation=nakuru).update(
        role=Role.SWEDISH_PARTICIPANT
    )
    full.goals.remove(goals[0])
    Partnership.sources.through.objects.filter(partnership=full).delete()  # bulk, no signals
    assert facts.held()[full.pk] == (1, 0, 0, 2)
    # A grant moved to the other partnership.
    Grant.objects.filter(partnership=full, year=2017).update(partnership=bare)
    assert facts.held()[full.pk] == (1, 0, 0, 1)
    assert facts.held()[bare.pk] == (0, 0, 0, 1)
    assert_current()
    # The checks and the lists' filter select what a check of the link tables selects.
    for fact, relation, where in (
        ("goals", "goals", {}),
        ("sources", "sources", {}),
        ("partners", "participants", {"role": Role.PARTNER_GOVERNMENT}),
        ("grants", "grants", {}),
    ):
        from_model = Partnership.objects.filter(facts.unstated(fact)(Partnership))
        from_links = Partnership.objects.filter(lacks(relation, **where)(Partnership))
        assert set(from_model) == set(from_links), fact
    response = Client().get(reverse("partnerships:partnership-list"), {"unstated": "partner"})
    listed = {p.pk for p in response.context["object_list"]}
    assert {full.pk, bare.pk} <= listed
    PartnershipParticipant.objects.create(
        partnership=bare, organisation=nakuru, role=Role.PARTNER_GOVERNMENT
    )
    response = Client().get(reverse("partnerships:partnership-list"), {"unstated": "partner"})
    assert bare.pk not in {p.pk for p in response.context["object_list"]}
    # A deleted partnership takes its row with it.
    bare.delete()
    assert bare.pk not in facts.held()
    assert_current()


def test_what_each_municipality_covers_follows_every_write(seeded):
    """The municipalities' read model (partnerships/coverage.py) after participants,
    goals, themes, a country and the publication change, and its facets and filters as
    a check of the link tables gives them."""
    goals = list(Goal.objects.filter(framework="sdg").order_by("number")[:3])
    themes = list(Theme.objects.order_by("pk")[:2])
    falun = make_municipality("Provby", "9901")
    gavle = make_municipality("Testvik", "9902")
    one = make_partnership(
        "ett",
        country="KE",
        participants=[falun, gavle],
        goals=goals[:2],
        themes=themes[:1],
        grants=[(2016, 100_000, 1)],
    )
    two = make_partnership("tva", country="TZ", participants=[falun], goals=goals[1:])
    held = coverage.held()
    assert held["goal"][falun.pk, goals[1].pk] == 2
    assert held["country"][gavle.pk, "KE"] == 1
    assert_current()
    one.goals.remove(goals[0])
    one.themes.add(themes[1])
    PartnershipParticipant.objects.filter(partnership=one, organisation=gavle).update(
        role=Role.PARTNER_GOVERNMENT
    )
    two.country_id = "UG"
    two.save()
    assert_current()
    assert (falun.pk, "TZ") not in coverage.held()["country"]
    # Another organisation in a participant's row, a country taken away, a link moved
    # to the other partnership (bulk updates, no signals): each moves its pairs.
    third = make_municipality("Tredje", "9903")
    PartnershipParticipant.objects.filter(partnership=two).update(organisation=third)
    assert (third.pk, "UG") in coverage.held()["country"]
    Partnership.objects.filter(pk=two.pk).update(country=None)
    Partnership.themes.through.objects.filter(partnership=one).update(partnership=two)
    assert_current()
    PartnershipParticipant.objects.filter(partnership=two).update(organisation=falun)
    Partnership.objects.filter(pk=two.pk).update(country="UG")
    Partnership.themes.through.objects.filter(partnership=two).update(partnership=one)
    # Withdrawn: none of its pairs counts; published again: all of them.
    Partnership.objects.filter(pk=one.pk).update(publication="draft")
    assert (falun.pk, themes[1].pk) not in coverage.held()["theme"]
    assert_current()
    one.publication = "published"
    one.save()
    assert coverage.held()["theme"][falun.pk, themes[1].pk] == 1
    assert_current()
    # The list's facets and filters read it: Gävle is no Swedish participant any more.
    page = Client().get(reverse("partnerships:municipality-list"), {"country": "KE"})
    assert [o.pk for o in page.context["object_list"]] == [falun.pk]
    facets = page.context["facets"]
    assert ("UG", "Uganda", 1, False) in facets["country"]
    two.delete()
    one.participants.all().delete()
    assert_current()
    assert not any(coverage.held().values())


def two_connections():
    """Two connections of their own to the test database (PostgreSQL), each its own
    transaction, outside the test's."""
    import psycopg

    settings = connection.settings_dict
    conninfo = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    return psycopg.connect(**conninfo), psycopg.connect(**conninfo)


def facets_from_the_tables(params=""):
    """The partnership list's facets with every count taken from the tables: the same
    records, selected through a subquery, are not "every published partnership" to the
    FilterSet (reference.filters.counts_everything), so no facet reads the tallies."""
    from django.http import QueryDict

    from partnerships.filters import PartnershipFilterSet

    published = Partnership.objects.published()
    same = published.filter(pk__in=published.values("pk"))
    filterset = PartnershipFilterSet(QueryDict(params), queryset=same)
    assert not filterset.counts_everything(filterset.qs)
    return filterset.facets()


def test_what_all_published_partnerships_add_up_to_follows_every_write(seeded):
    """The tallies (partnerships/tallies.py) after publication, country, programme, links,
    participants and grants change, each by a save and by a bulk update, and the list's
    facets, the home page and the statistics that read them give what the tables give."""
    goals = list(Goal.objects.filter(framework="sdg").order_by("number")[:3])
    themes = list(Theme.objects.order_by("pk")[:2])
    programmes = list(Programme.objects.published().order_by("pk")[:2])
    # In a county: the statistics of one country count its partnerships by county
    # within that country ("fyra" below).
    falun = make_municipality("Provby", "9901", county_code="20", county_name="Dalarnas län")
    gavle = make_municipality("Testvik", "9902")
    one = make_partnership(
        "ett",
        country="KE",
        participants=[falun, gavle],
        goals=goals[:2],
        themes=themes[:1],
        programme=programmes[0],
        grants=[(2016, 100_000, 2)],
        start_year=2016,
        end_year=2018,
        title_en="One",
        summary_en="The first",
    )
    two = make_partnership(
        "tva",
        country="TZ",
        participants=[falun],
        goals=goals[1:],
        grants=[(2017, 50_000, 1)],
        start_year=2020,  # no end: active until this year
    )
    draft = make_partnership(
        "utkast", country="KE", goals=goals, grants=[(2018, 7, 1)], publication="draft"
    )
    held = tallies.held()
    assert held["goal", str(goals[1].pk)] == (2, 2, 250_000)
    assert held["country", "KE"] == (1, 1, 200_000)
    assert held["participant", str(falun.pk)] == (2, 2, 250_000)
    assert_current()
    # Grants: a new one, an amount changed in bulk, one moved to the other partnership.
    Grant.objects.create(partnership=two, year=2019, amount_sek_per_year=10, duration_years=3)
    Grant.objects.filter(partnership=one).update(amount_sek_per_year=200_000)
    Grant.objects.filter(partnership=two, year=2019).update(partnership=one)
    assert tallies.held()["total", ""] == (2, 3, 450_030)
    assert_current()
    # Links and participants added, removed, moved; a role changed.
    one.goals.remove(goals[0])
    one.themes.add(themes[1])
    Partnership.themes.through.objects.filter(partnership=one, theme=themes[0]).update(
        partnership=two
    )
    PartnershipParticipant.objects.filter(partnership=one, organisation=gavle).update(
        role=Role.PARTNER_GOVERNMENT
    )
    PartnershipParticipant.objects.filter(partnership=two).update(organisation=gavle)
    assert_current()
    # Country and programme: saved and updated in bulk, to another and to none.
    two.country_id = "UG"
    two.programme = programmes[-1]
    two.save()
    Partnership.objects.filter(pk=one.pk).update(country=None, programme=None)
    assert ("country", "KE") not in tallies.held()
    assert_current()
    # Dates, English text and a source: what is unstated, and the years, change.
    Partnership.objects.filter(pk=two.pk).update(start_date=None, end_date="2021-06-30")
    Partnership.objects.filter(pk=one.pk).update(summary_en="")
    assert tallies.held()["period", "|2021"][0] == 1
    two.refresh_from_db()
    two.title_en, two.summary_en = "Two", "The second"
    two.save()
    two.sources.add(Source.objects.order_by("pk").first())
    assert tallies.held()["unstated", "english"][0] == 1  # the first, without a summary
    assert_current()
    # Withdrawn: it counts nowhere; published again (the draft too): everywhere.
    Partnership.objects.filter(pk=one.pk).update(publication="draft")
    assert tallies.held()["total", ""][0] == 1
    assert_current()
    Partnership.objects.filter(pk__in=[one.pk, draft.pk]).update(publication="published")
    assert tallies.held()["total", ""][0] == 3
    assert_current()
    # What reads the tallies gives what the tables give, with a draft organisation as a
    # Swedish participant and a partnership under a draft programme.
    hidden = make_municipality("Utkastby", "9909", publication="draft")
    PartnershipParticipant.objects.create(
        partnership=one, organisation=hidden, role=Role.SWEDISH_PARTICIPANT
    )
    Programme.objects.filter(pk=programmes[-1].pk).update(publication="draft")
    response = Client().get(reverse("partnerships:partnership-list"))
    assert hidden.slug not in [value for value, *_ in response.context["facets"]["municipality"]]
    assert response.context["facets"] == facets_from_the_tables()
    filtered = Client().get(
        reverse("partnerships:partnership-list"), {"country": "UG", "goal": "2"}
    )
    assert filtered.context["facets"] == facets_from_the_tables("country=UG&goal=2")
    home = Client().get(reverse("pages:home"))
    assert home.context["figures"]["partnerships"] == 3
    assert (
        home.context["figures"]["sek"]
        == Partnership.objects.published().aggregate(sek=models.Sum("figures__sek"))["sek"]
    )
    from core.quality import completeness
    from partnerships.quality import CHECKS

    about = Client().get(reverse("pages:about")).context["completeness"]
    assert about[1][2:] == completeness(Partnership.objects.published(), CHECKS)
    tiles = {g.number: g.n_partnerships for g in home.context["goals"]}
    assert tiles[goals[0].number] == 1  # the draft, now published
    assert tiles[goals[1].number] == 3
    from django.http import QueryDict

    from pages.statistics import statistics
    from partnerships.filters import PartnershipFilterSet

    everything = statistics(QueryDict())
    with mock.patch.object(PartnershipFilterSet, "counts_everything", return_value=False):
        assert statistics(QueryDict()) == everything  # every figure from the tables
    same = Partnership.objects.published()
    assert everything["totals"]["grants"] == Grant.objects.filter(partnership__in=same).count()
    # Within one country or goal, with a published programme and a Swedish county
    # (Provby's) in another country.
    four = make_partnership(
        "fyra",
        country="TZ",
        participants=[falun],
        programme=programmes[0],
        goals=goals[:1],
        themes=themes,
        grants=[(2018, 10, 2)],
    )
    assert_counted_within_one_goal_or_country()
    four.delete()

    # Deleted, with their links, participants and grants; a partnership deleted in SQL
    # alone, whose row of facts goes after it (partnerships/facts.py).
    bare = make_partnership("bar", start_year=2019)
    Partnership.objects.filter(pk=bare.pk)._raw_delete(using="default")
    assert_current()
    two.delete()
    draft.delete()
    assert_current()
    one.delete()
    assert not tallies.held()


def assert_counted_within_one_goal_or_country():
    """The figures of one goal's or one country's partnerships that the tallies count
    within it (the years, SEK by year of decision; the partnerships of a goal's or
    country's page) are those the tables give."""
    from django.http import QueryDict

    from pages.statistics import panel, statistics
    from partnerships.filters import PartnershipFilterSet

    keys = [f"goal={goal.number}" for goal in Goal.objects.filter(framework="sdg")]
    keys += [f"country={code}" for code in Country.objects.values_list("code", flat=True)]
    read = {}
    for params in keys:
        read[params] = (statistics(QueryDict(params)), panel(QueryDict(params)))
    with mock.patch.object(PartnershipFilterSet, "tally_scope", return_value=None):
        for params in keys:
            assert (statistics(QueryDict(params)), panel(QueryDict(params))) == read[params]
    client = Client()
    for params in ("country=KE", "country=UG", "goal=2"):
        response = client.get(f"{reverse('partnerships:partnership-list')}?{params}")
        assert response.context["facets"] == facets_from_the_tables(params)
    for goal in Goal.objects.filter(framework="sdg", partnerships__isnull=False).distinct():
        page = client.get(goal.get_absolute_url()).context
        assert (
            page["partnership_count"] == Partnership.objects.published().filter(goals=goal).count()
        )


def test_a_county_counts_each_partnership_once_however_its_participants_change(seeded):
    """The tally of a Swedish county counts a partnership once where one or more of its
    Swedish participants are published organisations in that county, as the statistics
    by county count it from the tables: after participants added and removed several in
    one statement (PostgreSQL runs their triggers after the whole statement), and an
    organisation moved to another county, withdrawn and published again."""
    from django.http import QueryDict

    from pages.statistics import county_sums, statistics

    dalarna = {"county_code": "20", "county_name": "Dalarnas län"}
    falun = make_municipality("Provby", "9901", **dalarna)
    borlange = make_municipality("Testvik", "9902", **dalarna)
    gavle = make_municipality("Tredje", "9903", county_code="21", county_name="Gävleborgs län")
    one = make_partnership("ett", grants=[(2016, 100_000, 1)])
    two = make_partnership("tva", participants=[falun], grants=[(2017, 5, 1)])
    PartnershipParticipant.objects.bulk_create(  # one statement
        PartnershipParticipant(partnership=one, organisation=o, role=Role.SWEDISH_PARTICIPANT)
        for o in (falun, borlange, gavle)
    )

    def county(code):
        return tallies.held().get(("county", code), (0, 0, 0))

    def as_counted():
        assert_current()
        published = Partnership.objects.published()
        from_tables = {(code, name): (n, sek) for code, name, n, sek in county_sums(published)}
        # county_sums reads the counties' read model: the same from the participants.
        sek_of = dict(PartnershipFigures.objects.values_list("partnership_id", "sek"))
        from_links = {}
        links = PartnershipParticipant.objects.filter(
            partnership__in=published,
            role=Role.SWEDISH_PARTICIPANT,
            organisation__publication="published",
        ).exclude(organisation__county_name="")
        for code, name, pid in (
            links.values_list(
                "organisation__county_code", "organisation__county_name", "partnership_id"
            )
            .order_by()
            .distinct()
        ):
            n, sek = from_links.get((code, name), (0, 0))
            from_links[code, name] = (n + 1, sek + sek_of.get(pid, 0))
        assert from_tables == from_links
        assert {
            tuple(code.split("|")): (n, sek)
            for (dimension, code), (n, _grants, sek) in tallies.held().items()
            if dimension == "county"
        } == from_tables

    assert county("20|Dalarnas län") == (2, 2, 100_005)
    as_counted()
    PartnershipParticipant.objects.filter(partnership=one, organisation=falun).delete()
    assert county("20|Dalarnas län") == (2, 2, 100_005)  # Borlänge is still there
    PartnershipParticipant.objects.filter(organisation__in=[borlange, gavle]).delete()
    assert county("20|Dalarnas län") == (1, 1, 5)
    assert county("21|Gävleborgs län") == (0, 0, 0)
    as_counted()
    PartnershipParticipant.objects.bulk_create(
        PartnershipParticipant(partnership=one, organisation=o, role=Role.SWEDISH_PARTICIPANT)
        for o in (falun, borlange)
    )
    falun.county_code, falun.county_name = "21", "Gävleborgs län"
    falun.save()
    assert county("20|Dalarnas län") == (1, 1, 100_000)
    assert county("21|Gävleborgs län") == (2, 2, 100_005)
    as_counted()
    Organisation = type(falun)
    Organisation.objects.filter(pk=borlange.pk).update(publication="draft")
    assert county("20|Dalarnas län") == (0, 0, 0)
    as_counted()
    Organisation.objects.filter(pk__in=[falun.pk, borlange.pk]).update(
        publication="published", county_code="20", county_name="Dalarnas län"
    )
    assert county("20|Dalarnas län") == (2, 2, 100_005)
    as_counted()
    # The statistics read it when they count every published partnership.
    everything = statistics(QueryDict())
    from partnerships.filters import PartnershipFilterSet

    with mock.patch.object(PartnershipFilterSet, "counts_everything", return_value=False):
        assert statistics(QueryDict()) == everything
    one.delete()
    two.delete()
    assert not [key for key in tallies.held() if key[0] == "county"]


def test_a_write_in_bulk_counts_the_tallies_at_its_end(seeded):
    """generate_demo and restore write in bulk with the tallies counted at the end
    (tallies.counted_at_the_end): on PostgreSQL the row triggers stand aside meanwhile,
    and the tallies then equal a fresh count."""
    from django.db import transaction

    with transaction.atomic(), tallies.counted_at_the_end():
        make_partnership("i-klump", country="KE", grants=[(2016, 1, 1)])
        if connection.vendor == "postgresql":
            assert ("country", "KE") not in tallies.held()
    assert tallies.held()["country", "KE"] == (1, 1, 1)
    call_command("generate_demo", partnerships=40, projects=4, verbosity=0)
    assert tallies.held()["total", ""][0] == Partnership.objects.published().count() > 20
    assert_current()
    call_command("generate_demo", delete=True, verbosity=0)
    assert_current()


@pytest.mark.parametrize(
    "params,everything",
    [
        ("", True),
        ("sort=-title&page=2", True),
        ("goal=99", True),  # an invalid value filters nothing; the page says so
        ("country=KE", False),
        ("goal=11", False),
        ("theme=gender-equality", False),
        ("programme=kommunala-partnerskap", False),
        ("status=ongoing", False),
        ("year=2016", False),
        ("municipality=provby", False),
        ("unstated=goals", False),
        ("q=vatten", False),
    ],
)
def test_only_an_unfiltered_selection_reads_the_tallies(seeded, params, everything):
    """A facet reads the tallies only where the others' filters select every published
    partnership; any filter of the contract makes it count the tables."""
    from django.http import QueryDict

    from partnerships.filters import PartnershipFilterSet

    make_municipality("Provby", "9901")
    filterset = PartnershipFilterSet(
        QueryDict(params), queryset=Partnership.objects.published().for_list()
    )
    assert filterset.counts_everything(filterset.qs.order_by()) is everything
    assert not filterset.counts_everything(Partnership.objects.all())
    assert not filterset.counts_everything(Partnership.objects.published()[:5])


@pytest.mark.parametrize(
    "params,within",
    [
        ("goal=11", "goal"),
        ("goal=11&sort=-title&page=2", "goal"),
        ("country=KE", ("country", "KE")),
        ("country=ke", ("country", "KE")),
        ("", None),  # every published partnership: the tallies of all
        ("goal=11&goal=12", None),
        ("goal=11&country=KE", None),
        ("country=KE&year=2016", None),
        ("goal=99", None),
        ("country=ZZ", None),
        ("q=vatten", None),
    ],
)
def test_one_goal_or_country_alone_is_counted_within_it(seeded, params, within):
    """The tallies count within one goal or country only a selection of that one value
    and no other filter; a list that selects the same records otherwise (a subquery)
    counts the tables."""
    from django.http import QueryDict

    from partnerships.filters import PartnershipFilterSet

    if within == "goal":
        within = ("goal", Goal.objects.get(framework="sdg", number=11).pk)
    filterset = PartnershipFilterSet(
        QueryDict(params), queryset=Partnership.objects.published().for_list()
    )
    assert filterset.tally_scope(filterset.qs.order_by()) == within
    published = Partnership.objects.published()
    same = PartnershipFilterSet(
        QueryDict(params), queryset=published.filter(pk__in=published.values("pk"))
    )
    assert same.tally_scope(same.qs) is None
    plain = PartnershipFilterSet(
        dict(QueryDict(params).lists()), queryset=Partnership.objects.published()
    )
    assert plain.tally_scope(plain.qs) == within  # data as a dict of lists


def test_a_bulk_write_that_fails_leaves_the_tallies_counting(seeded):
    """An error in a block that counts at its end, caught in the same transaction, takes
    back the block's rows and its setting: later writes are counted row by row again. A
    block within another counts at the end of the outer one."""
    from django.db import transaction

    with transaction.atomic():
        try:
            with tallies.counted_at_the_end():
                make_partnership("borta", country="KE")
                raise ValueError("half-way")
        except ValueError:
            pass
        make_partnership("kvar", country="TZ", grants=[(2016, 1, 1)])
        assert tallies.held()["country", "TZ"][0] == 1
        assert ("country", "KE") not in tallies.held()
        with tallies.counted_at_the_end():
            with tallies.counted_at_the_end():
                make_partnership("inre", country="UG")
            make_partnership("yttre", country="UG")
        assert tallies.held()["country", "UG"][0] == 2
    assert_current()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_linking_goals_to_two_partnerships_take_turns_on_postgresql(seeded):
    """Two transactions that each link the same two goals, in opposite orders, to a
    published partnership of their own: without one lock for every writer the second
    goal's shared row was locked by each in turn, and PostgreSQL broke the deadlock by
    rolling one back. The second now waits for the first, and both count."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    import threading

    import psycopg

    first_partnership = make_partnership("forsta-samtidiga")
    second_partnership = make_partnership("andra-samtidiga")
    a, b = Goal.objects.filter(framework="sdg").order_by("number")[:2]
    link = "INSERT INTO partnerships_partnership_goals (partnership_id, goal_id) VALUES (%s, %s)"
    first, second = two_connections()
    done, failed = threading.Event(), []

    def other():
        try:
            second.execute(link, (second_partnership.pk, b.pk))
            second.execute(link, (second_partnership.pk, a.pk))
            second.commit()
        except psycopg.Error as error:  # a deadlock, rolled back
            failed.append(error)
        done.set()

    try:
        first.execute(link, (first_partnership.pk, a.pk))
        thread = threading.Thread(target=other)
        thread.start()
        assert not done.wait(0.5)
        first.execute(link, (first_partnership.pk, b.pk))
        first.commit()
        thread.join(timeout=10)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    assert failed == []
    held = tallies.held()
    assert held["goal", str(a.pk)][0] == held["goal", str(b.pk)][0] == 2
    assert held == tallies.counted_afresh()


@pytest.mark.django_db(transaction=True)
def test_two_writes_to_one_partnership_at_once_take_turns_on_postgresql(seeded):
    """A participant and a goal added to one published partnership by two transactions at
    the same moment: each trigger saw none of the other's row, and the pair of the two
    was never counted. The second now waits for the first (coverage.py) and counts it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    import threading

    partnership = make_partnership("samtidig")
    goal = Goal.objects.get(framework="sdg", number=11)
    municipality = make_municipality("Provby", "9901")
    first, second = two_connections()
    linked = threading.Event()

    def link():
        second.execute(
            "INSERT INTO partnerships_partnership_goals (partnership_id, goal_id) VALUES (%s, %s)",
            (partnership.pk, goal.pk),
        )
        second.commit()
        linked.set()

    try:
        first.execute(
            "INSERT INTO partnerships_partnershipparticipant "
            "(partnership_id, organisation_id, role, position) VALUES (%s, %s, %s, 1)",
            (partnership.pk, municipality.pk, Role.SWEDISH_PARTICIPANT.value),
        )
        thread = threading.Thread(target=link)
        thread.start()
        assert not linked.wait(1), "the link's transaction should wait for the participant's"
        first.commit()
        thread.join(timeout=10)
        assert linked.is_set()
    finally:
        first.close()
        second.close()
    assert coverage.held()["goal"] == {(municipality.pk, goal.pk): 1}
    assert coverage.held() == coverage.counted_afresh()


def test_the_largest_grant_does_not_overflow(db):
    partnership = make_partnership("stor", grants=[(2016, 2_147_483_647, 10)])
    assert held()[partnership.pk] == (1, 21_474_836_470)


def test_an_editor_saving_grants_in_the_partnership_form(client, editor, partnerships):
    first, _second = partnerships
    client.force_login(editor)
    url = reverse("admin:partnerships_partnership_change", args=[first.pk])
    data = admin_form_data(client, url)
    prefix = "grants"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    changed = next(i for i in range(total) if data[f"{prefix}-{i}-year"] == 2018)
    data[f"{prefix}-{changed}-amount_sek_per_year"] = 350_000
    removed = 1 - changed
    data[f"{prefix}-{removed}-DELETE"] = "on"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": total + 1,
            f"{prefix}-{total}-year": 2020,
            f"{prefix}-{total}-amount_sek_per_year": 50_000,
            f"{prefix}-{total}-duration_years": 2,
        }
    )
    # A partner local government added in the participants' inline.
    nakuru = make_municipality("Nakuru", kind=OrganisationKind.PARTNER_GOVERNMENT, country="KE")
    n = int(data["participants-TOTAL_FORMS"])
    data.update(
        {
            "participants-TOTAL_FORMS": n + 1,
            f"participants-{n}-organisation": nakuru.pk,
            f"participants-{n}-role": Role.PARTNER_GOVERNMENT,
            f"participants-{n}-position": n + 1,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        (f.prefix, f.errors) for i in response.context["inline_admin_formsets"] for f in i.formset
    ]
    assert held()[first.pk] == (2, 350_000 * 2 + 50_000 * 2)
    assert facts.held()[first.pk] == (0, 0, 1, 2)
    assert_current()


def test_a_bulk_delete_in_the_admin(admin_user, client, partnerships):
    first, second = partnerships
    client.force_login(admin_user)
    chosen = list(first.grants.values_list("pk", flat=True)[:1])
    url = reverse("admin:partnerships_grant_changelist")
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert response.status_code == 302
    assert held()[first.pk][0] == 1
    assert_current()
    # Deleting a partnership takes its grants, and its row, with it.
    url = reverse("admin:partnerships_partnership_changelist")
    client.post(url, {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"})
    assert not Partnership.objects.filter(pk=second.pk).exists()
    assert second.pk not in held()
    assert_current()


def test_the_import_writes_the_figures_with_its_grants(client, editor, seeded):
    round_ = GrantRound.objects.get()
    client.force_login(editor)
    before = Grant.objects.count()
    assert confirm(client, round_, upload(client, round_, GOOD)).status_code == 302
    assert Grant.objects.count() == before + 3
    assert_current()


def test_a_history_revert_restores_the_figures(client, editor, partnerships):
    first, _second = partnerships
    grant = first.grants.get(year=2016)
    old = grant.history.first()
    grant.amount_sek_per_year = 999_000
    grant.save()
    assert held()[first.pk] == (2, 999_000 * 3 + 500_000)
    client.force_login(editor)
    url = reverse("admin:partnerships_grant_simple_history", args=[grant.pk, old.history_id])
    response = client.post(url, admin_form_data(client, url))
    assert response.status_code == 302
    assert held()[first.pk] == (2, 1_700_000)
    assert_current()


def test_seed_keeps_the_figures(seeded, partnerships):
    # The sources state no grant of their own: seeding again must leave these be.
    call_command("seed", verbosity=0)
    assert_current()


@pytest.mark.django_db(transaction=True)
def test_restore_gives_the_figures_of_the_backup(tmp_path, seeded):
    make_partnership(
        "aterstalld",
        country="KE",
        participants=[make_municipality("Provby", "9901")],
        goals=Goal.objects.filter(framework="sdg")[:2],
        grants=[(2016, 400_000, 3)],
    )
    before = dict(Partnership.objects.values_list("pk", "slug"))
    covered = {name: len(pairs) for name, pairs in coverage.held().items()}
    assert covered["goal"] >= 2 and covered["country"] >= 1
    expected, stated = counted_afresh(), facts.counted_afresh()
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    call_command("restore", str(path), replace=True)
    assert held() == expected
    assert {name: len(pairs) for name, pairs in coverage.held().items()} == covered
    # The same partnerships (by slug) with the same facts stated.
    slugs = dict(Partnership.objects.values_list("pk", "slug"))
    assert {slugs[pk]: n for pk, n in facts.held().items()} == {
        slug: stated[pk] for pk, slug in before.items()
    }
    assert_current()


@pytest.mark.django_db(transaction=True)
def test_a_table_remade_on_sqlite_keeps_the_read_models(seeded):
    """SQLite alters a column by remaking the table, whose rename fails while another
    table's trigger reads it: the read models' triggers are dropped before a migrate and
    made again after it (core.triggers.kept_on_sqlite), and the read models then agree
    with the tables."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL alters a table in place, keeping its triggers")
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal

    make_partnership(
        "fore", participants=[make_municipality("Provby", "9901")], grants=[(2016, 1, 1)]
    )
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    with connection.schema_editor() as editor:
        editor._remake_table(PartnershipParticipant)  # what an altered column does
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    test_the_triggers_exist_on_the_database(None)
    after = make_partnership(
        "efter",
        country="KE",
        participants=[make_municipality("Testvik", "9902")],
        goals=Goal.objects.filter(framework="sdg")[:1],
        grants=[(2017, 1, 1)],
    )
    assert coverage.held()["country"]
    assert facts.held()[after.pk] == (1, 0, 0, 1)
    assert_current()


def test_the_triggers_exist_on_the_database(db):
    """A table remade on SQLite loses its triggers (partnerships/figures.py, facts.py,
    coverage.py)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'partnerships_grant_figures_%'"
            )
            assert cursor.fetchone()[0] == 3
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'partnerships_grant_figures'"
            )
            assert cursor.fetchone()[0] == 1
            cursor.execute("SELECT tgname FROM pg_trigger")
        names = {name for (name,) in cursor.fetchall()}
        assert facts.trigger_names(connection.vendor) <= names
        assert coverage.trigger_names(connection.vendor) <= names
        assert tallies.trigger_names(connection.vendor) <= names


def test_the_statistics_read_the_figures_of_the_published_grants(client, partnerships):
    first, second = partnerships
    second.publication = "draft"
    second.save()
    response = client.get(reverse("pages:statistics"))
    totals = response.context["totals"]
    assert totals["partnerships"] == 1
    assert totals["grants"] == 2
    assert totals["sek"] == 1_700_000


def test_a_county_counts_a_partnership_and_its_sek_once(client, db):
    """Two Swedish participants of one partnership in the same county once counted the
    partnership's SEK twice for that county."""
    from django.http import QueryDict

    from pages.statistics import statistics
    from tests.conftest import make_municipality

    falun = make_municipality("Falun", "2080", county_code="20", county_name="Dalarnas län")
    borlange = make_municipality("Borlänge", "2081", county_code="20", county_name="Dalarnas län")
    make_partnership("delad", participants=[falun, borlange], grants=[(2016, 400_000, 3)])
    tables = {t["key"]: t for t in statistics(QueryDict())["tables"]}
    (row,) = tables["county"]["rows"]
    assert row["values"] == {"partnerships": 1, "sek": 1_200_000}
