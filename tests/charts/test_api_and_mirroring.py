"""The documented API is the real one; spread and column charts mirror on RTL pages."""

import inspect
import re
import xml.etree.ElementTree as ET

import pytest

import app.charts as charts
from app.charts import column_chart, spread_chart, svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    """Our own markup, not untrusted input."""
    return ET.fromstring(str(markup))  # noqa: S314


def documented_signatures():
    """``name -> "params"`` for each function of the API block of the package docstring."""
    api = charts.__doc__.split("API (stable")[1]
    found = re.findall(r"^    (\w+)\((.*?)\) -> ", api, flags=re.MULTILINE | re.DOTALL)
    return {name: re.sub(r"\s+", " ", params) for name, params in found}


def test_the_docstring_documents_every_function_of_the_api():
    functions = {name for name in charts.__all__ if inspect.isfunction(getattr(charts, name))}
    assert set(documented_signatures()) == functions


@pytest.mark.parametrize("name", sorted(documented_signatures()))
def test_each_documented_signature_is_the_real_one(name):
    parameters = inspect.signature(getattr(charts, name)).parameters
    documented, keyword_only = [], False
    for item in documented_signatures()[name].split(", "):
        if item == "*":
            keyword_only = True
            continue
        param, _, default = item.partition("=")
        documented.append(param)
        real = parameters[param]
        assert (real.kind == real.KEYWORD_ONLY) == keyword_only, param
        expected = repr(real.default) if real.default is not real.empty else ""
        assert default == expected, param
    assert documented == list(parameters)


def mean_dots(chart):
    """The x of each row's mean dot, top row first."""
    return [float(c.get("cx")) for c in parse(chart.svg).iter(f"{SVG}circle")]


def test_spread_chart_mirrors_in_rtl():
    samples = [[1, 2, 3], [4, 5, 5]]
    ltr = mean_dots(spread_chart(["low", "high"], samples, title="t", lower=0, upper=5))
    rtl_chart = spread_chart(["low", "high"], samples, title="t", lower=0, upper=5, rtl=True)
    rtl = mean_dots(rtl_chart)
    assert ltr[0] < ltr[1]  # higher means further right...
    assert rtl[0] > rtl[1]  # ...and further left on a right-to-left page
    labels = [t for t in parse(rtl_chart.svg).iter(f"{SVG}text") if t.text in ("low", "high")]
    assert labels and all(t.get("direction") == "rtl" for t in labels)


def test_column_chart_keeps_its_columns_in_order_and_writes_the_axis_right_in_rtl():
    def columns_and_axis(chart):
        root = parse(chart.svg)
        columns = [float(r.get("x")) for r in root.iter(f"{SVG}rect")]
        axis = [
            float(t.get("x")) for t in root.iter(f"{SVG}text") if t.get("fill") and t.text == "0"
        ]
        return columns, axis[0]

    ltr_columns, ltr_axis = columns_and_axis(column_chart(["a", "b"], [1, 2], title="t"))
    rtl_columns, rtl_axis = columns_and_axis(column_chart(["a", "b"], [1, 2], title="t", rtl=True))
    assert ltr_columns == sorted(ltr_columns) and rtl_columns == sorted(rtl_columns)
    assert ltr_axis < ltr_columns[0]
    assert rtl_axis > rtl_columns[-1]


def test_svg_pieces_escape_their_texts_and_leave_out_absent_attributes():
    text = svg.text(1, 2.25, "<b>&</b>", anchor="end")
    assert text == '<text x="1" y="2.2" text-anchor="end">&lt;b&gt;&amp;&lt;/b&gt;</text>'
    assert svg.line(0, 0.5, 10, 0.5, stroke="#000") == (
        '<line x1="0" y1="0.5" x2="10" y2="0.5" stroke="#000"/>'
    )
    rect = svg.rect(0, 0, 5, 5, fill="#fff", tooltip='"x" <y>')
    assert rect.endswith("<title>&#34;x&#34; &lt;y&gt;</title></rect>")
    assert "style" not in text + rect
