"""The shared SVG charts: well-formed, accessible, CSP-safe, right numbers, RTL mirrored."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from app.charts import (
    bar_chart,
    column_chart,
    histogram,
    line_chart,
    spread_chart,
    summarise,
    svg_response,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    """Our own markup, not untrusted input."""
    return ET.fromstring(markup)  # noqa: S314


DAY = date(2026, 3, 1)


def full_charts():
    return [
        bar_chart(["Oriental", "Souss-Massa", "Casablanca-Settat"], [4, 9, 0], title="By region"),
        column_chart(["Jan", "Feb", "Mar"], [3, 0, 5], title="Sessions per month"),
        line_chart(
            [DAY, DAY + timedelta(days=3)],
            [2, 5],
            title="Per day",
            markers=[(DAY + timedelta(days=10), "Closing")],
            cumulative=True,
        ),
        histogram([0, 1, 3, 3, 5], title="Innovation", lower=0, upper=5),
        spread_chart(["Amal", "Bram"], [[2, 3, 4], [4, 5, 5]], title="Jurors", reference=3.8),
    ]


def empty_charts():
    return [
        bar_chart([], [], title="By region"),
        column_chart([], [], title="Sessions per month"),
        line_chart([], [], title="Per day", markers=[(DAY, "Closing")]),
        histogram([], title="Innovation"),
        spread_chart(["Amal"], [[]], title="Jurors", reference=None),
    ]


@pytest.mark.parametrize("chart", full_charts() + empty_charts(), ids=lambda c: c.uid)
def test_every_chart_is_well_formed_accessible_and_csp_safe(chart):
    document = chart.document()
    root = parse(document)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text
    markup = str(chart.svg) + str(chart.table())
    assert "style=" not in markup
    assert "<style" not in markup and "<script" not in markup
    parse(str(chart.svg))  # the inline element is well-formed too
    html = chart.__html__()
    assert 'class="visually-hidden"' in html and "<caption>" in html


def test_empty_charts_say_so():
    for chart in empty_charts():
        assert "No data yet." in str(chart.svg)
        assert chart.rows == ()


def test_text_is_escaped():
    chart = bar_chart(['<script>alert("x")</script>'], [1], title="<b>T</b>")
    text = str(chart.svg) + str(chart.table())
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>" not in text


def test_bar_chart_lengths_follow_the_values_and_mirror_in_rtl():
    def bars(chart):
        root = parse(str(chart.svg))
        return [(float(r.get("x")), float(r.get("width"))) for r in root.iter(f"{SVG}rect")]

    ltr = bars(bar_chart(["a", "b"], [5, 10], title="t"))
    assert ltr[0][1] == pytest.approx(ltr[1][1] / 2)
    assert ltr[0][0] == ltr[1][0]  # bars start at the same axis on the left
    rtl = bars(bar_chart(["a", "b"], [5, 10], title="t", rtl=True))
    assert [w for _, w in rtl] == [w for _, w in ltr]
    # Right to left: the bars end at the same axis on the right.
    assert rtl[0][0] + rtl[0][1] == pytest.approx(rtl[1][0] + rtl[1][1])
    assert rtl[1][0] < ltr[1][0] + 1
    assert 'direction="rtl"' in str(bar_chart(["a"], [1], title="t", rtl=True).svg)


def test_line_chart_fills_the_days_up_to_the_marker_and_totals():
    chart = line_chart(
        [DAY, DAY + timedelta(days=2)],
        [2, 5],
        title="Per day",
        markers=[(DAY + timedelta(days=4), "Closing")],
        cumulative=True,
    )
    assert [row[0] for row in chart.rows] == [
        (DAY + timedelta(days=k)).isoformat() for k in range(5)
    ]
    assert [row[1] for row in chart.rows] == [2, 0, 5, 0, 0]
    assert [row[2] for row in chart.rows] == [2, 2, 7, 7, 7]
    assert "Closing (2026-03-05)" in str(chart.svg)
    assert "7 in all" in chart.description


def test_histogram_counts_integer_scores_per_value_and_ranges_in_bins():
    chart = histogram([0, 1, 3, 3, 5], title="t", lower=0, upper=5)
    assert chart.rows == (("0", 1), ("1", 1), ("2", 0), ("3", 2), ("4", 0), ("5", 1))
    ranged = histogram([0.5, 1.5, 2.0, 4.0], title="t", edges=[0, 2, 4])
    assert [count for _, count in ranged.rows] == [2, 2]  # the last bin is closed


def test_spread_chart_gives_mean_and_spread_per_row():
    chart = spread_chart(["strict", "lenient"], [[1, 2, 3], [5, 5]], title="t", reference=3)
    assert chart.rows[0] == ("strict", 3, 2.0, 0.82, 1.0, 3.0)
    assert chart.rows[1] == ("lenient", 2, 5.0, 0.0, 5.0, 5.0)
    assert "Reference: 3" in str(chart.svg)
    assert summarise([]).count == 0


def test_labels_and_values_must_match():
    with pytest.raises(ValueError):
        bar_chart(["a"], [1, 2], title="t")


def test_the_ids_differ_between_charts_of_one_page():
    ids = [c.uid for c in full_charts()]
    assert len(set(ids)) == len(ids)


def test_svg_response_serves_the_document(app):
    chart = full_charts()[0]
    with app.test_request_context():
        response = svg_response(chart, "régions.svg")
    assert response.mimetype == "image/svg+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"<?xml") and b"By region" in body
    assert re.search(rb"<text[^>]*>By region</text>", body)  # the file shows its title
