"""Prints the Markdown tables of bench/README.md from bench/results/*.json."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def pages_table(pages):
    """Ours (caches on and off) beside Datasette, per page, with the rows both list;
    a pair whose row counts differ gets no Datasette figures and no ratio."""
    out = ["### Filtered list pages (wrk, 8 connections, medians of the runs)\n"]
    headers = [
        "partnerships",
        "page",
        "rows (ours = Datasette)",
        "req/s cached",
        "CPU ms/req cached",
        "req/s uncached",
        "CPU ms/req uncached",
        "Datasette req/s",
        "Datasette CPU ms/req",
        "ours ÷ Datasette req/s, uncached",
        "Datasette CPU ÷ ours CPU, uncached",
        "errors",
    ]
    rows = []
    for r in pages:
        cached, uncached, theirs = r.get("cached"), r.get("uncached"), r.get("datasette")
        if "rows_ours" not in r:  # the static file: the ceiling
            rows.append(
                [r["partnerships"], r["page"], "", cached["rps"], cached["cpu_ms_per_request"]]
                + [""] * 6
                + [cached["errors"]]
            )
            continue
        same = r["same_rows"]
        rows.append(
            [
                r["partnerships"],
                r["page"],
                f"{r['rows_ours']:,}".replace(",", " ") if same else r["refused"],
                cached["rps"],
                cached["cpu_ms_per_request"],
                uncached["rps"],
                uncached["cpu_ms_per_request"],
                theirs["rps"] if same else "not timed",
                theirs["cpu_ms_per_request"] if same else "",
                r.get("ratio_uncached") if same else "",
                r.get("cpu_ratio_uncached") if same else "",
                cached["errors"] + uncached["errors"] + (theirs["errors"] if same else 0),
            ]
        )
    out.append(table(headers, rows))
    return "\n".join(out)


def main():
    machine = load("machine")
    if machine:
        print("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + "\n")
    pages = load("pages")
    if pages:
        print(pages_table(pages))
    export = load("export")
    if export:
        print("\n### Exports (grants CSV, 360Giving, IATI)\n")
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
