"""Value axes from 0 up: nice ceilings and steps, the plotting frame, grid lines with values."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.charts import svg
from app.charts.chart import NumberFormat


@dataclass(frozen=True)
class Frame:
    """The plotting area: x from ``left`` to ``right``, values from 0 (``bottom``) up (``top``)."""

    left: int
    right: int
    top: int
    bottom: int

    def height_of(self, value: float, maximum: float) -> float:
        """How tall ``value`` stands on an axis that ends at ``maximum``."""
        return (self.bottom - self.top) * value / maximum

    def y_of(self, value: float, maximum: float) -> float:
        """Where ``value`` stands on an axis that ends at ``maximum``."""
        return self.bottom - self.height_of(value, maximum)

    def x_of(self, index: int, count: int) -> float:
        """The ``index``-th of ``count`` evenly spaced points, ends included (one: centred)."""
        if count <= 1:
            return (self.left + self.right) / 2
        return self.left + (self.right - self.left) * index / (count - 1)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k not below ``value`` (1 for nothing)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def tick_count(maximum: float, integers: bool) -> int:
    """How many steps divide 0..``maximum`` (a nice ceiling) into nice steps."""
    for ticks in (4, 5, 2, 1):
        step = maximum / ticks
        if integers and not float(step).is_integer():
            continue
        mantissa = step / 10 ** math.floor(math.log10(step))
        if any(abs(mantissa - nice) < 1e-9 for nice in (1, 2, 2.5, 5)):
            return ticks
    return 1


def axis_width(maximum: float, fmt: NumberFormat) -> int:
    """Room for the longest value written on an axis from 0 to ``maximum``."""
    longest = max(len(fmt(maximum * k / 20)) for k in range(21))
    return max(longest, 2) * 7 + 10


def all_integers(values) -> bool:
    """Whether every value is a whole number (then the axis steps are whole too)."""
    return all(float(v).is_integer() for v in values)


def y_axis(frame: Frame, maximum: float, fmt: NumberFormat, *, rtl: bool, integers: bool):
    """Horizontal grid lines with their values, from 0 to ``maximum`` (values right if ``rtl``)."""
    parts = []
    ticks = tick_count(maximum, integers)
    for k in range(ticks + 1):
        value = maximum * k / ticks
        y = frame.bottom - (frame.bottom - frame.top) * k / ticks
        parts.append(svg.line(frame.left, y, frame.right, y, stroke=svg.GRID if k else svg.MUTED))
        if rtl:
            parts.append(
                svg.text(frame.right + 4, y + 4, fmt(value), anchor="end", fill=svg.MUTED, rtl=True)
            )
        else:
            parts.append(svg.text(frame.left - 4, y + 4, fmt(value), anchor="end", fill=svg.MUTED))
    return parts
