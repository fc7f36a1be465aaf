from django.db import migrations


def load_countries(apps, schema_editor):
    from reference.services import sync_countries

    sync_countries(apps.get_model("reference", "Country"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
