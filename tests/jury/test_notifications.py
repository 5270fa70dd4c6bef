"""The jury's e-mails, through the real outbox (issue 18): assignments (one per juror and
run), scoring open, the reminder before scoring closes (moved clock, once), a reopened
review and a recusal (the chairs), in the recipient's language, naming no dossier a
juror has not been given."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.jury.conflicts import declare_conflict, recuse
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember
from app.jury.reminders import remind_jurors_before_closing
from app.jury.scoring import set_scoring_open, submit_review
from app.jury.services import add_member, assign_by_hand, run_assignment
from app.jury.tasks import scoring_reminders_task
from app.outbox.models import OutboxMessage
from app.outbox.services import RLM
from tests.conftest import PASSWORD
from tests.jury.test_scoring import data_for

#: When the test call's scoring closes.
CLOSES = datetime(2027, 3, 20, 16, 0, tzinfo=UTC)


def _link(path: str) -> str:
    """The absolute link of ``path`` in an e-mail (from ``BASE_URL``)."""
    return current_app.config["BASE_URL"] + path


def _emails(template: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
    ).all()


def _recipients(template: str) -> list[str]:
    return sorted(message.recipient for message in _emails(template))


@pytest.fixture
def jury(make_user, make_call, make_application):
    """Four jurors (one reads Dutch, one Arabic), a staff member, two chairs, and six
    eligible dossiers, k = 2, nothing assigned yet."""
    call = make_call("MBI-2026", name="Impulse 2026", jurors_per_dossier=2)
    staff = make_user(Role.STAFF)
    jurors = [
        make_user(Role.JUROR, full_name="Juror One"),
        make_user(Role.JUROR, full_name="Juror Two", locale="nl"),
        make_user(Role.JUROR, full_name="Juror Three", locale="ar"),
        make_user(Role.JUROR, full_name="Juror Four"),
    ]
    chairs = [
        make_user(Role.CHAIR, Role.JUROR, full_name="Chair Main"),
        make_user(Role.CHAIR, full_name="Chair Second", locale="nl"),
    ]
    for juror in jurors:
        add_member(call, juror, {}, actor=staff)
    for chair in chairs:
        add_member(call, chair, {"is_chair": True}, actor=staff)
    dossiers = [make_application("eligible", call=call) for _ in range(6)]
    db.session.commit()
    return SimpleNamespace(call=call, staff=staff, jurors=jurors, chairs=chairs, dossiers=dossiers)


def _assigned_to(juror) -> list[JuryAssignment]:
    return db.session.scalars(
        select(JuryAssignment).where(JuryAssignment.juror_id == juror.id)
    ).all()


# Assignments ----------------------------------------------------------------------------


def test_one_email_per_juror_per_assignment_run_with_numbers_and_no_dossier(jury, client, login_as):
    declare_conflict(jury.dossiers[0], {"kind": "family"}, actor=jury.jurors[0])
    db.session.commit()
    login_as(jury.staff)
    response = client.post(f"/jury/staff/calls/{jury.call.id}/assignment", data={"confirm": "y"})
    assert response.status_code == 302
    assigned = {
        member.user.email
        for member in db.session.scalars(select(JuryMember))
        if _assigned_to(member.user)
    }
    emails = _emails("jury_assigned")
    assert sorted(message.recipient for message in emails) == sorted(assigned)
    assert len(emails) == len(assigned) >= 4  # one each, not one per dossier (12 in all)
    first = next(m for m in emails if m.recipient == jury.jurors[0].email)
    count = len(_assigned_to(jury.jurors[0]))
    assert first.subject == "Impulse 2026: dossiers assigned to you"
    assert f"{count} new dossiers of Impulse 2026 are assigned to you" in first.body_text
    assert _link("/jury/") in first.body_text
    for message in emails:
        for dossier in jury.dossiers:  # no reference, no title, no applicant
            assert dossier.reference not in message.body_text
            assert dossier.applicant.full_name not in message.body_text

    # Running it again with nothing to fill sends nothing more.
    client.post(f"/jury/staff/calls/{jury.call.id}/assignment", data={"confirm": "y"})
    assert len(_emails("jury_assigned")) == len(assigned)


def test_a_rerun_mails_only_the_jurors_it_gave_dossiers(jury, make_application):
    run_assignment(jury.call, actor=jury.staff)
    db.session.commit()
    before = len(_emails("jury_assigned"))
    late = make_application("eligible", call=jury.call)
    summary = run_assignment(jury.call, actor=jury.staff)
    db.session.commit()
    assert summary.counts()["made"] == 2
    assert len(_emails("jury_assigned")) == before + 2
    given = db.session.scalars(
        select(JuryAssignment.juror_id).where(JuryAssignment.application_id == late.id)
    ).all()
    people = {user.id: user for user in [*jury.jurors, *jury.chairs]}
    last_two = _emails("jury_assigned")[-2:]
    assert sorted(m.recipient for m in last_two) == sorted(people[i].email for i in given)
    locale = {user.email: user.locale for user in people.values()}
    for message in last_two:
        assert late.reference not in message.body_text
        if locale[message.recipient] == "en":
            assert "1 new dossier of Impulse 2026 is assigned to you" in message.body_text


def test_an_assignment_by_hand_mails_its_juror(jury):
    assign_by_hand(jury.dossiers[0], jury.jurors[3], actor=jury.staff)
    db.session.commit()
    (message,) = _emails("jury_assigned")
    assert message.recipient == jury.jurors[3].email
    assert "1 new dossier of Impulse 2026 is assigned to you" in message.body_text
    assert "Scoring is not open yet: you will receive an email when it opens." in message.body_text


def test_a_juror_who_must_confirm_is_sent_to_the_conflicts_page(jury):
    jury.call.conflicts_confirmation_required = True
    db.session.commit()
    assign_by_hand(jury.dossiers[0], jury.jurors[3], actor=jury.staff)
    db.session.commit()
    (message,) = _emails("jury_assigned")
    assert "confirm that you have no other" in message.body_text
    assert _link(f"/jury/calls/{jury.call.id}/conflicts") in message.body_text


# Scoring opens ------------------------------------------------------------------------------


def test_scoring_open_mails_each_juror_with_dossiers_once(jury, client, login_as):
    run_assignment(jury.call, actor=jury.staff)
    db.session.commit()
    with_dossiers = sorted(
        user.email for user in [*jury.jurors, *jury.chairs] if _assigned_to(user)
    )
    login_as(jury.staff)
    response = client.post(f"/jury/calls/{jury.call.id}/scoring", data={"open": "1"})
    assert response.status_code == 302
    assert _recipients("jury_scoring_open") == with_dossiers
    message = _emails("jury_scoring_open")[0]
    assert message.subject == "Impulse 2026: scoring is open"
    assert "0 of 2 scored" in message.body_text or "0 of 3 scored" in message.body_text


def test_scoring_open_again_skips_jurors_who_are_done(jury):
    run_assignment(jury.call, actor=jury.staff)
    set_scoring_open(jury.call, True, actor=jury.staff)
    done = jury.jurors[0]
    for assignment in _assigned_to(done):
        submit_review(assignment, data_for(jury.call, [5] * 4), actor=done, expected_version=0)
    set_scoring_open(jury.call, False, actor=jury.staff)
    set_scoring_open(jury.call, True, actor=jury.staff)
    db.session.commit()
    recipients = [m.recipient for m in _emails("jury_scoring_open")]
    assert recipients.count(done.email) == 1  # the first opening only
    assert recipients.count(jury.jurors[1].email) == 2


# The reminder before scoring closes -----------------------------------------------------------


@pytest.fixture
def closing(jury):
    """Scoring open, closing at CLOSES with a reminder 3 days before; juror 0 has
    submitted everything, the others have not."""
    with time_machine.travel(CLOSES - timedelta(days=10), tick=False):
        jury.call.scoring_closes_at = CLOSES
        run_assignment(jury.call, actor=jury.staff)
        set_scoring_open(jury.call, True, actor=jury.staff)
        done = jury.jurors[0]
        for assignment in _assigned_to(done):
            submit_review(assignment, data_for(jury.call, [5] * 4), actor=done, expected_version=0)
        db.session.commit()
    return jury


def _remind_at(moment) -> int:
    """Run the periodic job at ``moment`` (it commits and ends the session: read what is
    needed of the test's objects before)."""
    with time_machine.travel(moment, tick=False):
        return scoring_reminders_task.call_local()


def test_the_reminder_comes_n_days_before_closing_not_before_and_not_twice(closing):
    jury = closing
    assert jury.call.scoring_reminder_days == 3  # the default
    call_id, staff = jury.call.id, jury.staff.email
    pending = sorted(user.email for user in [*jury.jurors[1:], *jury.chairs] if _assigned_to(user))
    chair, chair_count = jury.chairs[0].email, len(_assigned_to(jury.chairs[0]))
    assert _remind_at(CLOSES - timedelta(days=3, minutes=1)) == 0
    assert _emails("jury_scoring_reminder") == []
    assert _remind_at(CLOSES - timedelta(days=3)) == len(pending)
    assert _recipients("jury_scoring_reminder") == pending  # juror 0 is done: not reminded
    assert _remind_at(CLOSES - timedelta(days=2)) == 0
    assert _remind_at(CLOSES - timedelta(hours=1)) == 0
    assert _recipients("jury_scoring_reminder") == pending  # once each
    english = next(m for m in _emails("jury_scoring_reminder") if m.recipient == chair)
    assert english.subject == "Impulse 2026: scoring closes soon"
    assert "Scoring of Impulse 2026 closes on Mar 20, 2027, 17:00 (Brussels time)." in (
        english.body_text
    )
    assert f"{chair_count} of your reviews are not submitted yet." in english.body_text
    assert _link(f"/jury/calls/{call_id}/my-dossiers") in english.body_text
    client = current_app.test_client()
    client.post("/login", data={"email": staff, "password": PASSWORD})
    audit = client.get(f"/dashboard/calls/{call_id}/audit").get_data(as_text=True)
    assert "Jurors reminded that scoring closes soon" in audit


def _remind_now(moment) -> int:
    with time_machine.travel(moment, tick=False):
        count = remind_jurors_before_closing()
        db.session.commit()
    return count


def test_no_reminder_without_a_deadline_when_closed_or_when_set_to_zero(closing):
    call = closing.call
    call.scoring_reminder_days = 0
    assert _remind_now(CLOSES - timedelta(days=1)) == 0
    call.scoring_reminder_days = 3
    call.scoring_open = False
    assert _remind_now(CLOSES - timedelta(days=1)) == 0
    call.scoring_open = True
    assert _remind_now(CLOSES + timedelta(minutes=1)) == 0  # too late
    call.scoring_closes_at = None
    assert _remind_now(CLOSES - timedelta(days=1)) == 0
    assert _emails("jury_scoring_reminder") == []
    call.scoring_closes_at = CLOSES  # the same call, set right: reminded
    assert _remind_now(CLOSES - timedelta(days=1)) > 0


def test_two_runs_at_once_remind_once(closing):
    """The mark is claimed by a conditional UPDATE before any e-mail is queued."""
    with time_machine.travel(CLOSES - timedelta(days=2), tick=False):
        first = remind_jurors_before_closing()
        second = remind_jurors_before_closing()  # same transaction, as a second worker
        db.session.commit()
    assert first > 0 and second == 0
    recipients = [m.recipient for m in _emails("jury_scoring_reminder")]
    assert len(recipients) == len(set(recipients)) == first


def test_the_reminder_is_in_the_jurors_language_arabic_right_to_left(closing):
    jury = closing
    arabic_juror, dutch_juror = jury.jurors[2].email, jury.jurors[1].email
    _remind_at(CLOSES - timedelta(days=3))
    arabic = next(m for m in _emails("jury_scoring_reminder") if m.recipient == arabic_juror)
    assert arabic.subject.startswith(RLM)
    assert "Impulse 2026" in arabic.subject and "scoring closes soon" not in arabic.subject
    body_lines = [line for line in arabic.body_text.split("\n") if line.strip()]
    assert all(line.startswith((RLM, "http", "-- ")) for line in body_lines), arabic.body_text
    assert "السيد(ة) Juror Three المحترم(ة)" in arabic.body_text
    assert "يُغلق التنقيط في Impulse 2026" in arabic.body_text
    dutch = next(m for m in _emails("jury_scoring_reminder") if m.recipient == dutch_juror)
    assert "Beste Juror Two" in dutch.body_text
    assert "Het scoren voor Impulse 2026 sluit op 20 mrt 2027, 17:00 (Brusselse tijd)." in (
        dutch.body_text
    )


# The chairs: reopened reviews and recusals ---------------------------------------------------


@pytest.fixture
def scoring(jury):
    run_assignment(jury.call, actor=jury.staff)
    set_scoring_open(jury.call, True, actor=jury.staff)
    db.session.commit()
    return jury


def test_a_reopened_review_mails_its_juror_and_the_other_chair(scoring, client, login_as):
    jury = scoring
    juror = jury.jurors[1]  # reads Dutch
    assignment = _assigned_to(juror)[0]
    review = submit_review(
        assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0
    )
    db.session.commit()
    login_as(jury.chairs[0])
    response = client.post(
        f"/jury/reviews/{review.id}/reopen", data={"reason": "Check the team score"}
    )
    assert response.status_code == 302
    (to_juror,) = _emails("jury_review_reopened")
    assert to_juror.recipient == juror.email
    assert assignment.application.reference in to_juror.body_text  # their own dossier
    assert "Check the team score" in to_juror.body_text
    assert "Chair Main" not in to_juror.body_text  # "the chair", not a name
    assert _link(f"/jury/assignments/{assignment.id}") in to_juror.body_text
    assert "heropend" in to_juror.subject + to_juror.body_text  # Dutch
    (to_chair,) = _emails("jury_review_reopened_chair")
    assert to_chair.recipient == jury.chairs[1].email  # not the chair who reopened it
    assert "Chair Main" in to_chair.body_text and "Juror Two" in to_chair.body_text
    assert "Check the team score" in to_chair.body_text
    assert to_chair.application_id == assignment.application_id


def test_a_recusal_mails_the_chairs_not_in_conflict(scoring, client, login_as):
    jury = scoring
    juror = jury.jurors[3]
    assignment = _assigned_to(juror)[0]
    dossier = assignment.application
    db.session.add(
        ConflictOfInterest(application_id=dossier.id, juror_id=jury.chairs[1].id, kind="family")
    )
    db.session.commit()
    login_as(juror)
    response = client.post(
        f"/jury/assignments/{assignment.id}/recuse", data={"reason": "My cousin founded it."}
    )
    assert response.status_code == 302
    (message,) = _emails("jury_recusal")  # the second chair is in conflict with it
    assert message.recipient == jury.chairs[0].email
    assert message.subject == "Impulse 2026: a juror recused themselves"
    assert f"Juror Four recused themselves from dossier {dossier.reference}" in message.body_text
    assert "My cousin founded it." in message.body_text
    assert _link(f"/jury/board/dossiers/{dossier.id}") in message.body_text


def test_a_chair_who_recuses_is_not_mailed_about_it(scoring):
    jury = scoring
    chair = jury.chairs[0]
    assignment = _assigned_to(chair)[0]
    recuse(assignment, "Former colleague", actor=chair)
    db.session.commit()
    assert _recipients("jury_recusal") == [jury.chairs[1].email]
