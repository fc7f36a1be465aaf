"""Counts the SQL queries of each page type on the database in DATABASE_URL; prints JSON."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skrsite.settings")

PAGES = [
    "/",
    "/projekt/",
    "/projekt/?country=KE&goal=16",
    "/partnerskap/",
    "/partnerskap/?country=KE&goal=11&year=2016",
    "/kommuner/",
    "/mal/",
    "/mal/16/",
    "/lander/",
    "/lander/ke/",
    "/projekt/symbiocity-kenya/",
    "/kommuner/borlange/",
    "DETAIL_PARTNERSHIP",
]


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partnerships.models import Partnership

    client = Client()
    first = Partnership.objects.published().order_by("id").first()
    counts = {}
    for page in PAGES:
        url = first.get_absolute_url() if page == "DETAIL_PARTNERSHIP" else page
        label = "/partnerskap/<slug>/" if page == "DETAIL_PARTNERSHIP" else page
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        counts[label] = len(ctx.captured_queries) if status == 200 else f"HTTP {status}"
    print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
