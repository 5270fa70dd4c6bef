"""Every write of the jury leaves one audit row, with its actor, that the call's audit
viewer shows (issue 15, "what happened is not all written down")."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.events import Event
from app.extensions import db
from app.jury import conflicts, scoring, services
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember
from tests.jury.test_scoring import data_for, form_for


@pytest.fixture
def jury(make_user, make_call, make_application):
    """An open scoring phase: two eligible dossiers, two jurors on each, a chair, staff,
    and a juror not on the jury yet."""
    call = make_call(scoring_open=True, jurors_per_dossier=2)
    jurors = [make_user(Role.JUROR, full_name=f"Juror Number{i}") for i in (1, 2)]
    chair = make_user(Role.CHAIR, full_name="Chair Person")
    staff = make_user(Role.STAFF, full_name="Staff Person")
    newcomer = make_user(Role.JUROR, full_name="New Juror")
    dossiers = [make_application("eligible", call=call) for _ in range(2)]
    for user in jurors:
        db.session.add(JuryMember(call=call, user=user))
    db.session.add(JuryMember(call=call, user=chair, is_chair=True))
    for dossier in dossiers:
        for user in jurors:
            db.session.add(JuryAssignment(application=dossier, juror=user))
    db.session.commit()
    return SimpleNamespace(
        call=call,
        jurors=jurors,
        chair=chair,
        staff=staff,
        newcomer=newcomer,
        dossiers=dossiers,
    )


def _assignment(jury, juror=0, dossier=0) -> JuryAssignment:
    return db.session.scalar(
        select(JuryAssignment).where(
            JuryAssignment.application_id == jury.dossiers[dossier].id,
            JuryAssignment.juror_id == jury.jurors[juror].id,
        )
    )


def _rows() -> list[tuple[str, int | None]]:
    db.session.expire_all()
    return [
        (row.event, row.actor_id)
        for row in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def _new_rows(before: int) -> list[tuple[str, int | None]]:
    return _rows()[before:]


# Through the pages --------------------------------------------------------------------


def test_a_recusal_from_the_page_leaves_one_row_with_the_juror_and_the_reason(
    jury, client, login_as
):
    juror = login_as(jury.jurors[0])
    assignment_id = _assignment(jury).id
    response = client.post(
        f"/jury/assignments/{assignment_id}/recuse", data={"reason": "My cousin founded it."}
    )
    assert response.status_code == 302
    assert _rows() == [(Event.RECUSED, juror.id)]
    entry = db.session.scalar(select(AuditEvent))
    assert entry.note == "My cousin founded it."
    assert entry.application_id == jury.dossiers[0].id and entry.call_id == jury.call.id


def test_a_review_submitted_from_the_page_leaves_one_row_with_the_juror(jury, client, login_as):
    juror = login_as(jury.jurors[0])
    url = f"/jury/assignments/{_assignment(jury).id}"
    response = client.post(url, data=form_for(jury.call, [8, 6, 4, 10], action="submit"))
    assert response.status_code == 302
    assert _rows() == [(Event.REVIEW_SUBMITTED, juror.id)]


def test_recusal_and_submission_appear_in_the_calls_audit_viewer(jury, client, login_as):
    login_as(jury.jurors[0])
    client.post(
        f"/jury/assignments/{_assignment(jury).id}/recuse", data={"reason": "Old business partner"}
    )
    client.post("/logout")
    login_as(jury.jurors[1])
    client.post(
        f"/jury/assignments/{_assignment(jury, 1, 1).id}",
        data=form_for(jury.call, [5] * 4, action="submit"),
    )
    client.post("/logout")
    login_as(jury.staff)
    page = client.get(f"/dashboard/calls/{jury.call.id}/audit").get_data(as_text=True)
    assert "Juror recused" in page and "Old business partner" in page
    assert "Review submitted" in page
    assert jury.jurors[0].full_name in page and jury.jurors[1].full_name in page
    assert jury.dossiers[0].reference in page and jury.dossiers[1].reference in page


def test_a_reopening_is_shown_on_the_board_from_the_audit_log(jury, client, login_as):
    review = scoring.submit_review(
        _assignment(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
    )
    db.session.commit()
    login_as(jury.chair)
    url = f"/jury/board/dossiers/{jury.dossiers[0].id}"
    client.post(f"/jury/reviews/{review.id}/reopen", data={"reason": "Check the team score"})
    page = client.get(url).get_data(as_text=True)
    assert "Reviews reopened" in page and "Check the team score" in page
    assert jury.jurors[0].full_name in page


# Every service: one row, the right actor ------------------------------------------------


def _write(jury, name: str):
    """Run the jury service ``name`` once; return the actor it names."""
    call, staff, chair = jury.call, jury.staff, jury.chair
    juror, dossier = jury.jurors[0], jury.dossiers[0]
    data = data_for(call, [5] * 4)
    actions = {
        Event.JURY_MEMBER_ADDED: lambda: services.add_member(
            call, jury.newcomer, {"languages": "fr"}, actor=staff
        ),
        Event.JURY_MEMBER_REMOVED: lambda: services.remove_member(
            db.session.scalar(select(JuryMember).where(JuryMember.user_id == juror.id)),
            actor=staff,
        ),
        Event.JURY_CHAIR_CHANGED: lambda: services.set_chair(
            db.session.scalar(select(JuryMember).where(JuryMember.user_id == juror.id)),
            True,
            actor=staff,
        ),
        Event.JUROR_UNASSIGNED: lambda: services.unassign_by_hand(_assignment(jury), actor=staff),
        Event.CONFLICT_DECLARED: lambda: conflicts.declare_conflict(
            dossier, {"kind": "family"}, actor=juror
        ),
        Event.CONFLICT_RECORDED: lambda: conflicts.record_conflict_by_staff(
            dossier, juror, {"kind": "investor"}, actor=staff
        ),
        Event.RECUSED: lambda: conflicts.recuse(_assignment(jury), "A late conflict", actor=juror),
        Event.REVIEW_DRAFT_SAVED: lambda: scoring.save_review_draft(
            _assignment(jury), data, actor=juror, expected_version=0
        ),
        Event.REVIEW_SUBMITTED: lambda: scoring.submit_review(
            _assignment(jury), data, actor=juror, expected_version=0
        ),
        Event.SCORING_OPENED: lambda: scoring.set_scoring_open(call, True, actor=chair),
        Event.SCORING_CLOSED: lambda: scoring.set_scoring_open(call, False, actor=chair),
    }
    actions[name]()
    return {
        Event.CONFLICT_DECLARED: juror,
        Event.RECUSED: juror,
        Event.REVIEW_DRAFT_SAVED: juror,
        Event.REVIEW_SUBMITTED: juror,
        Event.SCORING_OPENED: chair,
        Event.SCORING_CLOSED: chair,
    }.get(name, staff)


ONE_ROW = [
    Event.JURY_MEMBER_ADDED,
    Event.JURY_MEMBER_REMOVED,
    Event.JURY_CHAIR_CHANGED,
    Event.JUROR_UNASSIGNED,
    Event.CONFLICT_DECLARED,
    Event.CONFLICT_RECORDED,
    Event.RECUSED,
    Event.REVIEW_DRAFT_SAVED,
    Event.REVIEW_SUBMITTED,
    Event.SCORING_OPENED,
    Event.SCORING_CLOSED,
]


@pytest.mark.parametrize("event", ONE_ROW)
def test_each_jury_service_writes_one_row_with_its_actor(jury, event):
    actor = _write(jury, event)
    db.session.commit()
    assert _rows() == [(event, actor.id)]


def test_a_change_and_a_withdrawal_of_a_conflict_write_one_row_each(jury):
    juror, dossier = jury.jurors[0], jury.dossiers[0]
    conflicts.declare_conflict(dossier, {"kind": "family"}, actor=juror)
    db.session.commit()
    conflicts.declare_conflict(dossier, {"kind": "employer"}, actor=juror)
    db.session.commit()
    assert _new_rows(1) == [(Event.CONFLICT_CHANGED, juror.id)]
    conflicts.withdraw_conflict(db.session.scalar(select(ConflictOfInterest)), actor=jury.staff)
    db.session.commit()
    assert _new_rows(2) == [(Event.CONFLICT_WITHDRAWN, jury.staff.id)]


def test_a_reopening_writes_one_row_with_the_chair_and_the_reason(jury):
    review = scoring.submit_review(
        _assignment(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
    )
    db.session.commit()
    scoring.reopen_review(review, actor=jury.chair, reason="Check the team score")
    db.session.commit()
    assert _new_rows(1) == [(Event.REVIEW_REOPENED, jury.chair.id)]
    assert db.session.scalars(select(AuditEvent)).all()[-1].note == "Check the team score"


def test_closing_scoring_writes_its_row_then_the_completed_reviews(jury):
    for juror in (0, 1):
        scoring.submit_review(
            _assignment(jury, juror),
            data_for(jury.call, [5] * 4),
            actor=jury.jurors[juror],
            expected_version=0,
        )
    jury.dossiers[0].status = "in_review"
    db.session.commit()
    before = len(_rows())
    scoring.set_scoring_open(jury.call, False, actor=jury.chair)
    db.session.commit()
    assert _new_rows(before) == [
        (Event.SCORING_CLOSED, jury.chair.id),
        ("complete_review", jury.chair.id),
    ]
    closed = db.session.scalar(select(AuditEvent).where(AuditEvent.event == Event.SCORING_CLOSED))
    assert closed.data == {"pending": 2, "completed": 1}


def test_the_automatic_assignment_writes_one_row_with_its_counts_besides_the_reviews_it_starts(
    jury, make_application
):
    fresh = [make_application("eligible", call=jury.call) for _ in range(2)]
    before = len(_rows())
    summary = services.run_assignment(jury.call, actor=jury.staff)
    db.session.commit()
    rows = _new_rows(before)
    assert rows.count((Event.ASSIGNMENT_RUN, jury.staff.id)) == 1
    assert sorted(rows) == sorted(
        [(Event.ASSIGNMENT_RUN, jury.staff.id)]
        + [("start_review", jury.staff.id)] * summary.started_review
    )
    entry = db.session.scalar(select(AuditEvent).where(AuditEvent.event == Event.ASSIGNMENT_RUN))
    assert entry.data["made"] == summary.made == 2 * len(fresh)
    assert entry.call_id == jury.call.id


def test_assigning_by_hand_writes_its_row_and_the_start_of_the_review(jury, make_application):
    dossier = make_application("eligible", call=jury.call)
    services.assign_by_hand(dossier, jury.jurors[0], actor=jury.staff)
    db.session.commit()
    assert _rows() == [(Event.JUROR_ASSIGNED, jury.staff.id)]
    services.assign_by_hand(dossier, jury.jurors[1], actor=jury.staff)
    db.session.commit()
    assert _new_rows(1) == [(Event.JUROR_ASSIGNED, jury.staff.id), ("start_review", jury.staff.id)]
