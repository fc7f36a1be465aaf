"""Writes one whole open-data file (opendata/wholefiles.py starts this in its own process,
so that the worker that serves the site does not grow by what building it takes)."""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from opendata import wholefiles


class Command(BaseCommand):
    help = "Writes the open-data file of an address of this site to a path (used by the site)."

    def add_arguments(self, parser):
        parser.add_argument(
            "address", help="absolute address, e.g. https://host/partnerskap/iati.xml"
        )
        parser.add_argument("target", help="the file to write")

    def handle(self, address, target, **options):
        try:
            if not wholefiles.write_file(address, target, wholefiles.render_as_served):
                raise CommandError(f"{address} did not answer 200.")
        finally:
            cache.delete(wholefiles.build_key(target))
