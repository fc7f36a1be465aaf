"""Read models kept by the database: triggers written for SQLite and PostgreSQL
(partnerships/figures.py, facts.py, coverage.py). A module of such triggers has
pg_statements(), pg_drop_statements(), sqlite_statements() (which drop, create and fill
the read model from the tables), sqlite_drop_statements() and MODEL_TABLES (the read
model's own tables).

On PostgreSQL a migration makes the triggers (trigger_operation), and an altered table
keeps them. On SQLite, Django alters a column by making a new table, dropping the old one
and renaming the new one into place, and the rename fails while a trigger on another table
reads the old one ("no such table"); the remade table also loses its own triggers. So on
SQLite the triggers are dropped before every `migrate` and made again after it, with their
read models filled from the tables then (kept_on_sqlite): a migration there needs nothing
of them."""

from django.db import connections, migrations
from django.db.models.signals import post_migrate, pre_migrate


def trigger_operation(module, make=True):
    """A migration operation that makes `module`'s triggers on PostgreSQL and fills its
    read model, and drops them when reversed. On SQLite it makes nothing (kept_on_sqlite
    does, after the migrate) but still drops them when reversed: a migration run back by
    the executor alone (the tests of a data migration) sends no signal, and a trigger
    left on a table would then read a read model's table that is gone. With `make`
    False it only drops them when reversed: a later migration makes them (the module's
    triggers of today may need columns or sizes that migration brings)."""

    def forwards(apps, schema_editor):
        if make and schema_editor.connection.vendor == "postgresql":
            for sql in module.pg_statements():
                schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            statements = module.pg_drop_statements()
        else:
            statements = module.sqlite_drop_statements()
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)


def drop_on_sqlite(using, modules):
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for module in modules:
            for sql in module.sqlite_drop_statements():
                cursor.execute(sql)


def make_on_sqlite(using, modules):
    """Makes the triggers and fills the read models whose tables exist (a database
    migrated back before a read model has no table for it)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for module in modules:
            if set(module.MODEL_TABLES) <= tables:
                for sql in module.sqlite_statements():
                    cursor.execute(sql)


def kept_on_sqlite(app_config, *modules):
    """On SQLite, drops the modules' triggers before a `migrate` (of any app) and makes
    them again after it (also after `flush`, which empties the tables)."""

    def before(using, **kwargs):
        drop_on_sqlite(using, modules)

    def after(using, **kwargs):
        make_on_sqlite(using, modules)

    uid = f"{app_config.label}-read-models"
    pre_migrate.connect(before, sender=app_config, weak=False, dispatch_uid=f"{uid}-drop")
    post_migrate.connect(after, sender=app_config, weak=False, dispatch_uid=f"{uid}-make")


def trigger_name(prefix, table):
    """The name of a read model's trigger (`prefix`) on `table` (its app's prefix left out)."""
    return f"{prefix}_{table.split('_', 1)[1]}"


def sqlite_row_triggers(prefix, body, updated, before=()):
    """SQLite's CREATE TRIGGER statements of a read model: one trigger for each (table,
    event) of `body` ({(table, event): [SQL statements]}), after the row is written but
    for those in `before`, an update's only when one of the columns `updated[table]` is
    set."""
    statements = []
    for (table, event), sql in body.items():
        of = f" OF {updated[table]}" if event == "update" else ""
        when = "BEFORE" if (table, event) in before else "AFTER"
        statements.append(
            f"CREATE TRIGGER {trigger_name(prefix, table)}_{event} {when} {event.upper()}{of} "
            f"ON {table} BEGIN {' '.join(sql)} END"
        )
    return statements


def sqlite_row_trigger_drops(prefix, tables):
    return [
        f"DROP TRIGGER IF EXISTS {trigger_name(prefix, table)}_{event}"
        for table in tables
        for event in ("insert", "delete", "update")
    ]
