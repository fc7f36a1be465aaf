"""Writes a dated, immutable release of everything public (opendata/releases.py)."""

from django.core.management.base import BaseCommand

from opendata.releases import make_release


class Command(BaseCommand):
    help = "Writes a dated release of the register's public data (README, 'Archive and releases')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            required=True,
            help="the site's public address, e.g. https://register.example.se (in the files)",
        )

    def handle(self, base_url, **options):
        name = make_release(base_url)
        self.stdout.write(f"Release {name} written.")
