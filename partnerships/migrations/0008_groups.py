from django.db import migrations


def update_groups(apps, schema_editor):
    from core.roles import sync_groups

    sync_groups(apps)  # editors name who runs, decides and funds in the new rows


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0007_funding_roles"),
        ("reference", "0009_funding_roles"),
        ("corrections", "0002_groups"),
    ]
    operations = [migrations.RunPython(update_groups, migrations.RunPython.noop)]
