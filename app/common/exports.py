"""CSV and XLSX downloads shared by every area, safe to open in a spreadsheet.

Every export of Impulse goes through :func:`csv_response` or :func:`xlsx_response`
(:func:`table_response` picks one from ``"csv"``/``"xlsx"``), so that they all behave
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

XLSX files (openpyxl, write-only) keep the same rules with real cell types: numbers
are numbers, dates are date cells shown ``yyyy-mm-dd``, datetimes are date-time cells in
Brussels time shown ``yyyy-mm-dd hh:mm:ss``; every text is a text cell (never a
formula) and is also prefixed with ``'`` when it starts like a formula. The header row
is bold, frozen and carries an autofilter. :func:`xlsx_sheets_response` writes several
tables into one workbook (one sheet each).

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
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.common.clock import to_brussels

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BYTE_ORDER_MARK = "\ufeff"


def csv_cell(value: object) -> str | int | float | Decimal:
    """One value as a CSV cell: numbers as they are, everything else as safe text."""
    if type(value) is str:  # most cells: one check instead of five
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
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


def call_csv(call, name: str, build: Callable) -> Response:
    """``<call reference>-<name>.csv``: an area's export ``build(call, viewer)`` (the one
    ``flask export <name>`` writes) as the current user may read it."""
    header, rows = build(call, current_user)
    return csv_response(f"{call.reference}-{name}.csv", header, rows)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and, when needed, the UTF-8 ``filename*``."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isalnum() or c in "._-" else "_" for c in plain) or "export.csv"
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


# XLSX ------------------------------------------------------------------------------------

#: Characters a sheet name may not hold, and its maximum length (Excel's rules).
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_MAX_CELL = 32767


def sheet_title(name: object, taken: set[str] | None = None) -> str:
    """``name`` as a valid, unique worksheet title (31 characters, no ``[]:*?/\\``)."""
    title = (str(name).translate(_SHEET_FORBIDDEN).strip() or "Sheet")[:31]
    if taken is not None:
        base, number = title, 2
        while title.lower() in {t.lower() for t in taken}:
            suffix = f" ({number})"
            title = base[: 31 - len(suffix)] + suffix
            number += 1
        taken.add(title)
    return title


def _xlsx_cell(sheet, value: object):
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        moment = to_brussels(value).replace(tzinfo=None) if value.tzinfo else value
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    text = ILLEGAL_CHARACTERS_RE.sub("", neutralise_formula(str(value)))[:_MAX_CELL]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, even when it starts with "=": never a formula
    return cell


def xlsx_bytes(sheets: Iterable[tuple[object, Sequence, Iterable[Sequence]]]) -> bytes:
    """A workbook with one sheet per ``(title, header, rows)``."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(sheet_title(title, taken))
        header = [str(name) for name in header]
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name), 10), 40)
        sheet.freeze_panes = "A2"
        head = []
        for name in header:
            cell = _xlsx_cell(sheet, name)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        count = 0
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            count += 1
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_sheets_response(
    filename: str, sheets: Iterable[tuple[object, Sequence, Iterable[Sequence]]]
) -> Response:
    """An XLSX download named ``filename`` with one sheet per ``(title, header, rows)``."""
    response = Response(xlsx_bytes(sheets), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_response(
    filename: str, header: list, rows: Iterable[Sequence], *, sheet: object = None
) -> Response:
    """An XLSX download named ``filename``: one sheet (``sheet``, or the file's name)
    with a bold, frozen header row, then one line per row. The header may hold lazy
    (translated) strings."""
    title = sheet if sheet is not None else filename.rsplit(".", 1)[0]
    return xlsx_sheets_response(filename, [(title, header, rows)])


#: The formats of :func:`table_response`.
TABLE_FORMATS = ("csv", "xlsx")


def table_response(fmt: str, basename: str, header: list, rows: Iterable[Sequence]) -> Response:
    """``basename.csv`` or ``basename.xlsx``, as ``fmt`` asks (see :data:`TABLE_FORMATS`)."""
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows)
    if fmt == "csv":
        return csv_response(f"{basename}.csv", header, rows)
    raise ValueError(f"unknown table format {fmt!r}")
