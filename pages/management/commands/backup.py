from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rows that migrate makes again on an empty database are left out; the rest is content.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = "Dump all content to a JSON file that `restore` loads into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDE,
            indent=None,
            output=path,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Content written to {path}."))
