"""Prints the Markdown tables of bench/README.md from bench/results/*.json."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _r(value):
    return round(value, 1) if isinstance(value, float) else value


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def _r(value):
    return round(value, 1) if isinstance(value, float) else value


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    machine = load("machine")
    if machine:
        print("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + "\n")
    pages = load("pages")
    if pages:
        print("### Filtered list pages (wrk, 8 connections, medians of the runs)\n")
        rows = [
            (
                r["partnerships"],
                r["target"],
                r["rps"],
                _r(r["p50_ms"]),
                _r(r["p99_ms"]),
                r["errors"],
                r["vs_static"],
            )
            for r in pages
            if "rps" in r
        ]
        print(
            table(["partnerships", "page", "req/s", "p50 ms", "p99 ms", "errors", "× static"], rows)
        )
        rps = {(r["partnerships"], r["target"]): r["rps"] for r in pages if "rps" in r}
        ratios = []
        for size, page in [k for k in rps if not k[1].startswith(("Datasette", "static"))]:
            if "uncached" in page:
                continue
            theirs = rps.get((size, f"Datasette {page}"))
            cold = rps.get((size, f"{page} (uncached)"))
            ratios.append((size, page, _ratio(rps[(size, page)], theirs), _ratio(cold, theirs)))
        print("\nOurs ÷ Datasette (req/s, same run), with our caches on and off:\n")
        print(table(["partnerships", "page", "cached", "uncached"], ratios))
    export = load("export")
    if export:
        print("\n### CSV export of grants\n")
        rows = [
            (
                r["grants"],
                r["method"],
                r["rows"],
                r.get("rows_per_s"),
                r.get("seconds"),
                r.get("first_byte_s"),
                r.get("growth_mb"),
            )
            for r in export
        ]
        print(
            table(
                [
                    "grants",
                    "method",
                    "rows",
                    "rows/s",
                    "seconds",
                    "first byte s",
                    "memory growth MB",
                ],
                rows,
            )
        )
    queries = load("queries")
    if queries:
        print("\n### Queries per page\n")
        sizes = list(queries)
        rows = [(page, *[queries[s][page] for s in sizes]) for page in queries[sizes[0]]]
        print(table(["page", *[f"{s} partnerships" for s in sizes]], rows))
    setup = load("setup")
    if setup:
        print("\n### Set-up\n")
        print(
            table(
                list(setup), [[round(v, 2) if isinstance(v, float) else v for v in setup.values()]]
            )
        )
    load_test = load("load")
    if load_test:
        print("\n### Mixed load test\n")
        print(table(list(load_test), [list(load_test.values())]))


if __name__ == "__main__":
    main()
