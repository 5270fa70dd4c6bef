"""Charts drawn on the server as SVG: they work without JavaScript, in exports and in PDFs.

Every function returns a :class:`Chart`. Titles, labels and texts are given already
translated (lazy strings are fine); numbers, in the drawing and in its data table, are
written by ``number_format`` (default: integers plain, others with at most two
decimals; a page passes the reader's, ``app.i18n.number``). Put it in a template as
``{{ chart }}``: that
writes a ``<figure>`` holding the ``<svg>`` and, for screen readers and for anyone who
wants the numbers, a visually-hidden table of the same data. ``chart.svg`` is the bare
``<svg>`` element; ``chart.document()`` the standalone file (bytes) to serve as
``image/svg+xml`` (see :func:`svg_response`); ``chart.header`` and ``chart.rows`` are
the data as a table of plain values (numbers, ``date`` objects, texts), ready for
:func:`app.common.exports.csv_response` or ``xlsx_response``.

The markup is safe under the strict Content Security Policy: no ``style=`` attribute,
no ``<style>`` or ``<script>`` element; colours and sizes are presentation attributes
(``fill=``, ``stroke=``, ``font-size=``), so the file looks the same outside the page.
Each ``<svg>`` has ``role="img"``, a ``<title>`` and a ``<desc>`` tied to it with
``aria-labelledby``. Every text is escaped.

Right-to-left pages: pass ``rtl=True`` (e.g. ``rtl=text_direction == "rtl"``). Bar
charts are then mirrored (labels on the right, bars growing to the left) and texts
are written right to left; time axes keep running from left to right, as in print.

API (stable: later versions only add functions and keyword arguments)::

    bar_chart(labels, values, *, title, description=None, value_label=None,
              label_header=None, number_format=None, width=640, rtl=False,
              empty_text=None) -> Chart
        Horizontal bars, one per label (regions, sectors, funnel states...).

    column_chart(labels, values, *, title, description=None, value_label=None,
                 label_header=None, number_format=None, width=640, height=260,
                 rtl=False, empty_text=None) -> Chart
        Vertical columns over ordered categories (months, score values, age bands).

    line_chart(days, values, *, title, description=None, value_label=None,
               label_header=None, markers=(), cumulative=False, cumulative_label=None,
               fill_days=True, date_format=None, number_format=None, width=640,
               height=260, rtl=False, empty_text=None) -> Chart
        A series over dates (``datetime.date``), e.g. applications per day; gaps
        between the dates are days with 0 when ``fill_days=True`` (default).
        ``markers`` is a sequence of ``(date, label)``: a dashed vertical line with
        its label, e.g. the closing date. ``cumulative=True`` also draws the running
        total (on its own scale, written at the right end). ``date_format``
        writes the dates on the drawing (default ISO); the rows keep ``date`` objects.

    histogram(values, *, title, edges=None, bins=10, lower=None, upper=None,
              description=None, value_label=None, label_header=None, number_format=None,
              width=640, height=260, rtl=False, empty_text=None, weights=None) -> Chart
        Counts of ``values`` in bins: ``edges`` (ascending, n+1 numbers, last bin
        closed) or ``bins`` equal bins between ``lower``/``upper`` (default min/max).
        ``weights``: how many times each value counts (values already counted).
        Integer values over a small range (scores 0..5) get one bin per value.

    spread_chart(labels, samples, *, title, description=None, reference=None,
                 reference_label=None, lower=None, upper=None, label_header=None,
                 number_format=None, width=640, rtl=False, empty_text=None) -> Chart
        One row per label (a juror): the range min..max as a thin line, the mean
        ± one standard deviation as a thick bar, the mean as a dot; ``reference``
        (e.g. the mean of the whole jury) as a dashed vertical line. Spots strict
        and lenient jurors. The table gives n, mean, standard deviation, min, max.

    summarise(values) -> Summary(count, mean, stdev, minimum, maximum)
        The numbers spread_chart shows (population standard deviation).

    svg_response(chart, filename, *, inline=False) -> flask.Response
        The chart as an ``image/svg+xml`` download (or embed with ``inline=True``).
"""

from app.charts.bars import bar_chart, column_chart, histogram
from app.charts.chart import Chart, svg_response
from app.charts.lines import line_chart
from app.charts.spread import Summary, spread_chart, summarise

__all__ = [
    "Chart",
    "Summary",
    "bar_chart",
    "column_chart",
    "histogram",
    "line_chart",
    "spread_chart",
    "summarise",
    "svg_response",
]
