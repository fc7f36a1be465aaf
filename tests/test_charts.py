"""The tables of figures (core.charts.bar_table written by the tag chart_table): the chart
and the table hold the same rows, names are shown as text, amounts are grouped as the
page's language writes them, an amount not recorded says so, and each row links to the
statistics narrowed by it."""

import re

from django.template import Context, Template
from django.utils import translation

from core.charts import bar_table


def rendered(table, query="", language="sv"):
    with translation.override(language):
        template = Template("{% load charts %}{% chart_table t query %}")
        return template.render(Context({"t": table, "query": query}))


def test_a_table_and_its_chart_show_every_row_as_text_with_its_link():
    table = bar_table(
        "county",
        "Efter <län>",
        [
            ('Bolag <b>"&"</b>', {"partnerships": 2, "sek": 1_234_567}, "county=01"),
            ("Ingen summa", {"partnerships": 1, "sek": None}, ""),
        ],
        ("partnerships", "sek"),
    )
    html = rendered(table, query="goal=11&country=KE")
    svg, table_html = html.split("</svg>")
    # The chart: a bar and its value for each row, the label as text, its title escaped.
    assert svg.count("<rect ") == 2
    assert "Bolag &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;</text>" in svg
    assert "Efter &lt;län&gt;" in svg and "<län>" not in html
    assert ">1\xa0234\xa0567</text>" in svg and ">–</text>" in svg
    # The table: the same rows, the one with a query linking to the narrowed statistics.
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table_html)
    assert len(rows) == 2
    assert '<a href="/statistik/?goal=11&amp;country=KE&amp;county=01">' in rows[0]
    assert '<td class="num">1\xa0234\xa0567</td>' in rows[0]
    assert "<a " not in rows[1] and '<td class="num">inte registrerat</td>' in rows[1]


def test_a_row_whose_parameter_is_chosen_does_not_link_and_english_groups_by_comma():
    table = bar_table("goal", "By goal", [("11. Cities", {"sek": 5_000_000}, "goal=11")], ["sek"])
    html = rendered(table, query="goal=11", language="en")
    assert "<a " not in html.split("</svg>")[1]  # a second goal would widen, not narrow
    assert ">5,000,000</text>" in html and "Bar chart of SEK granted, By goal;" in html
