"""The tables of figures of the statistics page, the record pages' statistics panels,
the comparison of municipalities and the statistics PDF: a bar chart and the same numbers
as a table (core.charts.bar_table), built in Python."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core.templatetags.register import narrowed
from core.text import escaped

register = template.Library()


@register.simple_tag
def chart_table(t, query="", charts=None):
    """A table of figures (core.charts.bar_table): its bar chart (SVG, with its text
    alternative; `charts`: the chart cut into parts for the pages of a PDF, else one)
    and the same numbers as a table, each row linking to the statistics narrowed by it
    (`query`: the selection they add to). Built here rather than in included templates:
    the statistics page has some 180 rows, and a variable resolved by the template engine
    cost it more than the queries of a table."""

    def grouped(value):
        return escaped(intcomma(value))

    parts = [_bar_chart(chart, grouped) for chart in (charts or [t])]
    title = escaped(t["title"])
    statistics_url = reverse("pages:statistics")
    headers = "".join(
        f'<th scope="col" class="num">{escaped(label)}</th>' for _k, label in t["headers"]
    )
    not_recorded = escaped(translation.gettext("not recorded"))
    rows = []
    for row in t["rows"]:
        label = escaped(row["label"])
        link = narrowed(query, row["query"])
        if link:
            label = f'<a href="{statistics_url}?{escaped(link)}">{label}</a>'
        cells = "".join(
            f'<td class="num">{not_recorded if value is None else grouped(value)}</td>'
            for value in row["cells"]
        )
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return mark_safe(
        "".join(parts)
        + f"""
  <div class="table-scroll" role="region" aria-label="{title}" tabindex="0">
  <table>
    <caption class="visually-hidden">{title}</caption>
    <thead><tr><th scope="col">{title}</th>{headers}</tr></thead>
    <tbody>{"".join(rows)}</tbody>
  </table>
  </div>"""
    )


def _bar_chart(t, grouped):
    key = escaped(t["key"])
    if t["chart_column"] == "sek":
        text = translation.gettext(
            "Bar chart of SEK granted, %(title)s; the same numbers are in the table below."
        )
    else:
        text = translation.gettext(
            "Bar chart of projects and partnerships, %(title)s; the same numbers are in the "
            "table below."
        )
    bars = "".join(
        f'<text x="0" y="{r["y"]}" class="bar-label">{escaped(truncatechars(r["label"], 28))}'
        f'</text><rect x="230" y="{r["bar_y"]}" width="{r["bar_width"]}" height="16" '
        f'class="bar" fill="#1f5d8c"></rect><text x="{r["value_x"]}" y="{r["y"]}" '
        f'class="bar-value">{"–" if r["measure"] is None else grouped(r["measure"])}</text>'
        for r in t["rows"]
    )
    svg = (
        f'<svg class="bar-chart" role="img" aria-labelledby="chart-{key}-title" '
        f'viewBox="0 0 640 {t["height"]}" focusable="false" font-size="14" fill="#1a1a1a">'
    )
    return f"""
  {svg}
    <title id="chart-{key}-title">{text % {"title": escaped(t["title"])}}</title>
    {bars}
  </svg>"""
