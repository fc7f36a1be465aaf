from django.db import migrations

from partnerships import tallies


class Migration(migrations.Migration):
    """The tallies count the Swedish counties within each partner country too
    (tallies.COPIED): the triggers are made again and the rows counted afresh. Run back,
    today's triggers stay; they count what 0017's did and the county copies besides,
    which nothing before this migration reads."""

    dependencies = [
        ("partnerships", "0017_tallies_by_year_and_within_goals_and_countries"),
    ]

    operations = [
        migrations.RunPython(tallies.operation().code, migrations.RunPython.noop, elidable=False),
    ]
