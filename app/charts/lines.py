"""A daily series as a line, with dated markers and an optional running total."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from flask_babel import lazy_gettext as _l

from app.charts import svg
from app.charts.axes import Frame, all_integers, axis_width, nice_ceiling, y_axis
from app.charts.chart import Canvas, Chart, Number, NumberFormat, empty_chart, number_formatter

#: Up to this many days, each day is drawn as a dot (with its value as a tooltip).
MAX_DOTS = 62


def line_chart(
    days: Sequence[date],
    values: Sequence[Number],
    *,
    title,
    description=None,
    value_label=None,
    label_header=None,
    markers: Sequence[tuple[date, object]] = (),
    cumulative: bool = False,
    cumulative_label=None,
    fill_days: bool = True,
    date_format: Callable[[date], str] | None = None,
    number_format: Callable | None = None,
    width: int = 640,
    height: int = 260,
    rtl: bool = False,
    empty_text=None,
) -> Chart:
    """A daily series (with its markers, e.g. the closing date), time running left to right."""
    if len(days) != len(values):
        raise ValueError("line_chart needs as many days as values")
    header = [str(label_header or _l("Day")), str(value_label or _l("Count"))]
    if cumulative:
        header.append(str(cumulative_label or _l("Running total")))
    series = dict(zip(days, values, strict=True))
    if not series:
        return empty_chart("line", title, description, width, header, empty_text, rtl)
    axis_days = _axis_days(series, markers, fill_days)
    points = [series.get(d, 0) or 0 for d in axis_days]
    running = list(accumulate(points))
    plot = _Plot.fit(
        axis_days,
        points,
        running[-1] if cumulative else None,
        fmt=number_formatter(number_format),
        show_date=date_format or (lambda d: d.isoformat()),
        size=(width, height),
    )
    canvas = Canvas(width, height, rtl)
    canvas.add(
        *y_axis(plot.frame, plot.maximum, plot.fmt, rtl=False, integers=all_integers(points))
    )
    canvas.add(*_daily_line(plot, points))
    if cumulative and running[-1]:
        canvas.add(*_running_total_line(plot, running))
    canvas.add(*_date_labels(plot))
    if cumulative:
        canvas.add(*_legend(plot.frame.left, header[1], header[2]))
    canvas.add(*_markers(plot, markers))
    columns = (axis_days, points, running) if cumulative else (axis_days, points)
    rows = tuple(zip(*columns, strict=True))
    return canvas.chart(
        "line", title, description or _summary(plot, points, running[-1]), header, rows, plot.fmt
    )


def _axis_days(series: Mapping[date, Number], markers, fill_days: bool) -> list[date]:
    """The days on the time axis: those of the series and the markers (and all between)."""
    marker_days = [when for when, _label in markers]
    if not fill_days:
        return sorted(set(series) | set(marker_days))
    first = min([*series, *marker_days])
    last = max([*series, *marker_days])
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


@dataclass(frozen=True)
class _Plot:
    """Where the days and values of a line chart are drawn, and how they are written."""

    frame: Frame
    days: list[date]
    #: The top of the daily values' axis.
    maximum: float
    fmt: NumberFormat
    show_date: Callable[[date], str]

    @classmethod
    def fit(cls, days, points, total, *, fmt, show_date, size: tuple[int, int]) -> _Plot:
        """The plot in a ``size`` chart, with room on top and right for a running ``total``."""
        width, height = size
        maximum = nice_ceiling(max(points))
        right_w = 12 if total is None else len(fmt(total)) * 7 + 10
        top = 22 if total is None else 38
        frame = Frame(axis_width(maximum, fmt), width - right_w, top, height - 26)
        return cls(frame, days, maximum, fmt, show_date)

    def x(self, index: int) -> float:
        return self.frame.x_of(index, len(self.days))

    def y(self, value: float, scale: float) -> float:
        return self.frame.y_of(value, scale)

    def path(self, values: Sequence[Number], scale: float) -> str:
        """The points ("x,y x,y ...") of one value per day on an axis up to ``scale``."""
        return " ".join(
            f"{svg.coord(self.x(i))},{svg.coord(self.y(v, scale))}" for i, v in enumerate(values)
        )


def _daily_line(plot: _Plot, points: Sequence[Number]) -> list[str]:
    """The daily values: a shaded area, its line and, when few, a dot per day."""
    bottom = plot.frame.bottom
    line = plot.path(points, plot.maximum)
    area = f"{svg.coord(plot.x(0))},{bottom} {line} {svg.coord(plot.x(len(points) - 1))},{bottom}"
    parts = [
        f'<polygon points="{area}" fill="{svg.SOFT}" fill-opacity="0.45"/>',
        svg.polyline(line, stroke=svg.BAR),
    ]
    if len(points) <= MAX_DOTS:
        for i, v in enumerate(points):
            tooltip = f"{plot.show_date(plot.days[i])}: {plot.fmt(v)}"
            y = plot.y(v, plot.maximum)
            parts.append(svg.circle(plot.x(i), y, 2.5, fill=svg.BAR, tooltip=tooltip))
    return parts


def _running_total_line(plot: _Plot, running: Sequence[Number]) -> list[str]:
    """The running total, dashed on its own scale, its final value written at the right end."""
    total = running[-1]
    scale = nice_ceiling(total)
    end_y = plot.y(total, scale)
    return [
        svg.polyline(plot.path(running, scale), stroke=svg.ACCENT, dash="6 3"),
        svg.text(plot.frame.right + 4, end_y + 4, plot.fmt(total), fill=svg.ACCENT, weight="bold"),
    ]


def _date_labels(plot: _Plot) -> list[str]:
    """The dates under the axis: as many as fit, evenly spaced, the first and the last."""
    count = len(plot.days)
    label_w = max(len(plot.show_date(d)) for d in plot.days) * 6.5 + 14
    fit = max(1, int((plot.frame.right - plot.frame.left) // label_w))
    parts = []
    for i in _labelled_indices(count, step=max(1, math.ceil(count / fit))):
        anchor = "middle"
        if count > 1 and i == 0:
            anchor = "start"
        elif count > 1 and i == count - 1:
            anchor = "end"
        when = plot.show_date(plot.days[i])
        parts.append(
            svg.text(
                plot.x(i), plot.frame.bottom + 16, when, anchor=anchor, size=11, fill=svg.MUTED
            )
        )
    return parts


def _labelled_indices(count: int, *, step: int) -> list[int]:
    """Every ``step``-th of ``count`` indices from 0, and the last (in place of one too close)."""
    shown = list(range(0, count, step))
    last = count - 1
    if shown[-1] != last:
        if last - shown[-1] < step and len(shown) > 1:
            shown[-1] = last
        else:
            shown.append(last)
    return shown


def _legend(left: int, daily_label: str, total_label: str) -> list[str]:
    """The key above the plot: the daily line, then the dashed running total."""
    second = left + 40 + len(daily_label) * 6.5
    return [
        svg.line(left, 8, left + 18, 8, stroke=svg.BAR, width=2),
        svg.text(left + 22, 12, daily_label, size=11),
        svg.line(second, 8, second + 18, 8, stroke=svg.ACCENT, width=2, dash="6 3"),
        svg.text(second + 22, 12, total_label, size=11),
    ]


def _markers(plot: _Plot, markers: Sequence[tuple[date, object]]) -> list[str]:
    """A dashed vertical line per marker, its label and date beside it, towards the middle."""
    frame = plot.frame
    parts = []
    for when, label in markers:
        if when not in plot.days:
            continue
        x = plot.x(plot.days.index(when))
        parts.append(
            svg.line(x, frame.top - 6, x, frame.bottom, stroke=svg.ACCENT, width=2, dash="4 3")
        )
        towards_left = x > (frame.left + frame.right) / 2
        text = f"{label} ({plot.show_date(when)})"
        parts.append(
            svg.text(
                x - 4 if towards_left else x + 4,
                frame.top - 8,
                text,
                anchor="end" if towards_left else "start",
                size=11,
                fill=svg.ACCENT,
                weight="bold",
            )
        )
    return parts


def _summary(plot: _Plot, points: Sequence[Number], total: Number) -> str:
    """The description: the total, the period and the busiest day's count."""
    return _l(
        "%(total)s in all from %(first)s to %(last)s; at most %(peak)s in a day.",
        total=plot.fmt(total),
        first=plot.show_date(plot.days[0]),
        last=plot.show_date(plot.days[-1]),
        peak=plot.fmt(max(points)),
    )
