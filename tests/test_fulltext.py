"""SQLite's full-text index (core.fulltext; issue #19 point 6): words match as prefixes
with diacritics folded, the index follows every write, and nothing a user types is read
as an FTS5 operator. PostgreSQL stems, with its own index (tests/test_pg_search.py)."""

import pytest
from django.apps import apps
from django.db import connection

from core.models import Publication
from projects.models import Project
from tests.conftest import make_project

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the FTS5 index is SQLite's; PostgreSQL stems"
    ),
]


def listed(client, query):
    response = client.get("/projekt/", {"q": query})
    assert response.status_code == 200
    return {p.slug for p in response.context["object_list"]}


def searched(client, query):
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    groups = {key: rows for key, _label, rows, _count in response.context["groups"]}
    return {p.slug for p in groups["projects"]}


def test_a_word_without_its_diacritics_finds_the_record(client, seeded):
    make_project("dalarna", summary_sv="Avfallshantering med Borlänge och Älvdalen.")
    assert "dalarna" in listed(client, "Borlange")
    assert "dalarna" in searched(client, "borlange alvdalen")
    assert "dalarna" not in listed(client, "Borlange Kiruna")  # every word must match


def test_an_organisation_is_found_by_its_name_without_diacritics(client, seeded):
    """ "what does Borlänge do abroad?" typed as "Borlange" (site search and the list of
    municipalities); a former name too."""
    response = client.get("/sok/", {"q": "Borlange"})
    groups = {key: rows for key, _label, rows, _count in response.context["groups"]}
    assert "borlange" in {o.slug for o in groups["municipalities"]}
    listed = client.get("/kommuner/", {"q": "borlange"}).context["object_list"]
    assert "borlange" in {o.slug for o in listed}
    from reference.models import FormerName, Organisation

    org = Organisation.objects.get(slug="borlange")
    FormerName.objects.create(organisation=org, name="Stora Kopparbergs Läns Kommun")
    found = Organisation.objects.matching("kopparbergs lans")
    assert org in found


def test_the_index_follows_every_write(client, seeded):
    project = make_project("skiftande", summary_sv="Om vattenrening i Nakuru.")
    assert "skiftande" in listed(client, "Nakúru")
    project.summary_sv = "Om avfall i Kisumu."
    project.save()
    assert "skiftande" not in listed(client, "Nakúru")
    assert "skiftande" in listed(client, "Kísumu")
    Project.objects.filter(pk=project.pk).update(summary_sv="Om skolor i Eldoret.")
    assert "skiftande" in listed(client, "Éldoret")
    project.delete()
    assert listed(client, "Éldoret") == set()


def test_a_draft_is_not_found_through_the_index(client, seeded):
    make_project("hemlig", summary_sv="Om Borlänge.", publication=Publication.DRAFT)
    assert "hemlig" not in listed(client, "Borlange")
    assert "hemlig" not in searched(client, "Borlange")


@pytest.mark.parametrize("query", ['"Borl', "NEAR(a b)", "a OR b*", "x AND", "^", "*", "-Kenya"])
def test_what_a_user_types_is_never_read_as_an_operator(client, seeded, query):
    make_project("dalarna", summary_sv="Om Borlänge.")
    listed(client, query)
    searched(client, query)


def test_every_index_has_its_table_and_triggers_after_all_migrations():
    """A later migration that remakes an indexed table drops its triggers: this fails
    until that migration recreates the index (core.fulltext.operation)."""
    indexed = [m for m in apps.get_models() if getattr(m, "FULLTEXT_COLUMNS", None)]
    assert {m._meta.label for m in indexed} >= {
        "projects.Project",
        "partnerships.Partnership",
        "reference.Organisation",
        "reference.FormerName",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name FROM sqlite_master")
        schema = set(cursor.fetchall())
    for model in indexed:
        table, fts = model._meta.db_table, f"{model._meta.db_table}_fts"
        assert ("table", fts, fts) in schema
        for event in ("insert", "update", "delete"):
            assert ("trigger", f"{fts}_{event}", table) in schema
