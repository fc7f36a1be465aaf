"""SQLite's full-text index of the programmes' texts (core.fulltext); nothing on PostgreSQL."""

from django.db import migrations

from core.fulltext import operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0006_programme_closing_statement")]

    operations = [operation("reference.Programme", ("name_sv", "description_sv", "name_en", "description_en"))]
