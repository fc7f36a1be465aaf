from django.db import migrations, models

from partnerships import tallies


def drop_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in tallies.sqlite_drop_statements():
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    """The tallies count within each goal and partner country too (tallies.SCOPED: the
    years of the partnerships' periods and the grants by year of decision; within a
    country, the goals, themes, programme, Swedish participants and unstated facts too),
    in dimensions named with the goal's id or the country's code (longer names). On PostgreSQL the
    triggers are made again and the rows filled afresh; run backwards it leaves them
    (0016's reversal drops them)."""

    dependencies = [
        ("partnerships", "0017_tallies_by_year_of_grant"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnershiptally",
            name="dimension",
            field=models.CharField(max_length=24, verbose_name="dimension"),
        ),
        # Backwards, before the field is altered back: SQLite makes the table anew and
        # renames it, and a rename fails while a trigger names the table that is gone
        # (a migration run back by the executor alone, as the tests of a data migration
        # do, sends no signal that would drop them first; migrate makes them again).
        migrations.RunPython(tallies.operation().code, drop_on_sqlite, elidable=False),
    ]
