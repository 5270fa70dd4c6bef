"""The drawing of :mod:`app.charts` (read the API there)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Response
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.common.exports import content_disposition

INK = "#1d2433"
MUTED = "#5b6478"
GRID = "#dfe3ec"
BAR = "#0b5cad"
ACCENT = "#c2410c"
SOFT = "#9cc3ea"
FONT = "DejaVu Sans, system-ui, sans-serif"
FONT_SIZE = 12
#: Height of the heading band that :meth:`Chart.document` adds above the drawing.
HEADING = 30

Number = int | float


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    stdev: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class Chart:
    """A drawn chart and its data."""

    title: str
    description: str
    #: Inner SVG markup (without the ``<svg>`` element), drawn in ``width`` x ``height``.
    body: Markup
    width: int
    height: int
    header: tuple = ()
    rows: tuple = ()
    rtl: bool = False
    uid: str = field(default="")

    @property
    def svg(self) -> Markup:
        """The ``<svg>`` element for a page (the page gives the heading)."""
        return self._svg(heading=False)

    def document(self) -> bytes:
        """The standalone SVG file, with its title written at the top."""
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(self._svg(heading=True))).encode()

    def table(self, *, hidden: bool = True) -> Markup:
        """The data as an HTML table (visually hidden unless ``hidden=False``)."""
        css = "chart__data" if hidden else "table chart__table"
        head = "".join(
            '<th scope="col"' + (' class="num"' if i else "") + f">{escape(str(h))}</th>"
            for i, h in enumerate(self.header)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f'<th scope="row">{escape(_cell(v))}</th>'
                if i == 0
                else f'<td class="num">{escape(_cell(v))}</td>'
                for i, v in enumerate(row)
            )
            + "</tr>"
            for row in self.rows
        )
        table = (
            f'<table class="{css}"><caption>{escape(self.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
        # A table ignores a 1px width: the wrapper hides it (a table overflows its box).
        return _markup(f'<div class="visually-hidden">{table}</div>' if hidden else table)

    def __html__(self) -> str:
        return f'<figure class="chart">{self.svg}{self.table()}</figure>'

    def _svg(self, *, heading: bool) -> Markup:
        uid = self.uid
        top = HEADING if heading else 0
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" role="img" '
            f'width="{self.width}" height="{self.height + top}" '
            f'viewBox="0 0 {self.width} {self.height + top}" '
            f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" '
            f'font-size="{FONT_SIZE}" fill="{INK}" direction="ltr">',
            f'<title id="{uid}-t">{escape(self.title)}</title>',
            f'<desc id="{uid}-d">{escape(self.description)}</desc>',
        ]
        if heading:
            parts.append(f'<rect width="{self.width}" height="{self.height + top}" fill="#fff"/>')
            x, anchor = (self.width - 8, "start") if self.rtl else (8, "start")
            parts.append(
                f'<text x="{x}" y="20" font-size="15" font-weight="bold" '
                f'text-anchor="{anchor}">{escape(self.title)}</text>'
            )
            parts.append(f'<g transform="translate(0 {top})">{self.body}</g>')
        else:
            parts.append(str(self.body))
        parts.append("</svg>")
        return _markup("".join(parts))


def svg_response(chart: Chart, filename: str, *, inline: bool = False) -> Response:
    """``chart`` as an ``image/svg+xml`` file (a download unless ``inline``)."""
    response = Response(chart.document(), mimetype="image/svg+xml")
    if not inline:
        response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Helpers --------------------------------------------------------------------------------


def _markup(text: str) -> Markup:
    """SVG or HTML built here: every text and label in it went through ``escape``."""
    return Markup(text)  # noqa: S704  # nosec B704 # built from escaped texts and numbers only


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _number(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _uid(kind: str, title: str, rows: Sequence) -> str:
    digest = hashlib.sha1(f"{kind}|{title}|{rows!r}".encode(), usedforsecurity=False)
    return "chart-" + digest.hexdigest()[:10]


def _f(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, anchor="start", size=None, fill=None, weight=None, rtl=False) -> str:
    attrs = f'x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"'
    if size:
        attrs += f' font-size="{size}"'
    if fill:
        attrs += f' fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if rtl:
        attrs += ' direction="rtl"'
    return f"<text {attrs}>{escape(str(content))}</text>"


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: max(1, limit - 1)] + "…"


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k not below ``value`` (1 for nothing)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _empty(kind, title, description, width, header, empty_text, rtl) -> Chart:
    message = str(empty_text or _l("No data yet."))
    body = _markup(
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="79" rx="8" fill="#fff" '
        f'stroke="{GRID}" stroke-dasharray="4 3"/>'
        + _text(width / 2, 45, message, anchor="middle", fill=MUTED, rtl=rtl)
    )
    return Chart(
        title=str(title),
        description=f"{description or title}. {message}" if description else message,
        body=body,
        width=width,
        height=80,
        header=tuple(str(h) for h in header),
        rows=(),
        rtl=rtl,
        uid=_uid(kind, str(title), ()),
    )


def _formatter(number_format: Callable | None) -> Callable[[Number | None], str]:
    if number_format is None:
        return _number
    return lambda v: "—" if v is None else number_format(v)


def _one_series(kind: str, labels: Sequence, values: Sequence, label_header, value_label):
    """A chart's labels as text, its values with 0 for none, and its table header."""
    labels = [str(label) for label in labels]
    values = [v or 0 for v in values]
    if len(labels) != len(values):
        raise ValueError(f"{kind}_chart needs as many labels as values")
    header = (str(label_header or _l("Category")), str(value_label or _l("Count")))
    return labels, values, header


def _series_chart(
    kind, *, title, description, parts, width, height, header, labels, values, fmt, rtl
) -> Chart:
    """The Chart of one labelled series, described by its values unless told otherwise."""
    rows = tuple(zip(labels, values, strict=True))
    summary = ", ".join(f"{label}: {fmt(value)}" for label, value in rows)
    return Chart(
        title=str(title),
        description=str(description or summary),
        body=_markup("".join(parts)),
        width=width,
        height=height,
        header=header,
        rows=rows,
        rtl=rtl,
        uid=_uid(kind, str(title), rows),
    )


# Bars -----------------------------------------------------------------------------------


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
        return _empty("bar", title, description, width, header, empty_text, rtl)
    fmt = _formatter(number_format)
    row_h, bar_h, pad = 26, 16, 6
    longest = max(len(label) for label in labels)
    label_w = int(min(max(longest * 7 + 16, 60), width * 0.4))
    value_w = max(len(fmt(v)) for v in values) * 7 + 12
    plot_w = width - label_w - value_w - pad
    top = max(values) or 1
    height = len(labels) * row_h + 2 * pad
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row_h
        length = max(0.0, value / top * plot_w)
        bar_x = width - label_w - length if rtl else label_w
        label_x = width - label_w + 6 if rtl else label_w - 6
        value_x = width - label_w - length - 4 if rtl else label_w + length + 4
        short = _shorten(label, max(4, (label_w - 12) // 7))
        parts.append("<g>")
        if short != label:
            parts.append(f"<title>{escape(label)}</title>")
        parts.append(_text(label_x, y + bar_h - 3, short, anchor="end", rtl=rtl))
        parts.append(
            f'<rect x="{_f(bar_x)}" y="{y}" width="{_f(length)}" height="{bar_h}" '
            f'rx="2" fill="{BAR}"/>'
        )
        parts.append(_text(value_x, y + bar_h - 3, fmt(value), anchor="start", rtl=rtl))
        parts.append("</g>")
    axis_x = width - label_w if rtl else label_w
    parts.append(
        f'<line x1="{axis_x}" y1="{pad - 2}" x2="{axis_x}" y2="{height - pad + 2}" '
        f'stroke="{MUTED}"/>'
    )
    return _series_chart(
        "bar",
        title=title,
        description=description,
        parts=parts,
        width=width,
        height=height,
        header=header,
        labels=labels,
        values=values,
        fmt=fmt,
        rtl=rtl,
    )


def _tick_count(maximum: float, integers: bool) -> int:
    """How many steps divide 0..``maximum`` (a nice ceiling) into nice steps."""
    for ticks in (4, 5, 2, 1):
        step = maximum / ticks
        if integers and not float(step).is_integer():
            continue
        mantissa = step / 10 ** math.floor(math.log10(step))
        if any(abs(mantissa - nice) < 1e-9 for nice in (1, 2, 2.5, 5)):
            return ticks
    return 1


def _axis_width(maximum: float, fmt) -> int:
    """Room for the longest value written on an axis from 0 to ``maximum``."""
    longest = max(len(fmt(maximum * k / 20)) for k in range(21))
    return max(longest, 2) * 7 + 10


def _y_axis(parts, *, left, right, top, bottom, maximum, fmt, rtl, integers=True):
    """Horizontal grid lines with their values, from 0 to ``maximum``."""
    ticks = _tick_count(maximum, integers)
    for k in range(ticks + 1):
        value = maximum * k / ticks
        y = bottom - (bottom - top) * k / ticks
        parts.append(
            f'<line x1="{left}" y1="{_f(y)}" x2="{right}" y2="{_f(y)}" '
            f'stroke="{GRID if k else MUTED}"/>'
        )
        if rtl:
            parts.append(_text(right + 4, y + 4, fmt(value), anchor="end", fill=MUTED, rtl=True))
        else:
            parts.append(_text(left - 4, y + 4, fmt(value), anchor="end", fill=MUTED))


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
        return _empty("column", title, description, width, header, empty_text, rtl)
    fmt = _formatter(number_format)
    maximum = _nice_ceiling(max(values))
    axis_w = _axis_width(maximum, fmt)
    left, right = (8, width - axis_w) if rtl else (axis_w, width - 8)
    top, bottom = 16, height - 26
    parts: list[str] = []
    _y_axis(
        parts,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        maximum=maximum,
        fmt=fmt,
        rtl=rtl,
        integers=all(float(v).is_integer() for v in values),
    )
    slot = (right - left) / len(labels)
    column_w = max(1.0, min(slot * 0.7, 60))
    every = max(
        1, math.ceil(len(labels) * 7 * max(len(label) for label in labels) / (right - left))
    )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i + (slot - column_w) / 2
        h = (bottom - top) * value / maximum
        parts.append(
            f'<rect x="{_f(x)}" y="{_f(bottom - h)}" width="{_f(column_w)}" height="{_f(h)}" '
            f'fill="{BAR}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if len(labels) <= 16 and value:
            parts.append(
                _text(x + column_w / 2, bottom - h - 3, fmt(value), anchor="middle", size=11)
            )
        if i % every == 0:
            parts.append(
                _text(x + column_w / 2, bottom + 15, label, anchor="middle", size=11, fill=MUTED)
            )
    return _series_chart(
        "column",
        title=title,
        description=description,
        parts=parts,
        width=width,
        height=height,
        header=header,
        labels=labels,
        values=values,
        fmt=fmt,
        rtl=rtl,
    )


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
) -> Chart:
    """Counts of ``values`` per bin, drawn as columns."""
    values = [v for v in values if v is not None]
    header = (str(label_header or _l("Range")), str(value_label or _l("Count")))
    if not values:
        return _empty("histogram", title, description, width, header, empty_text, rtl)
    fmt = _formatter(number_format)
    low = min(values) if lower is None else lower
    high = max(values) if upper is None else upper
    integers = all(float(v).is_integer() for v in values) and float(low).is_integer()
    if edges is None and integers and high - low <= 20:
        labels = [fmt(int(low) + k) for k in range(int(high - low) + 1)]
        counts = [0] * len(labels)
        for v in values:
            if low <= v <= high:
                counts[int(v - low)] += 1
    else:
        if edges is None:
            if high <= low:
                high = low + 1
            step = (high - low) / bins
            edges = [low + step * k for k in range(bins)] + [high]
        edges = list(edges)
        labels = [f"{fmt(a)}–{fmt(b)}" for a, b in zip(edges, edges[1:], strict=False)]
        counts = [0] * len(labels)
        for v in values:
            for k in range(len(labels)):
                last = k == len(labels) - 1
                if edges[k] <= v < edges[k + 1] or (last and v == edges[-1]):
                    counts[k] += 1
                    break
    chart = column_chart(
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
    return chart


# Lines ----------------------------------------------------------------------------------


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
    fmt = _formatter(number_format)
    show_date = date_format or (lambda d: d.isoformat())
    header = [str(label_header or _l("Day")), str(value_label or _l("Count"))]
    if cumulative:
        header.append(str(cumulative_label or _l("Running total")))
    series = dict(zip(days, values, strict=True))
    if not series:
        return _empty("line", title, description, width, header, empty_text, rtl)
    first, last = min(series), max(series)
    for when, _label in markers:
        first, last = min(first, when), max(last, when)
    if fill_days:
        axis_days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    else:
        axis_days = sorted(set(series) | {when for when, _ in markers})
    points = [series.get(d, 0) or 0 for d in axis_days]
    running, total = [], 0
    for v in points:
        total += v
        running.append(total)
    maximum = _nice_ceiling(max(points))
    axis_w = _axis_width(maximum, fmt)
    right_w = (len(fmt(total)) * 7 + 10) if cumulative else 12
    left, right = axis_w, width - right_w
    top, bottom = (38 if cumulative else 22), height - 26
    parts: list[str] = []
    _y_axis(
        parts,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        maximum=maximum,
        fmt=fmt,
        rtl=False,
        integers=all(float(v).is_integer() for v in points),
    )
    span = max(1, len(axis_days) - 1)

    def x_of(index: int) -> float:
        return left + (right - left) * index / span if len(axis_days) > 1 else (left + right) / 2

    def y_of(value: float, scale: float) -> float:
        return bottom - (bottom - top) * value / scale

    coords = " ".join(f"{_f(x_of(i))},{_f(y_of(v, maximum))}" for i, v in enumerate(points))
    area = f"{_f(x_of(0))},{bottom} {coords} {_f(x_of(len(points) - 1))},{bottom}"
    parts.append(f'<polygon points="{area}" fill="{SOFT}" fill-opacity="0.45"/>')
    parts.append(f'<polyline points="{coords}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    if len(points) <= 62:
        for i, v in enumerate(points):
            parts.append(
                f'<circle cx="{_f(x_of(i))}" cy="{_f(y_of(v, maximum))}" r="2.5" fill="{BAR}">'
                f"<title>{escape(show_date(axis_days[i]))}: {escape(fmt(v))}</title></circle>"
            )
    if cumulative and total:
        scale = _nice_ceiling(total)
        line = " ".join(f"{_f(x_of(i))},{_f(y_of(v, scale))}" for i, v in enumerate(running))
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2" '
            f'stroke-dasharray="6 3"/>'
        )
        end_y = y_of(total, scale)
        parts.append(_text(right + 4, end_y + 4, fmt(total), fill=ACCENT, weight="bold"))
    # Date labels: as many as fit, evenly spaced, the first one always.
    label_w = max(len(show_date(d)) for d in axis_days) * 6.5 + 14
    fit = max(1, int((right - left) // label_w))
    step = max(1, math.ceil(len(axis_days) / fit))
    shown = list(range(0, len(axis_days), step))
    last_index = len(axis_days) - 1
    if shown[-1] != last_index:
        # The last day is always written; it takes the place of a label too close to it.
        if last_index - shown[-1] < step and len(shown) > 1:
            shown[-1] = last_index
        else:
            shown.append(last_index)
    for i in shown:
        anchor = "middle"
        if len(axis_days) > 1 and i == 0:
            anchor = "start"
        elif len(axis_days) > 1 and i == len(axis_days) - 1:
            anchor = "end"
        parts.append(
            _text(x_of(i), bottom + 16, show_date(axis_days[i]), anchor=anchor, size=11, fill=MUTED)
        )
    if cumulative:
        parts.append(
            f'<line x1="{left}" y1="8" x2="{left + 18}" y2="8" stroke="{BAR}" stroke-width="2"/>'
        )
        parts.append(_text(left + 22, 12, header[1], size=11))
        second = left + 40 + len(header[1]) * 6.5
        parts.append(
            f'<line x1="{_f(second)}" y1="8" x2="{_f(second + 18)}" y2="8" stroke="{ACCENT}" '
            f'stroke-width="2" stroke-dasharray="6 3"/>'
        )
        parts.append(_text(second + 22, 12, header[2], size=11))
    for when, label in markers:
        x = x_of(axis_days.index(when)) if when in axis_days else None
        if x is None:
            continue
        parts.append(
            f'<line x1="{_f(x)}" y1="{top - 6}" x2="{_f(x)}" y2="{bottom}" stroke="{ACCENT}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        anchor = "end" if x > (left + right) / 2 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            _text(
                x + offset,
                top - 8,
                f"{label} ({show_date(when)})",
                anchor=anchor,
                size=11,
                fill=ACCENT,
                weight="bold",
            )
        )
    if cumulative:
        rows = tuple(zip(axis_days, points, running, strict=True))
    else:
        rows = tuple(zip(axis_days, points, strict=True))
    summary = str(
        description
        or _l(
            "%(total)s in all from %(first)s to %(last)s; at most %(peak)s in a day.",
            total=fmt(total),
            first=show_date(axis_days[0]),
            last=show_date(axis_days[-1]),
            peak=fmt(max(points)),
        )
    )
    return Chart(
        title=str(title),
        description=summary,
        body=_markup("".join(parts)),
        width=width,
        height=height,
        header=tuple(header),
        rows=rows,
        rtl=rtl,
        uid=_uid("line", str(title), rows),
    )


# Spread ---------------------------------------------------------------------------------


def summarise(values: Sequence[Number]) -> Summary:
    """Count, mean, population standard deviation, minimum and maximum of ``values``."""
    values = [float(v) for v in values if v is not None]
    if not values:
        return Summary(0, None, None, None, None)
    mean = sum(values) / len(values)
    stdev = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Summary(len(values), mean, stdev, min(values), max(values))


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
    fmt = _formatter(number_format)
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
        return _empty("spread", title, description, width, header, empty_text, rtl)
    low = min(s.minimum for s in summaries if s.count) if lower is None else lower
    high = max(s.maximum for s in summaries if s.count) if upper is None else upper
    if high <= low:
        high = low + 1
    row_h, pad, axis_h = 26, 6, 30
    longest = max(len(label) for label in labels)
    label_w = int(min(max(longest * 7 + 16, 60), width * 0.35))
    stats_w = 150
    plot_left = label_w + 8 if not rtl else stats_w
    plot_right = width - stats_w if not rtl else width - label_w - 8
    height = len(labels) * row_h + 2 * pad + axis_h

    def x_of(value: float) -> float:
        share = (value - low) / (high - low)
        if rtl:
            return plot_right - share * (plot_right - plot_left)
        return plot_left + share * (plot_right - plot_left)

    parts: list[str] = []
    bottom = pad + len(labels) * row_h
    for k in range(5):
        value = low + (high - low) * k / 4
        x = x_of(value)
        parts.append(f'<line x1="{_f(x)}" y1="{pad}" x2="{_f(x)}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(_text(x, bottom + 16, fmt(value), anchor="middle", size=11, fill=MUTED))
    for i, (label, s) in enumerate(zip(labels, summaries, strict=True)):
        y = pad + i * row_h
        mid = y + row_h / 2
        label_x = width - label_w if rtl else label_w
        short = _shorten(label, max(4, (label_w - 12) // 7))
        parts.append("<g>")
        if short != label:
            parts.append(f"<title>{escape(label)}</title>")
        parts.append(_text(label_x, mid + 4, short, anchor="end", rtl=rtl))
        stats_x = 4 if rtl else width - stats_w + 8
        if s.count:
            a, b = x_of(s.minimum), x_of(s.maximum)
            parts.append(
                f'<line x1="{_f(a)}" y1="{_f(mid)}" x2="{_f(b)}" y2="{_f(mid)}" '
                f'stroke="{MUTED}" stroke-width="1.5"/>'
            )
            lo = x_of(max(low, s.mean - s.stdev))
            hi = x_of(min(high, s.mean + s.stdev))
            parts.append(
                f'<rect x="{_f(min(lo, hi))}" y="{_f(mid - 6)}" width="{_f(abs(hi - lo))}" '
                f'height="12" rx="2" fill="{SOFT}" stroke="{BAR}"/>'
            )
            parts.append(f'<circle cx="{_f(x_of(s.mean))}" cy="{_f(mid)}" r="4.5" fill="{BAR}"/>')
            stats = f"{fmt(round(s.mean, 1))} ± {fmt(round(s.stdev, 1))} (n={s.count})"
        else:
            stats = "—"
        parts.append(_text(stats_x, mid + 4, stats, size=11, fill=MUTED))
        parts.append("</g>")
    if reference is not None:
        x = x_of(reference)
        parts.append(
            f'<line x1="{_f(x)}" y1="{pad - 4}" x2="{_f(x)}" y2="{bottom + 2}" stroke="{ACCENT}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
        )
        text = f"{reference_label or _l('Reference')}: {fmt(reference)}"
        parts.append(
            _text(
                x, bottom + 28, text, anchor="middle", size=11, fill=ACCENT, weight="bold", rtl=rtl
            )
        )
    rows = tuple(
        (label, s.count, _round(s.mean), _round(s.stdev), _round(s.minimum), _round(s.maximum))
        for label, s in zip(labels, summaries, strict=True)
    )
    summary = "; ".join(
        f"{label}: {fmt(s.mean)} ± {fmt(s.stdev)} (n={s.count})"
        for label, s in zip(labels, summaries, strict=True)
        if s.count
    )
    if reference is not None:
        summary += f". {reference_label or _l('Reference')}: {fmt(reference)}"
    return Chart(
        title=str(title),
        description=str(description or summary),
        body=_markup("".join(parts)),
        width=width,
        height=height + (12 if reference is not None else 0),
        header=header,
        rows=rows,
        rtl=rtl,
        uid=_uid("spread", str(title), rows),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
