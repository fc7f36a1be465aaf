"""Writes a dated, immutable release of everything public (opendata/releases.py)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http.request import split_domain_port, validate_host

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
        check_base_url(base_url)
        name = make_release(base_url)
        self.stdout.write(f"Release {name} written.")


def check_base_url(base_url):
    """A CommandError unless `base_url` is an http(s) address of this site."""
    parts = urlsplit(base_url)
    host = split_domain_port(parts.netloc)[0]
    if parts.scheme not in ("http", "https") or not host:
        raise CommandError("--base-url must be an address such as https://register.example.se")
    if not validate_host(host, settings.ALLOWED_HOSTS):
        raise CommandError(
            f"{host} is not in ALLOWED_HOSTS: the files are made as the site serves them "
            "at that address."
        )
