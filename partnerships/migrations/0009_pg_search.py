"""PostgreSQL's stored vector of the partnerships' texts with its GIN index, and their
trigram indexes (core.fulltext); nothing on SQLite."""

from django.db import migrations

from core.fulltext import pg_operation


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0008_groups")]

    operations = [
        pg_operation(
            "partnerships.Partnership",
            ("title_sv", "summary_sv", "body_sv"),
            ("title_en", "summary_en", "body_en"),
        )
    ]
