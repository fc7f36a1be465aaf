from django.db import migrations, models

from partnerships import tallies


def drop_and_empty(apps, schema_editor):
    """Backwards: the triggers go, and the rows too, before the field is altered back.
    Their longer dimension names would not fit, and SQLite makes the table anew and renames
    it, which fails while a trigger names the table that is gone (a migration run back by
    the executor alone, as the tests of a data migration do, sends no signal that would
    drop them first). A database run back to 0016 has no tallies' triggers until it is
    migrated forward again, which makes them and counts afresh."""
    tallies.operation().reverse_code(apps, schema_editor)
    schema_editor.execute(f"DELETE FROM {tallies.TALLY}", params=None)


class Migration(migrations.Migration):
    """The tallies count the grants by year of decision, and some dimensions within each
    goal and partner country (tallies.SCOPED), in dimensions named with the goal's id or
    the country's code (longer names). The triggers are made here, after the field is
    widened, and the rows counted afresh (0016 no longer makes them: today's triggers
    would write names longer than its 12 characters)."""

    dependencies = [
        ("partnerships", "0016_tallies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnershiptally",
            name="dimension",
            field=models.CharField(max_length=24, verbose_name="dimension"),
        ),
        migrations.RunPython(tallies.operation().code, drop_and_empty, elidable=False),
    ]
