"""CPU milliseconds (time.process_time) per uncached request of each public page, in
process, on the database in DATABASE_URL; prints JSON {page: median ms}. Run it with
FACET_CACHE_SECONDS=0 and LOCAL_CACHE_SECONDS=0 (no page or facet cache). With a
directory as the first argument it also writes each page's HTML there (to compare the
HTML before and after a change).

With PAGECPU_WALL=1 it prints {page: [median wall ms, median CPU ms]} instead: on
PostgreSQL the queries run in the server's processes, so this process's CPU leaves them
out and the wall time is the measure. Addresses after the directory (or after "-" in its
place) replace the default pages."""

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skrsite.settings")

REPEAT = int(os.environ.get("PAGECPU_REPEAT", "9"))


def pages():
    from django.urls import reverse
    from django.utils import translation

    result = ["/projekt/", "/partnerskap/", "/partnerskap/?country=KE"]
    for language in ("sv", "en"):
        with translation.override(language):
            result += [
                reverse("pages:country-detail", args=["ke"]),
                reverse("pages:goal-detail", args=[11]),
            ]
    return [*result, "/", "/statistik/", "/en/projects/"]


def median_ms(values):
    return round(statistics.median(values) * 1000, 1)


def main():
    import django

    django.setup()
    from django.test import Client

    out = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    wall = os.environ.get("PAGECPU_WALL") == "1"
    client = Client()
    result = {}
    for page in sys.argv[2:] or pages():
        response = client.get(page)  # warm-up: imports, per-process memos
        assert response.status_code == 200, (page, response.status_code)
        cpu, elapsed = [], []
        for _ in range(REPEAT):
            start, started = time.process_time(), time.perf_counter()
            response = client.get(page)
            cpu.append(time.process_time() - start)
            elapsed.append(time.perf_counter() - started)
        result[page] = [median_ms(elapsed), median_ms(cpu)] if wall else median_ms(cpu)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
            name = re.sub(r"[^a-z0-9]+", "_", page).strip("_") or "home"
            (out / f"{name}.html").write_bytes(html)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
