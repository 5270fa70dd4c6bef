"""One page of the staff applications list, cut in SQL whatever the size of the call.

Two statements: one counts the matching dossiers, the other loads the page's dossiers
(with their applicants) among the ids a narrow subquery picks in the list's order, so
that only ids and sort keys are ever sorted. "Next" and "previous" continue from the
last or first row shown (keyset pagination: the row's sort key travels in the link as
``after`` or ``before``), so the database never skips rows; a page asked by its number
(the first, the last, a link typed in) is counted from the nearer end of the list, so
the last page costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.orm import contains_eager

from app.applications.filters import ApplicationFilters, sort_keys
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db

PER_PAGE = 25


@dataclass
class ListPage:
    """The dossiers of one page, where it stands in the list, and its neighbours' links."""

    items: list[Application]
    total: int
    page: int
    per_page: int
    #: The sort keys of the first and the last row shown (the cursors of the links).
    first_key: str = ""
    last_key: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def prev_args(self) -> dict:
        """The query string of the previous page (continuing before the first row)."""
        return {"page": self.page - 1, "before": self.first_key}

    def next_args(self) -> dict:
        """The query string of the next page (continuing after the last row)."""
        return {"page": self.page + 1, "after": self.last_key}


def encode_key(values) -> str:
    """A row's sort key as it travels in a link."""
    data = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(text: str, keys: tuple) -> tuple | None:
    """The sort key of a link, typed like ``keys`` (None when it is not one)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(data, list) or len(data) != len(keys):
        return None
    values = []
    for value, key in zip(data, keys, strict=True):
        kind = key.type.python_type
        if kind is datetime and isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return None
            if value.tzinfo is None:
                return None
        if kind is bool and isinstance(value, int):
            value = bool(value)
        if type(value) is not kind:
            return None
        values.append(value)
    return tuple(values)


def _ordered(keys: tuple, descending: bool) -> list:
    return [key.desc() if descending else key.asc() for key in keys]


def list_page(
    filters: ApplicationFilters,
    call: Call,
    viewer: User,
    *,
    page: int = 1,
    after: str = "",
    before: str = "",
    per_page: int = PER_PAGE,
) -> ListPage:
    """The page of the dossiers of ``call`` that ``viewer`` may read and ``filters``
    match: the page after the row of sort key ``after``, before ``before``, or else page
    number ``page`` (kept between the first and the last). Two statements."""
    counted = filters.matching(call, viewer, counting=True).with_only_columns(Application.id)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery()))
    matching = filters.matching(call, viewer)
    keys = sort_keys(filters.sort)
    descending = filters.descending
    cursor = decode_key(after or before, keys) if (after or before) else None
    ids = matching.with_only_columns(Application.id)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    if cursor is not None:
        forward = not before
        bound = tuple_(*(literal(value, key.type) for value, key in zip(cursor, keys, strict=True)))
        ahead = tuple_(*keys) > bound if forward != descending else tuple_(*keys) < bound
        ids = ids.where(ahead).order_by(*_ordered(keys, descending == forward)).limit(per_page)
    else:
        ids = _numbered(ids, keys, descending, (page - 1) * per_page, per_page, total)
    items, first, last = _load(ids, keys, descending)
    return ListPage(items, total, page, per_page, first, last)


def _numbered(ids: Select, keys: tuple, descending: bool, start: int, size: int, total: int):
    """The ids of rows ``start`` to ``start + size`` of the list; past the middle, counted
    from the end (the list read backwards), so that no page skips more than half."""
    if start <= total // 2:
        return ids.order_by(*_ordered(keys, descending)).offset(start).limit(size)
    from_end = max(total - start - size, 0)
    return (
        ids.order_by(*_ordered(keys, not descending))
        .offset(from_end)
        .limit(min(size, total - start))
    )


def _load(ids: Select, keys: tuple, descending: bool) -> tuple[list[Application], str, str]:
    """The dossiers of ``ids`` with their applicants, in the list's order, and the sort
    keys of the first and the last (one statement)."""
    rows = db.session.execute(
        select(Application, *keys)
        .join(Application.applicant)
        .where(Application.id.in_(ids.correlate(None)))
        .options(contains_eager(Application.applicant))
        .order_by(*_ordered(keys, descending))
    ).all()
    if not rows:
        return [], "", ""
    return [row[0] for row in rows], encode_key(rows[0][1:]), encode_key(rows[-1][1:])
