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
                r["p50_ms"],
                r["p99_ms"],
                r["errors"],
                r["vs_static"],
            )
            for r in pages
            if "rps" in r
        ]
        print(
            table(["partnerships", "page", "req/s", "p50 ms", "p99 ms", "errors", "× static"], rows)
        )
        ratios = [
            (r["partnerships"], r["target"].removeprefix("ratio ours/Datasette: "), r["ratio"])
            for r in pages
            if "ratio" in r
        ]
        print("\nOurs ÷ Datasette (req/s, same run):\n")
        print(table(["partnerships", "page", "ratio"], ratios))
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
