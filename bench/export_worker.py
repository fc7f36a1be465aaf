"""One export run in a fresh process, so that its memory is not mixed with another's.

Usage (from bench/run.py): python bench/export_worker.py METHOD
METHOD: ours (COPY on PostgreSQL) | ours-python | ours-360 | import-export | copy.
Prints one JSON line:
rows, seconds, rows_per_s, first_byte_s, rss_before_mb, rss_peak_mb, growth_mb, peak_from.

Memory growth is the peak resident size during the export minus the resident size just
before it (after Django is set up and the user is read), both from /proc/self/status.
Not getrusage's ru_maxrss: Linux carries it over fork and exec, so it starts at the
parent's peak (bench/run.py's), and it also holds this process's peak from before the
export. The peak during the export is VmHWM after the export, where the kernel lets the
high-water mark be reset to the current size first (`5` to /proc/self/clear_refs);
otherwise, and as a check, the highest VmRSS a thread reads every 5 ms."""

import json
import os
import re
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skrsite.settings")


def status_mb(field):
    """VmRSS (resident now) or VmHWM (its high-water mark) of this process, in MB."""
    with open("/proc/self/status") as handle:
        return int(re.search(rf"^{field}:\s+(\d+) kB", handle.read(), re.M).group(1)) / 1024


def reset_peak():
    """Sets VmHWM to the current VmRSS where the kernel allows it; True if it did."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return status_mb("VmHWM") - status_mb("VmRSS") < 1


class PeakSampler:
    """The highest VmRSS seen while the export runs, read every `interval` seconds."""

    def __init__(self, interval=0.005):
        self.interval, self.peak = interval, status_mb("VmRSS")
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, status_mb("VmRSS"))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, status_mb("VmRSS"))


def consume(chunks, marker=b"\n"):
    """(how many times `marker` occurs in the chunks, seconds to the first chunk)."""
    started = time.perf_counter()
    first = None
    lines = 0
    tail = b""  # the end of the previous chunk: a marker may span two chunks
    for chunk in chunks:
        if first is None:
            first = time.perf_counter() - started
        chunk = tail + (chunk if isinstance(chunk, bytes) else chunk.encode())
        lines += chunk.count(marker)
        tail = chunk[-(len(marker) - 1) :] if len(marker) > 1 else b""
    return lines, first


def main(method, filters=""):
    import django

    django.setup()
    from django.contrib.auth.models import User

    from partnerships.models import Grant

    total = Grant.objects.count()
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password="x-not-used-9f3"
    )
    if method == "ours-python":
        from django.conf import settings

        settings.EXPORT_USE_COPY = False
    # Modules are loaded before the "before" reading, so growth is the export's own.
    from django.test import RequestFactory  # noqa: F401

    import opendata.views  # noqa: F401
    import partnerships.views  # noqa: F401

    if method == "import-export":
        import import_export.resources  # noqa: F401
    with PeakSampler() as sampler:
        hwm_reset = reset_peak()
        before = status_mb("VmRSS")
        started = time.perf_counter()
        rows, first = export(method, filters, user)
        seconds = time.perf_counter() - started
        hwm = status_mb("VmHWM")
    peak = max(hwm, sampler.peak) if hwm_reset else sampler.peak
    print(
        json.dumps(
            {
                "method": method,
                "rows": rows,
                "table_rows": total,
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds) if seconds else None,
                "first_byte_s": round(first, 4) if first is not None else None,
                "rss_before_mb": round(before, 1),
                "rss_peak_mb": round(peak, 1),
                "growth_mb": round(peak - before, 1),
                "peak_from": "VmHWM after reset" if hwm_reset else "VmRSS sampled every 5 ms",
                "sampled_peak_mb": round(sampler.peak, 1),
            }
        )
    )


def open_data(view_name, address, marker):
    """(records, seconds to the first byte) of an open-data view of opendata.views,
    computed for the request (not the whole file written in advance); a record is an
    occurrence of `marker`."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from opendata import views

    settings.OPEN_DATA_FILES_ROOT = ""
    request = RequestFactory().get(address)
    request.user = AnonymousUser()
    response = getattr(views, view_name)(request)
    try:
        return consume(response.streaming_content, marker=marker)
    finally:
        response.close()


def export(method, filters, user):
    """Runs one export to its end; (rows, seconds to the first byte)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory

    from opendata.views import GrantExportView  # the view /partnerskap/bidrag.csv routes to
    from partnerships.models import Grant

    started = time.perf_counter()
    if method in ("ours", "ours-360", "ours-python"):
        query = "?columns=360giving" if method == "ours-360" else filters
        request = RequestFactory().get("/partnerskap/bidrag.csv" + query)
        request.user = user or AnonymousUser()
        response = GrantExportView.as_view()(request)
        lines, first = consume(response.streaming_content)
        rows = lines - 1
    elif method == "ours-360-json":
        # The 360Giving JSON package, computed for the request as for any filtered
        # selection (not the whole file written in advance); a grant per "dataSource".
        rows, first = open_data(
            "grants_360giving", "/partnerskap/bidrag.json" + filters, b'"dataSource": '
        )
    elif method == "ours-iati":
        # The IATI file of the partnerships (an activity each), computed for the request.
        rows, first = open_data(
            "partnerships_iati", "/partnerskap/iati.xml" + filters, b"<iati-activity "
        )
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
    return rows, first


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
