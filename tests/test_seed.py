from django.core.management import call_command

from core.models import Country, Goal, Organisation
from partnerships.models import GrantRound, Municipality
from projects.models import Project


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Country, Goal, Organisation, Project, Municipality, GrantRound)
    }


def test_seed_twice_gives_the_same_rows(db, capsys):
    call_command("seed")
    first = counts()
    call_command("seed")
    assert counts() == first
    output = capsys.readouterr().out
    assert "projects: created 0, updated 0, unchanged 10" in output


def test_seed_updates_an_edited_row(seeded):
    Project.objects.filter(slug="symbiocity-kenya").update(title_sv="Changed by hand")
    report = __import__("core.seeding", fromlist=["load_seeds"]).load_seeds()
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
        round_.new_partnerships,
        round_.ongoing_partnerships_about,
        round_.swedish_participants_about,
    ) == (32, 70, 60)
    assert (
        round_.min_sek_per_year,
        round_.max_sek_per_year,
        round_.min_years,
        round_.max_years,
    ) == (300_000, 500_000, 1, 3)
    assert round_.year is None  # the announcement gives no date
    assert Municipality.objects.get(slug="borlange").code == "2081"
    assert Municipality.objects.get(name="Region Gotland").code == "09"
    assert Municipality.objects.get(name="Landstinget Västernorrland").kind == "landsting"

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
    millennium = Project.objects.get(slug="millenniekommun")
    assert millennium.goals.filter(framework="mdg").count() == 8
    assert (millennium.start_year, millennium.end_year) == (2010, 2012)
    assert Project.objects.get(slug="symbiocity-kenya").programme.slug == "symbiocity"


def test_former_names_are_searchable(seeded):
    assert (
        Organisation.objects.filter(former_names__name="SKL International").get().slug
        == "salar-international"
    )
    assert Organisation.objects.filter(former_names__acronym="SKL").get().acronym == "SKR"
