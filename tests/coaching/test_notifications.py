"""A coach is e-mailed, through the real outbox and in their language, when a project
holder is assigned to them: the first main coach (starting the coaching), a new main
coach, the coach in Morocco (issue 18)."""

from sqlalchemy import select

from app.auth.models import Role
from app.coaching import services as coaching
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.outbox.models import OutboxMessage
from app.outbox.services import RLM


def _emails() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.template == "coach_assigned")
        .order_by(OutboxMessage.id)
    ).all()


def test_the_first_coach_is_told_whom_they_follow_and_where(make_confirmed, staff, coach):
    application = make_confirmed()
    coaching.assign_coach(application, coach, "primary", actor=staff)
    db.session.commit()
    assert application.status == "coaching"
    (message,) = _emails()
    assert message.recipient == coach.email
    assert message.subject == "A new entrepreneur to coach"
    assert application.applicant.full_name in message.body_text
    assert application.reference in message.body_text
    assert "Your role: Main coach" in message.body_text
    assert f"/coaching/projects/{application.id}" in message.body_text
    assert message.application_id == application.id


def test_a_new_main_coach_and_a_coach_in_morocco_are_told_in_their_language(
    make_project, staff, coach, make_user
):
    project = make_project()
    dutch = make_user(Role.COACH, full_name="Noor Nieuw", locale="nl")
    arabic = make_user(Role.COACH, full_name="Amina Maroc", locale="ar")
    coaching.assign_coach(project, dutch, "primary", actor=staff)
    coaching.assign_coach(project, arabic, "morocco", actor=staff)
    db.session.commit()
    first, to_dutch, to_arabic = _emails()
    assert first.recipient == coach.email
    assert to_dutch.recipient == dutch.email
    assert "Beste Noor Nieuw" in to_dutch.body_text
    assert "ondernemer" in to_dutch.subject
    assert to_arabic.recipient == arabic.email
    assert to_arabic.subject.startswith(RLM)
    assert project.applicant.full_name in to_arabic.body_text
    assert "Coach in Morocco" not in to_arabic.body_text  # the role, in Arabic


def test_a_coach_in_conflict_is_not_told_whom(make_confirmed, staff, coach):
    application = make_confirmed()
    db.session.add(
        ConflictOfInterest(application_id=application.id, juror_id=coach.id, kind="family")
    )
    db.session.commit()
    coaching.assign_coach(application, coach, "primary", actor=staff)
    db.session.commit()
    (message,) = _emails()
    assert application.applicant.full_name not in message.body_text
    assert application.reference not in message.body_text
    assert application.title not in message.body_text
