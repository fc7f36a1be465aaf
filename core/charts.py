"""Bar charts drawn on the server as SVG, each with the same numbers as a table (written
by the tag chart_table, pages/templatetags/charts.py): the shapes for the statistics page
and for the statistics panels of record pages."""

from django.utils.translation import gettext_lazy as _

COLUMN_LABELS = {
    "projects": _("Projects"),
    "partnerships": _("Partnerships"),
    "sek": _("Granted, SEK"),
}


BAR_MAX = 260


def bar_table(key, title, rows, columns):
    """rows: [(label, {column: value}, query string for the lists or "")]; a value of
    None is one not recorded."""
    peak = max((values.get("sek") or 0 for _l, values, _q in rows), default=0)
    peak_count = max(
        (max(values.get("projects", 0), values.get("partnerships", 0)) for _l, values, _q in rows),
        default=0,
    )
    chart_column = "sek" if peak else "records"
    if not peak:
        # No amount is recorded here: no column of zeros that reads as "0 SEK granted".
        columns = [column for column in columns if column != "sek"]
    shaped = []
    for label, values, query in rows:
        # An amount of None is not recorded: no bar, and the chart and table say so
        # rather than show 0 (the comparison of municipalities).
        measure = (
            values.get("sek")
            if chart_column == "sek"
            else values.get("projects", 0) + values.get("partnerships", 0)
        )
        scale = peak if chart_column == "sek" else 2 * peak_count
        # The longest bar leaves room in the 640 units for a value of 15 digits
        # ("15 960 375 000") after it, which was cut off at 300.
        bar = round(BAR_MAX * (measure or 0) / scale, 1) if scale else 0
        shaped.append(
            {
                "label": label,
                "values": values,
                # The table's cells in the order of its columns: "" where the row has
                # no such column, None where its value is not recorded.
                "cells": [values.get(column, "") for column in columns],
                "query": query,
                "measure": measure,
                "bar_width": bar,
                "value_x": 236 + bar,
            }
        )
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "headers": [(column, COLUMN_LABELS[column]) for column in columns],
        "rows": _placed(shaped),
        "height": 24 * len(shaped) + 4,
        "chart_column": chart_column,
    }


def _placed(rows):
    """The rows with their places in the chart: one bar every 24 units, from the top."""
    return [dict(row, bar_y=24 * n + 4, y=24 * n + 17) for n, row in enumerate(rows)]


# Bars a chart of a PDF holds: about 60 % of an A4 page's height at the PDF's width.
PDF_CHART_BARS = 25


def chart_parts(table, size=PDF_CHART_BARS):
    """The chart of a bar_table cut into charts of at most `size` bars, on the same
    scale, so that none is taller than a page of a PDF (a picture cannot break across
    pages). The table beside them keeps every row."""
    rows = table["rows"]
    if len(rows) <= size:
        return [table]
    return [
        {
            **table,
            "key": f"{table['key']}-{n}",
            "rows": _placed(rows[start : start + size]),
            "height": 24 * len(rows[start : start + size]) + 4,
        }
        for n, start in enumerate(range(0, len(rows), size), 1)
    ]


def year_table(counts, sek):
    """By year: counts {column: {"2021": n}} of the records and SEK {"2021": amount}."""
    years = sorted(set().union(*counts.values(), sek))
    rows = []
    for year in years:
        values = {column: by_year.get(year, 0) for column, by_year in counts.items()}
        values["sek"] = sek.get(year, 0)
        rows.append((year, values, f"year={year}"))
    return bar_table("year", _("By year"), rows, (*counts, "sek"))


def year_panel(table, query):
    """A record page's statistics panel (templates/includes/stats_panel.html): the table
    by year, its SEK in all, and the filter the whole statistics page takes."""
    return {
        "table": table,
        "sek": sum(row["values"].get("sek") or 0 for row in table["rows"]),
        "query": query,
    }
