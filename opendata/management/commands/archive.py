"""Writes a preservable copy of the whole public register as a BagIt bag
(opendata/archive.py)."""

from django.core.management.base import BaseCommand, CommandError

from opendata.archive import make_archive
from opendata.management.commands.release import check_base_url


class Command(BaseCommand):
    help = "Writes a BagIt bag of a new release, a static copy of every public page and a WARC."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="an empty or new folder for the bag")
        parser.add_argument(
            "--base-url", required=True, help="the site's public address, e.g. https://…"
        )

    def handle(self, directory, base_url, **options):
        check_base_url(base_url)
        try:
            result = make_archive(directory, base_url)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Archive written to {directory}: release {result['release']}, "
            f"{result['pages']} pages, {result['files']} files."
        )
