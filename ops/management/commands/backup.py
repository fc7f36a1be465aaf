import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rows that migrate makes again on an empty database are left out, and so are sessions,
# login attempts and the admin's log of actions (README, "Backup and restore"), and the
# read models of the partnerships, which the database makes again from the rows as they
# load (partnerships/figures.py, facts.py, coverage.py, tallies.py).
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "partnerships.partnershipfigures",
    "partnerships.partnershipfacts",
    "partnerships.goalcoverage",
    "partnerships.themecoverage",
    "partnerships.countrycoverage",
    "partnerships.partnershipcounty",
    "partnerships.partnershiptally",
]


class Command(BaseCommand):
    help = "Dump all content to a JSON file that `restore` loads into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        # The file holds password hashes: readable by its owner only, from the start.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(descriptor)
        os.chmod(path, 0o600)
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
