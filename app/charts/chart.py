"""The drawn chart (:class:`Chart`) and its download; the canvas, number formats and ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Response
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.charts import svg
from app.common.exports import content_disposition

#: Height of the heading band that :meth:`Chart.document` adds above the drawing.
HEADING = 30

Number = int | float
NumberFormat = Callable[[Number | None], str]


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
    #: How the data table writes the numbers, as the drawing does (None: plain_number).
    number_format: NumberFormat | None = field(default=None, compare=False)

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
        fmt = self.number_format or plain_number
        body = "".join(_table_row(row, fmt) for row in self.rows)
        table = (
            f'<table class="{css}"><caption>{escape(self.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
        # A table ignores a 1px width: the wrapper hides it (a table overflows its box).
        return svg.markup(f'<div class="visually-hidden">{table}</div>' if hidden else table)

    def __html__(self) -> str:
        return f'<figure class="chart">{self.svg}{self.table()}</figure>'

    def _svg(self, *, heading: bool) -> Markup:
        uid = self.uid
        top = HEADING if heading else 0
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" role="img" '
            f'width="{self.width}" height="{self.height + top}" '
            f'viewBox="0 0 {self.width} {self.height + top}" '
            f'aria-labelledby="{uid}-t {uid}-d" font-family="{svg.FONT}" '
            f'font-size="{svg.FONT_SIZE}" fill="{svg.INK}" direction="ltr">',
            f'<title id="{uid}-t">{escape(self.title)}</title>',
            f'<desc id="{uid}-d">{escape(self.description)}</desc>',
        ]
        if heading:
            parts.append(f'<rect width="{self.width}" height="{self.height + top}" fill="#fff"/>')
            x = self.width - 8 if self.rtl else 8
            parts.append(
                f'<text x="{x}" y="20" font-size="15" font-weight="bold" '
                f'text-anchor="start">{escape(self.title)}</text>'
            )
            parts.append(f'<g transform="translate(0 {top})">{self.body}</g>')
        else:
            parts.append(str(self.body))
        parts.append("</svg>")
        return svg.markup("".join(parts))


def _table_row(row: Sequence, fmt: NumberFormat) -> str:
    """One row of the data table: the label as its heading, then the numbers."""
    cells = "".join(
        f'<th scope="row">{escape(_cell(v))}</th>'
        if i == 0
        else f'<td class="num">{escape(_cell(v, fmt))}</td>'
        for i, v in enumerate(row)
    )
    return f"<tr>{cells}</tr>"


def svg_response(chart: Chart, filename: str, *, inline: bool = False) -> Response:
    """``chart`` as an ``image/svg+xml`` file (a download unless ``inline``)."""
    response = Response(chart.document(), mimetype="image/svg+xml")
    if not inline:
        response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@dataclass
class Canvas:
    """The SVG pieces of a chart being drawn, in drawing order, and its size."""

    width: int
    height: int
    rtl: bool = False
    parts: list[str] = field(default_factory=list)

    def add(self, *pieces: str) -> None:
        self.parts.extend(pieces)

    def chart(
        self, kind: str, title, description, header: Sequence, rows: tuple, fmt=None
    ) -> Chart:
        """The finished :class:`Chart`; ``kind`` and the data make its id; ``fmt`` writes
        the numbers of its data table (default :func:`plain_number`)."""
        return Chart(
            title=str(title),
            description=str(description),
            body=svg.markup("".join(self.parts)),
            width=self.width,
            height=self.height,
            header=tuple(header),
            rows=rows,
            rtl=self.rtl,
            uid=chart_id(kind, str(title), rows),
            number_format=fmt,
        )


def empty_chart(kind, title, description, width, header, empty_text, rtl) -> Chart:
    """A framed "no data" message in place of a chart with nothing to draw."""
    message = str(empty_text or _l("No data yet."))
    canvas = Canvas(width, 80, rtl)
    canvas.add(
        svg.rect(0.5, 0.5, width - 1, 79, rx=8, fill="#fff", stroke=svg.GRID, dash="4 3"),
        svg.text(width / 2, 45, message, anchor="middle", fill=svg.MUTED, rtl=rtl),
    )
    return canvas.chart(
        kind, title, f"{description}. {message}" if description else message, header, ()
    )


# Numbers and ids ----------------------------------------------------------------------


def _cell(value, fmt: NumberFormat = None) -> str:
    """A value of the data table as text: a number written by ``fmt`` (the chart's
    number format; a label's float by :func:`plain_number`)."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if fmt is not None:
            return fmt(value)
        if isinstance(value, float):
            return plain_number(value)
    return str(value)


def plain_number(value: Number | None) -> str:
    """The default number format: integers plain, others with at most two decimals."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def number_formatter(number_format: Callable | None) -> NumberFormat:
    """The caller's ``number_format`` (a dash for no value), or :func:`plain_number`."""
    if number_format is None:
        return plain_number
    return lambda v: "—" if v is None else number_format(v)


def chart_id(kind: str, title: str, rows: Sequence) -> str:
    """An id stable for the same chart, different between the charts of one page."""
    digest = hashlib.sha1(f"{kind}|{title}|{rows!r}".encode(), usedforsecurity=False)
    return "chart-" + digest.hexdigest()[:10]
