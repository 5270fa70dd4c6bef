"""One labelled series as bars: horizontal bars, vertical columns, and the histogram."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from flask_babel import lazy_gettext as _l

from app.charts import svg
from app.charts.axes import Frame, all_integers, axis_width, nice_ceiling, y_axis
from app.charts.chart import Canvas, Chart, Number, NumberFormat, empty_chart, number_formatter


def bar_chart(
    labels: Sequence,
    values: Sequence[Number],
    *,
    title,
    description=None,
    value_label=None,
    label_header=None,
    number_format: Callable | None = None,
    width: int = 640,
    rtl: bool = False,
    empty_text=None,
) -> Chart:
    """Horizontal bars, one per label, with the value written at the end of each bar."""
    labels, values, header = _one_series("bar", labels, values, label_header, value_label)
    if not labels:
        return empty_chart("bar", title, description, width, header, empty_text, rtl)
    fmt = number_formatter(number_format)
    row_h, bar_h, pad = 26, 16, 6
    label_w = svg.label_column_width(labels, width, 0.4)
    value_w = max(len(fmt(v)) for v in values) * 7 + 12
    plot_w = width - label_w - value_w - pad
    top = max(values) or 1
    canvas = Canvas(width, len(labels) * row_h + 2 * pad, rtl)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row_h
        length = max(0.0, value / top * plot_w)
        bar_x = width - label_w - length if rtl else label_w
        label_x = width - label_w + 6 if rtl else label_w - 6
        value_x = width - label_w - length - 4 if rtl else label_w + length + 4
        canvas.add(
            svg.row_start(label, x=label_x, y=y + bar_h - 3, label_width=label_w, rtl=rtl),
            svg.rect(bar_x, y, length, bar_h, rx=2, fill=svg.BAR),
            svg.text(value_x, y + bar_h - 3, fmt(value), anchor="start", rtl=rtl),
            "</g>",
        )
    axis_x = width - label_w if rtl else label_w
    canvas.add(svg.line(axis_x, pad - 2, axis_x, canvas.height - pad + 2, stroke=svg.MUTED))
    return _series_chart("bar", canvas, title, description, header, labels, values, fmt)


def column_chart(
    labels: Sequence,
    values: Sequence[Number],
    *,
    title,
    description=None,
    value_label=None,
    label_header=None,
    number_format: Callable | None = None,
    width: int = 640,
    height: int = 260,
    rtl: bool = False,
    empty_text=None,
) -> Chart:
    """Vertical columns over ordered categories, left to right (also on RTL pages)."""
    labels, values, header = _one_series("column", labels, values, label_header, value_label)
    if not labels:
        return empty_chart("column", title, description, width, header, empty_text, rtl)
    fmt = number_formatter(number_format)
    maximum = nice_ceiling(max(values))
    axis_w = axis_width(maximum, fmt)
    left, right = (8, width - axis_w) if rtl else (axis_w, width - 8)
    frame = Frame(left, right, 16, height - 26)
    canvas = Canvas(width, height, rtl)
    canvas.add(*y_axis(frame, maximum, fmt, rtl=rtl, integers=all_integers(values)))
    canvas.add(*_columns(frame, labels, values, maximum, fmt))
    return _series_chart("column", canvas, title, description, header, labels, values, fmt)


def _columns(frame: Frame, labels, values, maximum: float, fmt: NumberFormat) -> list[str]:
    """One column per value with its tooltip, its value on top when few, and its label below."""
    slot = (frame.right - frame.left) / len(labels)
    column_w = max(1.0, min(slot * 0.7, 60))
    longest = max(len(label) for label in labels)
    every = max(1, math.ceil(len(labels) * 7 * longest / (frame.right - frame.left)))
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = frame.left + slot * i + (slot - column_w) / 2
        centre = x + column_w / 2
        h = frame.height_of(value, maximum)
        tooltip = f"{label}: {fmt(value)}"
        parts.append(svg.rect(x, frame.bottom - h, column_w, h, fill=svg.BAR, tooltip=tooltip))
        if len(labels) <= 16 and value:
            parts.append(
                svg.text(centre, frame.bottom - h - 3, fmt(value), anchor="middle", size=11)
            )
        if i % every == 0:
            parts.append(
                svg.text(centre, frame.bottom + 15, label, anchor="middle", size=11, fill=svg.MUTED)
            )
    return parts


def histogram(
    values: Sequence[Number],
    *,
    title,
    edges: Sequence[Number] | None = None,
    bins: int = 10,
    lower: Number | None = None,
    upper: Number | None = None,
    description=None,
    value_label=None,
    label_header=None,
    number_format: Callable | None = None,
    width: int = 640,
    height: int = 260,
    rtl: bool = False,
    empty_text=None,
    weights: Sequence[int] | None = None,
) -> Chart:
    """Counts of ``values`` per bin, drawn as columns (``weights``: how many times each
    value counts, for values already counted)."""
    weights = [1] * len(values) if weights is None else list(weights)
    if len(weights) != len(values):
        raise ValueError("histogram needs as many weights as values")
    pairs = [(v, n) for v, n in zip(values, weights, strict=True) if v is not None and n]
    values = [v for v, _ in pairs]
    weights = [n for _, n in pairs]
    header = (str(label_header or _l("Range")), str(value_label or _l("Count")))
    if not values:
        return empty_chart("histogram", title, description, width, header, empty_text, rtl)
    fmt = number_formatter(number_format)
    low = min(values) if lower is None else lower
    high = max(values) if upper is None else upper
    if edges is None and all_integers(values) and float(low).is_integer() and high - low <= 20:
        labels, counts = _count_per_value(values, weights, low, high, fmt)
    else:
        if edges is None:
            edges = _equal_edges(low, high, bins)
        labels, counts = _count_per_bin(values, weights, list(edges), fmt)
    return column_chart(
        labels,
        counts,
        title=title,
        description=description,
        value_label=header[1],
        label_header=header[0],
        width=width,
        height=height,
        rtl=rtl,
        empty_text=empty_text,
    )


def _count_per_value(values, weights, low: Number, high: Number, fmt: NumberFormat):
    """Labels and counts with one bin per integer from ``low`` (a whole number) to ``high``."""
    labels = [fmt(int(low) + k) for k in range(int(high - low) + 1)]
    counts = [0] * len(labels)
    for v, n in zip(values, weights, strict=True):
        if low <= v <= high:
            counts[int(v - low)] += n
    return labels, counts


def _equal_edges(low: Number, high: Number, bins: int) -> list[Number]:
    """The edges of ``bins`` equal bins from ``low`` to ``high`` (at least 1 wide in all)."""
    if high <= low:
        high = low + 1
    step = (high - low) / bins
    return [low + step * k for k in range(bins)] + [high]


def _count_per_bin(values, weights, edges: list[Number], fmt: NumberFormat):
    """Labels ("a–b") and counts of the bins between ``edges``; the last bin is closed."""
    labels = [f"{fmt(a)}–{fmt(b)}" for a, b in zip(edges, edges[1:], strict=False)]
    counts = [0] * len(labels)
    for v, n in zip(values, weights, strict=True):
        for k in range(len(labels)):
            last = k == len(labels) - 1
            if edges[k] <= v < edges[k + 1] or (last and v == edges[-1]):
                counts[k] += n
                break
    return labels, counts


def _one_series(kind: str, labels: Sequence, values: Sequence, label_header, value_label):
    """A chart's labels as text, its values with 0 for none, and its table header."""
    labels = [str(label) for label in labels]
    values = [v or 0 for v in values]
    if len(labels) != len(values):
        raise ValueError(f"{kind}_chart needs as many labels as values")
    header = (str(label_header or _l("Category")), str(value_label or _l("Count")))
    return labels, values, header


def _series_chart(kind, canvas: Canvas, title, description, header, labels, values, fmt) -> Chart:
    """The Chart of one labelled series, described by its values unless told otherwise."""
    rows = tuple(zip(labels, values, strict=True))
    summary = ", ".join(f"{label}: {fmt(value)}" for label, value in rows)
    return canvas.chart(kind, title, description or summary, header, rows, fmt)
