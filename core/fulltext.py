"""SQLite's full-text index (FTS5) of the records' texts, for search and the lists' `q`
(core.filters.text_search). PostgreSQL searches with Swedish and English stemming
instead and has no such table.

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
