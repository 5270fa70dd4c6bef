"""app.common.bulk_rows: the rows a bulk insert writes are the rows the table's INSERT
writes (defaults, types, ids in order), by INSERT for a few rows and, on PostgreSQL, by
COPY for many."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.common.bulk_rows import COPY_FROM, insert_rows
from app.extensions import db

SIZES = [3, COPY_FROM + 10]  # one INSERT; a COPY on PostgreSQL


@pytest.mark.parametrize("count", SIZES)
def test_ids_come_back_in_order_and_the_sequence_goes_on(app, count):
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    rows = [
        {
            "event": "demo_event",
            "subject_kind": "call",
            "subject_id": number,
            "data": {"number": number, "text": 'é\t\\ "quoted"\nnew line'},
            "created_at": when,
        }
        for number in range(count)
    ]
    ids = insert_rows(AuditEvent.__table__, rows, ids=True)
    assert ids == sorted(ids) and len(set(ids)) == count
    stored = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [entry.id for entry in stored] == ids
    assert [entry.subject_id for entry in stored] == list(range(count))
    assert stored[-1].data == rows[-1]["data"]
    assert stored[0].created_at == when  # an aware time, stored as UTC
    assert stored[0].actor_id is None and stored[0].request_id is None
    later = AuditEvent(event="after", subject_kind="call")
    db.session.add(later)
    db.session.flush()
    assert later.id > ids[-1]


@pytest.mark.parametrize("count", SIZES)
def test_the_columns_defaults_are_filled_row_by_row(app, count):
    rows = [
        {"email": f"bulk{n}@example.com", "full_name": f"Bulk {n}", "password_hash": "x"}
        for n in range(count)
    ]
    assert insert_rows(User.__table__, rows) == []
    users = db.session.scalars(select(User).where(User.email.like("bulk%"))).all()
    assert len(users) == count
    assert {(user.active, user.locale) for user in users} == {(True, "fr")}
    assert len({user.session_token for user in users}) == count  # a new token each
    assert all(user.created_at is not None for user in users)
