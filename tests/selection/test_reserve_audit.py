"""After publication: confirming, declining and promoting each leave their audit rows, by
the applicant, or by the system when the reserve fills a freed place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.selection.reserve import confirm_place, decline_place, promote_from_reserve
from app.selection.services import publish, refresh_draft


def _rows_since(last: int) -> list[AuditEvent]:
    db.session.flush()
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id))
    )


def _last() -> int:
    return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0


@pytest.fixture
def published(make_scored_call):
    """Quota 2, reserve 1: A, B selected; C on the reserve; D not selected."""
    call, apps = make_scored_call([[9], [8], [7], [6]], quota=2, reserve_size=1)
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    return call, apps


def test_confirming_a_place_writes_one_row_by_the_applicant(published):
    call, (a, *_rest) = published
    last = _last()
    confirm_place(a, actor=a.applicant)
    rows = _rows_since(last)
    assert [(r.event, r.actor_id, r.application_id) for r in rows] == [
        ("confirm", a.applicant_id, a.id)
    ]


def test_declining_writes_its_row_then_the_systems_promotion(published):
    call, (a, _b, c, _d) = published
    last = _last()
    assert decline_place(a, actor=a.applicant) == [c]
    rows = _rows_since(last)
    assert [(r.event, r.actor_id, r.application_id) for r in rows] == [
        ("decline", a.applicant_id, a.id),
        ("promote", None, c.id),
    ]


def test_a_promotion_by_staff_writes_one_row_by_them(published, make_user):
    call, (a, _b, c, _d) = published
    a.status = "withdrawn"  # a place frees without the lifecycle's own refill
    db.session.commit()
    staff = make_user(Role.STAFF)
    last = _last()
    assert promote_from_reserve(call, actor=staff) == [c]
    rows = _rows_since(last)
    assert [(r.event, r.actor_id, r.application_id) for r in rows] == [("promote", staff.id, c.id)]
