"""CSV downloads shared by every area: one function, safe to open in a spreadsheet.

Every export of Impulse goes through :func:`csv_response`, so that they all behave
the same way:

- UTF-8 with a byte-order mark, so that Excel shows accents (Liège, Fès) correctly;
- served as an attachment (``Content-Disposition``), never shown in the browser,
  and not cached (the files hold personal data);
- protected against spreadsheet formula injection: a text cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``, so
  that a visitor named ``=HYPERLINK(...)`` stays text in Excel or LibreOffice;
- machine-readable values: numbers stay numbers (``-3`` is not prefixed when it is
  a real ``int``/``float``/``Decimal``), dates and datetimes are ISO 8601
  to the second (an aware datetime keeps its offset), booleans are ``true``/``false``, ``None``
  is an empty cell.

Example::

    return csv_response(
        "registrations.csv",
        [_("Name"), _("Email address"), _("Registered at")],
        ((r.full_name, r.email, r.created_at) for r in registrations),
    )
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote

from flask import Response

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BYTE_ORDER_MARK = "\ufeff"


def csv_cell(value: object) -> str | int | float | Decimal:
    """One value as a CSV cell: numbers as they are, everything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_formula(str(value))


def neutralise_formula(text: str) -> str:
    """``text`` prefixed with ``'`` when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_text(header: Sequence, rows: Iterable[Sequence], *, delimiter: str = ",") -> str:
    """The CSV document (without byte-order mark), every cell passed through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(
    filename: str, header: list[str], rows: Iterable[Sequence], *, delimiter: str = ","
) -> Response:
    """A CSV download named ``filename``: a header line, then one line per row.

    The header may hold lazy (translated) strings. The file is built in memory,
    which suits the sizes of a call (thousands of rows). ``delimiter=";"`` gives
    what Excel expects in French- and Dutch-speaking regional settings.
    """
    body = BYTE_ORDER_MARK + csv_text(header, rows, delimiter=delimiter)
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and, when needed, the UTF-8 ``filename*``."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isalnum() or c in "._-" else "_" for c in plain) or "export.csv"
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
