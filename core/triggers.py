"""Read models kept by the database: triggers written for SQLite and PostgreSQL, made by a
migration operation (partnerships/figures.py, facts.py, coverage.py use it)."""

from django.db import migrations


def trigger_operation(module):
    """A migration operation that runs `module`'s pg_statements() or sqlite_statements()
    (which create its triggers and fill its read model) and, reversed, its
    pg_drop_statements() or sqlite_drop_statements()."""

    def run(kind):
        def forwards(apps, schema_editor):
            vendor = "pg" if schema_editor.connection.vendor == "postgresql" else "sqlite"
            for sql in getattr(module, f"{vendor}_{kind}statements")():
                schema_editor.execute(sql, params=None)

        return forwards

    return migrations.RunPython(run(""), run("drop_"), elidable=False)
