"""How samples spread per label (e.g. each juror's scores): range, mean ± deviation, mean."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l

from app.charts import svg
from app.charts.chart import Canvas, Chart, Number, NumberFormat, empty_chart, number_formatter

ROW_HEIGHT = 26
PAD = 6
AXIS_HEIGHT = 30
#: Room for the figures written at the end of each row ("3.2 ± 0.8 (n=12)").
STATS_WIDTH = 150


@dataclass(frozen=True)
class Summary:
    """The figures of one sample; all but ``count`` are None for an empty sample."""

    count: int
    mean: float | None
    stdev: float | None
    minimum: float | None
    maximum: float | None


def summarise(values: Sequence[Number]) -> Summary:
    """Count, mean, population standard deviation, minimum and maximum of ``values``."""
    array = np.array(values, dtype=float).reshape(-1)  # None becomes NaN
    array = array[~np.isnan(array)]
    if not array.size:
        return Summary(0, None, None, None, None)
    return Summary(
        int(array.size),
        float(array.mean()),
        float(array.std()),
        float(array.min()),
        float(array.max()),
    )


def spread_chart(
    labels: Sequence,
    samples: Sequence[Sequence[Number]],
    *,
    title,
    description=None,
    reference: Number | None = None,
    reference_label=None,
    lower: Number | None = None,
    upper: Number | None = None,
    label_header=None,
    number_format: Callable | None = None,
    width: int = 640,
    rtl: bool = False,
    empty_text=None,
) -> Chart:
    """Per label: range, mean ± standard deviation and mean, against a reference line."""
    labels = [str(label) for label in labels]
    if len(labels) != len(samples):
        raise ValueError("spread_chart needs as many labels as samples")
    header = (
        str(label_header or _l("Name")),
        str(_l("Scores")),
        str(_l("Mean")),
        str(_l("Standard deviation")),
        str(_l("Lowest")),
        str(_l("Highest")),
    )
    summaries = [summarise(sample) for sample in samples]
    if not any(s.count for s in summaries):
        return empty_chart("spread", title, description, width, header, empty_text, rtl)
    fmt = number_formatter(number_format)
    label_w = svg.label_column_width(labels, width, 0.35)
    scale = _Scale.fit(summaries, lower, upper, label_w, width, rtl)
    height = len(labels) * ROW_HEIGHT + 2 * PAD + AXIS_HEIGHT
    canvas = Canvas(width, height + (12 if reference is not None else 0), rtl)
    canvas.add(*_value_grid(scale, len(labels), fmt))
    for i, (label, summary) in enumerate(zip(labels, summaries, strict=True)):
        canvas.add(*_spread_row(scale, PAD + i * ROW_HEIGHT + ROW_HEIGHT / 2, label, summary, fmt))
    summary = _summary(labels, summaries, fmt)
    if reference is not None:
        reference_text = f"{reference_label or _l('Reference')}: {fmt(reference)}"
        canvas.add(*_reference_line(scale, len(labels), reference, reference_text))
        summary += f". {reference_text}"
    rows = _table_rows(labels, summaries)
    return canvas.chart("spread", title, description or summary, header, rows, fmt)


@dataclass(frozen=True)
class _Scale:
    """The value axis ``low``..``high`` across the plot, mirrored (high on the left) if ``rtl``."""

    low: float
    high: float
    left: float
    right: float
    label_width: int
    width: int
    rtl: bool

    @classmethod
    def fit(cls, summaries, lower, upper, label_width: int, width: int, rtl: bool) -> _Scale:
        """From the lowest to the highest value unless ``lower``/``upper`` are given."""
        low = min(s.minimum for s in summaries if s.count) if lower is None else lower
        high = max(s.maximum for s in summaries if s.count) if upper is None else upper
        if high <= low:
            high = low + 1
        left = STATS_WIDTH if rtl else label_width + 8
        right = width - label_width - 8 if rtl else width - STATS_WIDTH
        return cls(low, high, left, right, label_width, width, rtl)

    def x_of(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        if self.rtl:
            return self.right - share * (self.right - self.left)
        return self.left + share * (self.right - self.left)


def _value_grid(scale: _Scale, row_count: int, fmt: NumberFormat) -> list[str]:
    """Five vertical grid lines across the rows, their values below."""
    bottom = PAD + row_count * ROW_HEIGHT
    parts = []
    for k in range(5):
        value = scale.low + (scale.high - scale.low) * k / 4
        x = scale.x_of(value)
        parts.append(svg.line(x, PAD, x, bottom, stroke=svg.GRID))
        parts.append(svg.text(x, bottom + 16, fmt(value), anchor="middle", size=11, fill=svg.MUTED))
    return parts


def _spread_row(scale: _Scale, mid: float, label: str, s: Summary, fmt: NumberFormat):
    """One row: the label, the range line, the mean ± deviation bar, the mean dot, the figures."""
    rtl, label_w = scale.rtl, scale.label_width
    label_x = scale.width - label_w if rtl else label_w
    parts = [svg.row_start(label, x=label_x, y=mid + 4, label_width=label_w, rtl=rtl)]
    if s.count:
        a, b = scale.x_of(s.minimum), scale.x_of(s.maximum)
        lo = scale.x_of(max(scale.low, s.mean - s.stdev))
        hi = scale.x_of(min(scale.high, s.mean + s.stdev))
        parts += [
            svg.line(a, mid, b, mid, stroke=svg.MUTED, width=1.5),
            svg.rect(min(lo, hi), mid - 6, abs(hi - lo), 12, rx=2, fill=svg.SOFT, stroke=svg.BAR),
            svg.circle(scale.x_of(s.mean), mid, 4.5, fill=svg.BAR),
        ]
        stats = f"{fmt(round(s.mean, 1))} ± {fmt(round(s.stdev, 1))} (n={s.count})"
    else:
        stats = "—"
    stats_x = 4 if rtl else scale.width - STATS_WIDTH + 8
    parts += [svg.text(stats_x, mid + 4, stats, size=11, fill=svg.MUTED), "</g>"]
    return parts


def _reference_line(scale: _Scale, row_count: int, reference: Number, text: str) -> list[str]:
    """The reference value as a dashed vertical line across the rows, written below the axis."""
    bottom = PAD + row_count * ROW_HEIGHT
    x = scale.x_of(reference)
    return [
        svg.line(x, PAD - 4, x, bottom + 2, stroke=svg.ACCENT, width=2, dash="5 3"),
        svg.text(
            x,
            bottom + 28,
            text,
            anchor="middle",
            size=11,
            fill=svg.ACCENT,
            weight="bold",
            rtl=scale.rtl,
        ),
    ]


def _table_rows(labels: Sequence[str], summaries: Sequence[Summary]) -> tuple:
    """Per label: n, then mean, standard deviation, lowest and highest to two decimals."""
    return tuple(
        (label, s.count, _round(s.mean), _round(s.stdev), _round(s.minimum), _round(s.maximum))
        for label, s in zip(labels, summaries, strict=True)
    )


def _summary(labels: Sequence[str], summaries: Sequence[Summary], fmt: NumberFormat) -> str:
    """The description: mean ± standard deviation (n) of each label that has values."""
    return "; ".join(
        f"{label}: {fmt(s.mean)} ± {fmt(s.stdev)} (n={s.count})"
        for label, s in zip(labels, summaries, strict=True)
        if s.count
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
