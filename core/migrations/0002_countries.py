from django.db import migrations


def load_countries(apps, schema_editor):
    from core.services import sync_countries

    sync_countries(apps.get_model("core", "Country"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
