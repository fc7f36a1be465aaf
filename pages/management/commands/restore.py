from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.cache import bump_data_version
from reference.models import Country


class Command(BaseCommand):
    help = "Load a file written by `backup` into a migrated database, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path")

    @transaction.atomic
    def handle(self, *args, path, **options):
        # The countries in the backup replace the ones migrate made.
        Country.objects.all().delete()
        call_command("loaddata", path, verbosity=0)
        bump_data_version()  # now and again when the transaction commits
        self.stdout.write(self.style.SUCCESS(f"Content loaded from {path}."))
