"""SQLite's full-text index of the partnerships' texts (core.fulltext); nothing on PostgreSQL."""

from django.db import migrations

from core.fulltext import operation


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0004_pending_import")]

    operations = [operation("partnerships.Partnership", ("title_sv", "summary_sv", "body_sv", "title_en", "summary_en", "body_en"))]
