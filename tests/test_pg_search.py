"""Search and the lists' `q` read an index on PostgreSQL too (core.fulltext; issue #23
point 4): a stored Swedish and English tsvector with a GIN index, and trigram indexes for
the match of any part of a word. It finds what the vector computed on every row found
before, follows every write, and never shows a draft to the public. The parts about
stemming and query plans are PostgreSQL's and run in CI's PostgreSQL pass; SQLite's
index has its own tests (tests/test_fulltext.py)."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q

from core import fulltext
from core.filters import text_search
from core.models import Publication
from partnerships.models import Partnership
from projects.models import Project
from reference.models import Programme
from tests.conftest import make_partnership, make_project

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's stemming and index; SQLite's index: tests/test_fulltext.py",
)


def listed(client, path, query):
    response = client.get(path, {"q": query})
    assert response.status_code == 200
    return {record.slug for record in response.context["object_list"]}


def searched(client, query, group):
    response = client.get("/sok/", {"q": query})
    assert response.status_code == 200
    groups = {key: rows for key, _label, rows, _count in response.context["groups"]}
    return {record.slug for record in groups[group]}


# The records the tests make (the seeds have others that may match).
MINE = {"sv", "en", "synlig", "hemlig", "dold", "skiftande", "annat", "annat-namn"}


def found(client, query):
    """The slugs the lists and the search page find for `query`: projects and partnerships."""
    return (
        listed(client, "/projekt/", query)
        | listed(client, "/partnerskap/", query)
        | searched(client, query, "projects")
        | searched(client, query, "partnerships")
    )


def test_any_part_of_a_word_is_found(client, seeded):
    """A Swedish compound holds the word a reader types in its middle."""
    make_project("forvaltning", summary_sv="Stöd till kommunförvaltningen i Kisumu.")
    make_partnership("styrning", body_en="Work with the Nakuru county administrations.")
    assert "forvaltning" in listed(client, "/projekt/", "förvaltning")
    assert "forvaltning" in searched(client, "förvaltning", "projects")
    assert "styrning" in listed(client, "/partnerskap/", "ministrat")
    assert "styrning" in searched(client, "ministrat", "partnerships")
    assert "styrning" not in found(client, "förvaltning")


def test_a_draft_is_not_found_by_the_public(client, seeded):
    make_project("hemlig", summary_sv="Om kommunförvaltning.", publication=Publication.DRAFT)
    make_partnership("dold", summary_sv="Om kommunförvaltning.", publication=Publication.DRAFT)
    make_partnership("synlig", summary_sv="Om kommunförvaltning.")
    assert found(client, "förvaltning") & MINE == {"synlig"}
    if connection.vendor == "postgresql":
        assert found(client, "kommunförvaltningarna") & MINE == {"synlig"}  # by its stem


@postgresql_only
def test_swedish_and_english_inflections_find_the_record(client, seeded):
    """ "kommunerna" finds "kommun" by its Swedish stem, "buildings" finds "build" by its
    English one: neither is a part of the text, so only the stored vector finds them."""
    make_project("sv", summary_sv="Samarbete mellan en kommun och en region.")
    make_partnership("en", title_sv="Skolor", summary_en="They build schools together.")
    assert found(client, "kommunerna") & MINE == {"sv"}
    assert found(client, "buildings") & MINE == {"en"}
    assert found(client, '"build schools"') & MINE == {"en"}  # a phrase, as a web search reads it
    assert found(client, "buildings -schools") & MINE == set()
    programmes = {p.slug for p in search_programmes("symbiocitys")}
    assert "symbiocity" in programmes


def search_programmes(query):
    return text_search(Programme.objects.published(), *Programme.SEARCH_VECTOR, query)


@postgresql_only
def test_an_edit_is_found_by_its_new_text_right_after_it(client, seeded):
    """The stored vector follows save(), QuerySet.update() and bulk_update(): each time
    the record is found by the stem of its new words and no longer by the old ones."""
    partnership = make_partnership("skiftande", summary_sv="Om vattenrening.")
    assert found(client, "vattenreningen") & MINE == {"skiftande"}
    partnership.summary_sv = "Om avfallshantering."
    partnership.save()
    assert found(client, "vattenreningen") & MINE == set()
    assert found(client, "avfallshanteringen") & MINE == {"skiftande"}
    Partnership.objects.filter(pk=partnership.pk).update(body_en="Better bus routes.")
    assert found(client, "routing") & MINE == {"skiftande"}
    project = make_project("annat", summary_sv="Om skolor.")
    project.title_en, project.summary_sv = "Public libraries", "Om bibliotek."
    Project.objects.bulk_update([project], ["title_en", "summary_sv"])
    assert found(client, "library") & MINE == {"annat"}
    assert found(client, "skolorna") & MINE == set()
    # An update of other columns leaves the vector as it was.
    Project.objects.filter(pk=project.pk).update(slug="annat-namn")
    assert "annat-namn" in found(client, "library")


QUERIES = [
    "kommunerna",
    "förvaltning",
    "vatten",
    "Borlänge",
    "schools",
    '"öppna data"',
    "vatten -avfall",
    "water or waste",
    "a & b | !c",
    "'",
    "x",
    "in",  # an English stop word
    "och",  # a Swedish one
]


def query_time_search(queryset, fields_sv, fields_en, value):
    """The search as core.filters.text_search made it before the stored vector: the vector
    computed on every row."""
    vector = SearchVector(*fields_sv, config="swedish") + SearchVector(*fields_en, config="english")
    query = SearchQuery(value, config="swedish", search_type="websearch") | SearchQuery(
        value, config="english", search_type="websearch"
    )
    contains = Q()
    for field in (*fields_sv, *fields_en):
        contains |= Q(**{f"{field}__icontains": value})
    return queryset.annotate(_search=vector).filter(Q(_search=query) | contains)


@postgresql_only
def test_the_stored_vector_finds_what_the_computed_one_found(seeded):
    make_project("a", summary_sv="Vattenrening i Borlänge kommun.", body_en="Schools and water.")
    make_project("b", title_en="Open data", summary_sv="Öppna data om avfall och vatten.")
    make_partnership("c", summary_sv="Kommunerna i Dalarna.", body_sv="Förvaltningen växer.")
    make_partnership("d", summary_en="Waste, water and the schools in Kisumu.")
    for model in (Project, Partnership, Programme):
        fields_sv, fields_en = model.SEARCH_VECTOR
        for query in QUERIES:
            before = query_time_search(model.objects.all(), fields_sv, fields_en, query)
            now = text_search(model.objects.all(), fields_sv, fields_en, query)
            assert set(now) == set(before), (model, query)
        assert any(text_search(model.objects.all(), fields_sv, fields_en, q) for q in QUERIES)
        # Every row's stored vector is the one computed from its texts.
        table = model._meta.db_table
        languages = list(zip(fulltext.LANGUAGES, model.SEARCH_VECTOR, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE {fulltext.VECTOR_COLUMN} "
                f"IS DISTINCT FROM ({fulltext.vector_sql(languages)})"
            )
            assert cursor.fetchone() == (0,)


@postgresql_only
@pytest.mark.parametrize("model", [Project, Partnership, Programme], ids=lambda m: m.__name__)
def test_a_search_reads_the_indexes(seeded, model):
    """The plan of a search uses the vector's GIN index and a trigram index of every
    column (the few rows of a test would be read whole, so sequential scans are off)."""
    queryset = text_search(model.objects.all(), *model.SEARCH_VECTOR, "förvaltning")
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    table = model._meta.db_table
    assert f"Bitmap Index Scan on {table}_{fulltext.VECTOR_COLUMN}" in plan
    for column in (*model.SEARCH_VECTOR[0], *model.SEARCH_VECTOR[1]):
        assert f"Bitmap Index Scan on {fulltext.trigram_index(model, column)}" in plan


def has_vector_column(model):
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return fulltext.VECTOR_COLUMN in {column.name for column in columns}


@postgresql_only
def test_the_migration_drops_the_index_and_makes_it_again_for_the_rows_there(client, seeded):
    """Reversed, the migration leaves the table as it was; applied again to a table with
    rows, it fills their vectors (a record made in between is found by its stem)."""
    from django.apps import apps

    def migrate(code):
        # The test's rows are checked first: PostgreSQL alters no table with checks
        # pending (a migration runs in a transaction of its own, which has none).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            code(apps, editor)

    operation = fulltext.pg_operation("partnerships.Partnership", *Partnership.SEARCH_VECTOR)
    migrate(operation.reverse_code)
    assert not has_vector_column(Partnership)
    make_partnership("emellan", summary_sv="Om vattenrening.")
    migrate(operation.code)
    assert has_vector_column(Partnership)
    assert "emellan" in found(client, "vattenreningen")


@postgresql_only
def test_every_model_with_a_vector_has_its_column_trigger_and_indexes_after_all_migrations():
    """A later migration that drops the index (or renames a column) fails this until it
    makes the index again (core.fulltext.pg_operation)."""
    from django.apps import apps

    indexed = [m for m in apps.get_models() if getattr(m, "SEARCH_VECTOR", None)]
    assert {m._meta.label for m in indexed} == {
        "projects.Project",
        "partnerships.Partnership",
        "reference.Programme",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT indexname FROM pg_indexes")
        indexes = {row[0] for row in cursor.fetchall()}
    for model in indexed:
        table = model._meta.db_table
        assert has_vector_column(model)
        assert f"{table}_{fulltext.VECTOR_COLUMN}" in triggers
        assert f"{table}_{fulltext.VECTOR_COLUMN}" in indexes
        for column in (*model.SEARCH_VECTOR[0], *model.SEARCH_VECTOR[1]):
            assert fulltext.trigram_index(model, column) in indexes
