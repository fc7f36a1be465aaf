from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.cache import bump_data_version
from partnerships import tallies
from reference.models import Country

# Rows `migrate` makes by itself; any other row means the database has content.
MADE_BY_MIGRATE = {"reference.country"}


def content_rows():
    """{model label: rows} for the models that hold content and are not empty."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in settings.REGISTER_APPS
        and model._meta.label_lower not in MADE_BY_MIGRATE
    ] + [get_user_model()]
    counts = {model._meta.label: model.objects.count() for model in models}
    return {label: n for label, n in counts.items() if n}


class Command(BaseCommand):
    help = (
        "Load a file written by `backup` into a migrated, empty database, in one "
        "transaction. --replace empties a database that has content first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete all content first (in the same transaction as the load)",
        )

    @transaction.atomic
    def handle(self, *args, path, replace=False, **options):
        existing = content_rows()
        if existing and not replace:
            listed = ", ".join(f"{label} {n}" for label, n in sorted(existing.items())[:6])
            raise CommandError(
                f"The database is not empty ({listed}). Restore into an empty, migrated "
                "database, or add --replace to delete its content first."
            )
        if existing:
            call_command("flush", interactive=False, verbosity=0)
        # The countries in the backup replace the ones migrate made.
        Country.objects.all().delete()
        with tallies.counted_at_the_end():  # row by row, a large backup loads slowly
            call_command("loaddata", path, verbosity=0)
        bump_data_version()  # now and again when the transaction commits
        self.stdout.write(self.style.SUCCESS(f"Content loaded from {path}."))
