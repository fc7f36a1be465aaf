from datetime import date

from django.core.management import call_command

from partnerships.models import GrantRound
from projects.models import Project
from reference.models import Country, Goal, Organisation, Programme, Source


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Country, Goal, Organisation, Project, Programme, Source, GrantRound)
    }


def test_seed_twice_gives_the_same_rows(db, capsys):
    call_command("seed")
    first = counts()
    call_command("seed")
    assert counts() == first
    output = capsys.readouterr().out
    assert "projects: created 0, updated 0, unchanged 9" in output


def test_seed_updates_an_edited_row(seeded):
    Project.objects.filter(slug="symbiocity-kenya").update(title_sv="Changed by hand")
    report = __import__("ops.seeding", fromlist=["load_seeds"]).load_seeds()
    assert Project.objects.get(slug="symbiocity-kenya").title_sv == "SymbioCity Kenya"
    assert report.counts[("projects", "updated")] == 1


def test_seeded_facts(seeded):
    assert Goal.objects.filter(framework="sdg").count() == 17
    assert Goal.objects.filter(framework="mdg").count() == 8
    assert (
        Goal.objects.get(framework="sdg", number=17).title_sv
        == "Genomförande och globalt partnerskap"
    )
    assert Country.objects.get(code="KE").name_sv == "Kenya"
    assert Country.objects.get(code="UA").name_sv == "Ukraina"
    assert Country.objects.get(code="KE").continent == "AF"

    round_ = GrantRound.objects.get()
    assert round_.participants.count() == 21
    assert (
        round_.stated_new_partnerships,
        round_.stated_ongoing_partnerships,
        round_.stated_swedish_participants,
    ) == (32, 70, 60)
    assert (round_.grant_maker.acronym, round_.funding_source.acronym) == ("ICLD", "Sida")
    assert round_.source.title.startswith("32 nya internationella samarbeten")
    assert round_.source.published_on is None  # the announcement gives no date
    assert (
        round_.min_sek_per_year,
        round_.max_sek_per_year,
        round_.min_years,
        round_.max_years,
    ) == (300_000, 500_000, 1, 3)
    assert round_.year is None  # the announcement gives no date
    assert Organisation.objects.get(slug="borlange").scb_code == "2081"
    assert Organisation.objects.get(name_sv="Region Gotland").scb_code == "09"
    vasternorrland = Organisation.objects.get(slug="region-vasternorrland")
    assert (vasternorrland.kind, vasternorrland.scb_code) == ("region", "22")
    assert vasternorrland.former_names.get().name == "Landstinget Västernorrland"
    # No identifier is invented: the documents give no organisation numbers.
    assert not Organisation.objects.exclude(org_number=None).exists()

    expected = {
        "symbiocity-kenya": ({"KE"}, {11}),
        "symbiocity-colombia": ({"CO"}, {11}),
        "symbiocity-myanmar": ({"MM"}, {11}),
        "bolivia-klimatanpassning": ({"BO"}, {13}),
        "ukraina-decentraliserad-utbildning": ({"UA"}, {4}),
        "tunisien-decentralisering": ({"TN"}, {16}),
        "irak-regional-socialtjanst": ({"IQ"}, {3}),
        "jamstalldhet-kommunforbund": ({"RS", "TN", "TR"}, {5}),
        "medborgardialog-turkiet-colombia": ({"TR", "CO"}, set()),
    }
    for slug, (countries, goals) in expected.items():
        project = Project.objects.get(slug=slug)
        assert set(project.countries.values_list("code", flat=True)) == countries, slug
        assert (
            set(project.goals.filter(framework="sdg").values_list("number", flat=True)) == goals
        ), slug
    # Millenniekommun is a programme (2010 – December 2012), not a cooperation in Sweden.
    assert not Project.objects.filter(slug="millenniekommun").exists()
    assert not Project.objects.filter(countries="SE").exists()
    millennium = Programme.objects.get(slug="millenniekommun")
    assert millennium.goals.filter(framework="mdg").count() == 8
    assert (millennium.start_date, millennium.end_date) == (date(2010, 1, 1), date(2012, 12, 31))
    assert (millennium.owner.acronym, millennium.funder.acronym) == ("SKR", "Sida")
    kenya = Project.objects.get(slug="symbiocity-kenya")
    assert kenya.programme.slug == "symbiocity"
    assert {(p.organisation.slug, p.role) for p in kenya.participants.all()} == {
        ("salar-international", "implementing"),
        ("sida", "funding"),
    }
    assert kenya.stated_status == "ongoing"
    assert kenya.status_source.published_on == date(2019, 11, 27)
    assert Source.objects.get(slug="skr-internationella-samarbeten-2024").published_on == date(
        2024, 4, 18
    )


def test_former_names_are_searchable(seeded):
    assert (
        Organisation.objects.filter(former_names__name="SKL International").get().slug
        == "salar-international"
    )
    assert Organisation.objects.filter(former_names__acronym="SKL").get().acronym == "SKR"
