"""The full-text indexes of the records' texts, for search and the lists' `q`
(core.filters.text_search): SQLite's FTS5 tables, and PostgreSQL's stored tsvector with
Swedish and English stemming and its trigram indexes (below, "PostgreSQL").

Each index is an FTS5 table over columns of the record's own table (external content:
the text is not stored twice), kept current by triggers on insert, update and delete, and
tokenized by unicode61 with diacritics removed: "Borlange" finds "Borlänge", and every
word of a query matches as a prefix ("vatten" finds "vattenrening"). The lists still also
match any part of a word (icontains), since Swedish compounds put the word a reader types
in the middle ("förvaltning" in "kommunförvaltning").

A migration that remakes an indexed table on SQLite (Django does, to alter a column)
drops its triggers: add `operation(label, columns)` again after it
(tests/test_fulltext.py fails when an index is stale).

A model says which columns its index has in FULLTEXT_COLUMNS; the migration that creates
the index names the same columns (a migration cannot read the model's class)."""

import re

from django.db import migrations
from django.db.models import BooleanField, Expression

MAX_WORDS = 10


def index_table(model):
    return f"{model._meta.db_table}_fts"


def statements(model, columns):
    """The SQL that creates the index of `model` over `columns`, its triggers, and fills
    it."""
    table, fts = model._meta.db_table, index_table(model)
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    return [
        *drop_statements(model),
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(model):
    fts = index_table(model)
    return [
        *(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {fts}",
    ]


def create(schema_editor, model, columns):
    if schema_editor.connection.vendor == "sqlite":
        for sql in statements(model, columns):
            schema_editor.execute(sql)


def drop(schema_editor, model):
    if schema_editor.connection.vendor == "sqlite":
        for sql in drop_statements(model):
            schema_editor.execute(sql)


def operation(label, columns):
    """A migration operation that creates (or recreates) the index of the model `label`
    over `columns` on SQLite, and drops it when the migration is reversed; nothing on
    PostgreSQL."""
    app_label, model_name = label.split(".")

    def forwards(apps, schema_editor):
        create(schema_editor, apps.get_model(app_label, model_name), columns)

    def backwards(apps, schema_editor):
        drop(schema_editor, apps.get_model(app_label, model_name))

    return migrations.RunPython(forwards, backwards, elidable=False)


def match_expression(value):
    """The FTS5 query of every word of `value` as a prefix, or "" when it has no word
    (each word is quoted: no FTS5 operator a user types is read as one)."""
    words = re.findall(r"\w+", value)[:MAX_WORDS]
    return " ".join(f'"{word}"*' for word in words)


def matching(model, fields, value):
    """A subquery of the ids of `model` whose indexed text matches `value`, or None when
    it cannot answer: not SQLite, no index of the model, fields outside the index, or no
    word in `value`."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    columns = getattr(model, "FULLTEXT_COLUMNS", ())
    expression = match_expression(value)
    if connection.vendor != "sqlite" or not columns or not set(fields) <= set(columns):
        return None
    if not expression:
        return None
    fts = index_table(model)
    return RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", (expression,))


# PostgreSQL
#
# A model that declares SEARCH_VECTOR = (Swedish columns, English columns) has a column
# `search_vector` on PostgreSQL: the same tsvector text_search computed on every row at
# query time before (Swedish stemming of the Swedish columns, English of the English),
# with a GIN index, kept current by a trigger on insert and on update of those columns
# (as SQLite's index is; a generated column would make PostgreSQL refuse any later
# migration that alters the type of one of them, such as a longer max_length). The column
# is no field of the model: Django never reads or writes it, and SQLite has none. Each of
# those columns also has a trigram index (pg_trgm) on the expression Django's icontains
# compares, UPPER(column::text), so that the lists' match of any part of a word
# ("förvaltning" in "kommunförvaltning") does not read every row either.
#
# A migration that renames one of the columns must add pg_operation again after it, with
# the new names (it replaces the trigger, whose function still reads the old name); one
# that drops one must drop the index before (pg_drop_operation: PostgreSQL refuses to
# drop a column the trigger names) and create it again after. tests/test_pg_search.py
# fails when the stored vector and the texts disagree.

VECTOR_COLUMN = "search_vector"
LANGUAGES = ("swedish", "english")


def vector_sql(languages, prefix=""):
    """The tsvector of the columns of `languages` ((config, columns), ...), as
    django.contrib.postgres's SearchVector(*columns, config=config) joined by || writes it
    (their texts joined by spaces, NULL as ""); `prefix` qualifies each column."""
    return " || ".join(
        f"to_tsvector('{config}'::regconfig, "
        + " || ' ' || ".join(f"COALESCE({prefix}{column}, '')" for column in columns)
        + ")"
        for config, columns in languages
        if columns
    )


def query_sql():
    """A match of the stored vector against a query (two parameters: the user's text
    twice), read as a web search (quotes, or, -) in Swedish or in English."""
    return " || ".join(f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in LANGUAGES)


def trigram_index(model, column):
    return f"{model._meta.db_table}_{column}_trgm"


def pg_statements(model, swedish, english):
    table = model._meta.db_table
    languages = list(zip(LANGUAGES, (swedish, english), strict=True))
    columns = (*swedish, *english)
    function = f"{table}_{VECTOR_COLUMN}"
    return [
        *pg_drop_statements(model, columns),
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"ALTER TABLE {table} ADD COLUMN {VECTOR_COLUMN} tsvector",
        f"UPDATE {table} SET {VECTOR_COLUMN} = {vector_sql(languages)}",
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{VECTOR_COLUMN} := {vector_sql(languages, prefix='NEW.')}; RETURN NEW; END $$",
        f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {', '.join(columns)} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE INDEX {table}_{VECTOR_COLUMN} ON {table} USING gin ({VECTOR_COLUMN})",
        *(
            f"CREATE INDEX {trigram_index(model, column)} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            for column in columns
        ),
    ]


def pg_drop_statements(model, columns):
    """Drops the vector, its trigger and index, and the trigram indexes; the extension
    pg_trgm stays (other tables' indexes may use it)."""
    table = model._meta.db_table
    function = f"{table}_{VECTOR_COLUMN}"
    return [
        *(f"DROP INDEX IF EXISTS {trigram_index(model, column)}" for column in columns),
        f"DROP TRIGGER IF EXISTS {function} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
    ]


def pg_operation(label, swedish, english, drop=False):
    """A migration operation that creates (or recreates) the stored vector of the model
    `label` over the columns `swedish` and `english` (as its SEARCH_VECTOR declares them:
    a migration cannot read the model's class), its trigger and GIN index, and the trigram
    indexes of the same columns on PostgreSQL, and drops them all when reversed; the
    other way round with `drop`. Nothing on SQLite."""
    app_label, model_name = label.split(".")

    def run(apps, schema_editor, sql):
        if schema_editor.connection.vendor == "postgresql":
            for statement in sql(apps.get_model(app_label, model_name)):
                schema_editor.execute(statement, params=None)

    def forwards(apps, schema_editor):
        run(apps, schema_editor, lambda model: pg_statements(model, swedish, english))

    def backwards(apps, schema_editor):
        run(apps, schema_editor, lambda model: pg_drop_statements(model, (*swedish, *english)))

    if drop:
        return migrations.RunPython(backwards, forwards, elidable=False)
    return migrations.RunPython(forwards, backwards, elidable=False)


def pg_drop_operation(label, swedish, english):
    """pg_operation the other way round: drops the index, creates it when reversed."""
    return pg_operation(label, swedish, english, drop=True)


class VectorMatch(Expression):
    """True where the stored vector of the query's table matches `value` in Swedish or in
    English (the condition text_search used to compute on every row)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, value, alias=None):
        super().__init__()
        self.value, self.alias = value, alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        # The table's alias changes when the query becomes a subquery (U0, ...).
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        column = f"{compiler.quote_name(self.alias)}.{VECTOR_COLUMN}"
        return f"{column} @@ ({query_sql()})", (self.value,) * len(LANGUAGES)


def vector_match(model, fields_sv, fields_en, value):
    """The condition that `model`'s stored vector matches `value`, or None when it cannot
    answer: not PostgreSQL, or the fields are not those of the model's vector."""
    from django.db import connection

    declared = getattr(model, "SEARCH_VECTOR", None)
    if connection.vendor != "postgresql" or declared is None:
        return None
    if (tuple(fields_sv), tuple(fields_en)) != tuple(map(tuple, declared)):
        return None
    return VectorMatch(value)
