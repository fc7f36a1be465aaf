"""SQLite's full-text index of the projects' texts (core.fulltext); nothing on PostgreSQL."""

from django.db import migrations

from core.fulltext import operation


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_sourced_model")]

    operations = [operation("projects.Project", ("title_sv", "summary_sv", "body_sv", "title_en", "summary_en", "body_en"))]
