"""The SVG pieces charts are drawn with: palette, coordinates, texts, lines, labelled rows.

Colours and sizes are presentation attributes (never ``style=``) and every text is escaped,
so the markup keeps to the Content Security Policy and looks the same outside the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

INK = "#1d2433"
MUTED = "#5b6478"
GRID = "#dfe3ec"
BAR = "#0b5cad"
ACCENT = "#c2410c"
SOFT = "#9cc3ea"
FONT = "DejaVu Sans, system-ui, sans-serif"
FONT_SIZE = 12


def markup(source: str) -> Markup:
    """SVG or HTML built here: every text and label in it went through ``escape``."""
    return Markup(source)  # noqa: S704  # nosec B704 # built from escaped texts and numbers only


def coord(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _attributes(*pairs: tuple[str, object]) -> str:
    """``name="value"`` for each pair with a value, each after a space."""
    return "".join(f' {name}="{value}"' for name, value in pairs if value)


def text(x, y, content, *, anchor="start", size=None, fill=None, weight=None, rtl=False) -> str:
    """A ``<text>`` at (x, y), its content escaped."""
    optional = _attributes(
        ("font-size", size), ("fill", fill), ("font-weight", weight), ("direction", rtl and "rtl")
    )
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="{anchor}"{optional}>'
        f"{escape(str(content))}</text>"
    )


def line(x1, y1, x2, y2, *, stroke: str, width=None, dash: str | None = None) -> str:
    """A ``<line>`` from (x1, y1) to (x2, y2); ``dash`` is a ``stroke-dasharray``."""
    optional = _attributes(("stroke-width", width), ("stroke-dasharray", dash))
    return (
        f'<line x1="{coord(x1)}" y1="{coord(y1)}" x2="{coord(x2)}" y2="{coord(y2)}" '
        f'stroke="{stroke}"{optional}/>'
    )


def polyline(points: str, *, stroke: str, dash: str | None = None) -> str:
    """An unfilled 2px ``<polyline>`` through ``points`` ("x,y x,y ...")."""
    optional = _attributes(("stroke-dasharray", dash))
    return f'<polyline points="{points}" fill="none" stroke="{stroke}" stroke-width="2"{optional}/>'


def rect(x, y, width, height, *, fill: str, rx=None, stroke=None, dash=None, tooltip=None) -> str:
    """A ``<rect>``; ``tooltip`` becomes its ``<title>``."""
    optional = _attributes(
        ("rx", rx), ("fill", fill), ("stroke", stroke), ("stroke-dasharray", dash)
    )
    box = f'x="{coord(x)}" y="{coord(y)}" width="{coord(width)}" height="{coord(height)}"'
    return _element("rect", box + optional, tooltip)


def circle(cx, cy, r, *, fill: str, tooltip=None) -> str:
    """A ``<circle>``; ``tooltip`` becomes its ``<title>``."""
    return _element("circle", f'cx="{coord(cx)}" cy="{coord(cy)}" r="{r}" fill="{fill}"', tooltip)


def _element(name: str, attributes: str, tooltip) -> str:
    if tooltip is None:
        return f"<{name} {attributes}/>"
    return f"<{name} {attributes}><title>{escape(str(tooltip))}</title></{name}>"


# Rows of labelled marks (bar chart, spread chart) ---------------------------------------


def shorten(label: str, limit: int) -> str:
    """``label`` cut to ``limit`` characters, with an ellipsis when cut."""
    return label if len(label) <= limit else label[: max(1, limit - 1)] + "…"


def label_column_width(labels: Sequence[str], width: int, share: float) -> int:
    """Room for the longest label, at most ``share`` of the chart's width."""
    longest = max(len(label) for label in labels)
    return int(min(max(longest * 7 + 16, 60), width * share))


def row_start(label: str, *, x: float, y: float, label_width: int, rtl: bool) -> str:
    """Opens a row's ``<g>`` with its label, cut to fit (then whole in a tooltip)."""
    short = shorten(label, max(4, (label_width - 12) // 7))
    tooltip = f"<title>{escape(label)}</title>" if short != label else ""
    return "<g>" + tooltip + text(x, y, short, anchor="end", rtl=rtl)
