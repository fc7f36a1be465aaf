from django.db import migrations

from partnerships import tallies


class Migration(migrations.Migration):
    """The tallies count the grants by year of decision too (partnerships/tallies.py): on
    PostgreSQL the triggers are made again, with one on the grants, and the rows filled
    afresh. Run backwards it leaves them (0016's reversal drops them)."""

    dependencies = [
        ("partnerships", "0016_tallies"),
    ]

    operations = [
        migrations.RunPython(tallies.operation().code, migrations.RunPython.noop, elidable=False),
    ]
