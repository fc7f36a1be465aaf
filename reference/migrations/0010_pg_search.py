"""PostgreSQL's stored vector of the programmes' texts with its GIN index, and their
trigram indexes (core.fulltext); nothing on SQLite."""

from django.db import migrations

from core.fulltext import pg_operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0009_funding_roles")]

    operations = [
        pg_operation(
            "reference.Programme", ("name_sv", "description_sv"), ("name_en", "description_en")
        )
    ]
