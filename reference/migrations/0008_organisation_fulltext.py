"""SQLite's full-text index of organisations' names and former names (core.fulltext);
nothing on PostgreSQL."""

from django.db import migrations

from core.fulltext import operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0007_fulltext")]

    operations = [
        operation("reference.Organisation", ("name_sv", "name_en", "acronym")),
        operation("reference.FormerName", ("name", "acronym")),
    ]
