from django.db import migrations


def update_groups(apps, schema_editor):
    from core.roles import sync_groups

    sync_groups(apps)  # editors handle reported errors, staff read them


class Migration(migrations.Migration):
    dependencies = [
        ("corrections", "0001_initial"),
        ("pages", "0001_groups"),
    ]
    operations = [migrations.RunPython(update_groups, migrations.RunPython.noop)]
