"""One export run in a fresh process, so that peak memory belongs to it alone.

Usage (from bench/run.py): python bench/export_worker.py METHOD
METHOD: ours (COPY on PostgreSQL) | ours-python | ours-360 | import-export | copy.
Prints one JSON line:
rows, seconds, rows_per_s, first_byte_s, rss_idle_mb, rss_peak_mb, growth_mb."""

import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skrsite.settings")


def rss_mb():
    # Current resident size (Linux): the second field of statm, in pages.
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def consume(chunks):
    started = time.perf_counter()
    first = None
    lines = 0
    for chunk in chunks:
        if first is None:
            first = time.perf_counter() - started
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    return lines, first


def main(method, filters=""):
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser, User
    from django.db import connection
    from django.test import RequestFactory

    from partnerships.models import Grant
    from partnerships.views import GrantExportView

    total = Grant.objects.count()
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password="x-not-used-9f3"
    )
    idle = rss_mb()
    started = time.perf_counter()
    if method == "ours-python":
        from django.conf import settings

        settings.EXPORT_USE_COPY = False
    if method in ("ours", "ours-360", "ours-python"):
        query = "?columns=360giving" if method == "ours-360" else filters
        request = RequestFactory().get("/partnerskap/bidrag.csv" + query)
        request.user = user or AnonymousUser()
        response = GrantExportView.as_view()(request)
        lines, first = consume(response.streaming_content)
        rows = lines - 1
    elif method == "import-export":
        from import_export import fields, resources

        class GrantResource(resources.ModelResource):
            partnership_slug = fields.Field(
                attribute="partnership__slug", column_name="partnership_slug"
            )
            country_code = fields.Field(
                attribute="partnership__country_id", column_name="country_code"
            )

            class Meta:
                model = Grant
                fields = ("id", "year", "amount_sek_per_year", "duration_years", "decided_on")

        queryset = Grant.objects.select_related("partnership").order_by(
            "partnership__title_sv", "id"
        )
        dataset = GrantResource().export(queryset=queryset)
        text = dataset.csv
        first = time.perf_counter() - started  # nothing leaves before the whole file is built
        rows = text.count("\n") - 1
    elif method == "copy":
        sql = (
            "COPY (SELECT g.id, p.slug, p.title_sv, g.year, g.amount_sek_per_year, "
            "g.duration_years, "
            "g.amount_sek_per_year * g.duration_years, p.country_id "
            "FROM partnerships_grant g JOIN partnerships_partnership p ON p.id = g.partnership_id "
            "WHERE p.publication = 'published' ORDER BY p.title_sv, g.id) TO STDOUT WITH CSV HEADER"
        )
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            lines, first = consume(bytes(block) for block in copy)
        rows = lines - 1
    else:
        raise SystemExit(f"unknown method {method}")
    seconds = time.perf_counter() - started
    peak = peak_mb()
    print(
        json.dumps(
            {
                "method": method,
                "rows": rows,
                "table_rows": total,
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds) if seconds else None,
                "first_byte_s": round(first, 4) if first is not None else None,
                "rss_idle_mb": round(idle, 1),
                "rss_peak_mb": round(peak, 1),
                "growth_mb": round(peak - idle, 1),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
