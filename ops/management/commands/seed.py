from django.core.management.base import BaseCommand

from core.cache import bump_data_version
from ops.seeding import load_seeds


class Command(BaseCommand):
    help = "Load the facts of the source documents (seeds/) into the database. Safe to rerun."

    def handle(self, *args, **options):
        report = load_seeds()
        bump_data_version()  # countries are written in bulk, without signals
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Seed data loaded."))
