"""Two people post one form at the same moment: one wins, the other is told to reload.

Each race runs on PostgreSQL, where requests truly run in parallel (on SQLite writes
take turns), a few rounds on fresh records so that the loser's path is really taken:
two browsers (two sessions, as two gunicorn workers would serve them) are released
together. What the people see is asserted: one answer of the winner (a redirect), one
409 page saying the record was changed meanwhile, never a 500; the data is the
winner's, and the audit log holds exactly one row of what happened.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.coaching import services as coaching
from app.coaching.models import CoachingSession
from app.common.clock import utcnow
from app.eligibility.models import EligibilityDecision
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from app.selection.models import SelectionRound
from app.selection.services import refresh_draft
from tests.coaching.conftest import session_data, session_form
from tests.conftest import PASSWORD
from tests.helpers import outbox_messages, transition_row

pytestmark = pytest.mark.postgres

ROUNDS = 5
EN = {"Accept-Language": "en"}
RELOAD = "changed by someone else"


def _browser(app, user):
    """A browser of its own (its own session cookie), logged in as ``user``."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _at_once(posts) -> list:
    """Post each ``(browser, url, form)`` in its own thread, released together; their
    responses, in order (an error the application let through stands for its 500 page)."""
    barrier = threading.Barrier(len(posts), timeout=30)
    responses: list = [None] * len(posts)

    def run(index, post):
        browser, url, form = post
        barrier.wait()
        try:
            responses[index] = browser.post(url, data=form, headers=EN)
        except Exception as error:  # the test client lets a 500's error through
            responses[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    return responses


def _statuses(responses) -> list:
    """What each browser got: its status, or 500 and the error let through."""
    return [
        f"500 {type(r).__name__}" if isinstance(r, Exception) else r.status_code for r in responses
    ]


def _one_winner(responses, says: str = RELOAD) -> int | None:
    """The index of the winner (a redirect) when the other got the 409 page saying ``says``
    (else None: the caller's rounds tell what happened instead)."""
    statuses = _statuses(responses)
    if sorted(statuses, key=str) != [302, 409]:
        return None
    loser = responses[statuses.index(409)].get_data(as_text=True)
    assert says in loser and "Nothing was changed." in loser
    return statuses.index(302)


#: What every round of a race must give: a redirect for one, the 409 page for the other.
ONE_WINNER = [[302, 409]] * ROUNDS


def _sorted(responses) -> list:
    return sorted(_statuses(responses), key=str)


def _hidden(page, name: str) -> dict:
    """The hidden field ``name`` of the form in ``page``, as a browser posts it back."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page.get_data(as_text=True))
    value = re.search(r'value="([^"]*)"', field[0]) if field else None
    return {name: value[1]} if value else {}


def _events(event: str, **where) -> int:
    """How many audit rows of ``event`` there are (about ``where``: application_id=...)."""
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.event == event)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return db.session.scalar(query)


# Eligibility ---------------------------------------------------------------------------


#: The trigger of each decision, and the form that posts it.
DECISIONS = {
    "eligible": ("declare_eligible", {"yes-justification": ""}),
    "ineligible": ("declare_ineligible", {"no-reason": "Too young.", "no-failed_rules": []}),
}


def _decision(kind: str, version: int) -> dict:
    prefix = "yes" if kind == "eligible" else "no"
    return {f"{prefix}-version": version, **DECISIONS[kind][1]}


@pytest.mark.parametrize("second", ["eligible", "ineligible"])
def test_two_staff_deciding_one_dossier_at_once(
    app, make_call, make_application, make_user, second
):
    call = make_call()
    browsers = [_browser(app, make_user(Role.STAFF)) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        application = make_application("submitted", call=call)
        seen = application.version

        responses = _at_once(
            [
                (browser, f"/staff/eligibility/{application.id}/{kind}", _decision(kind, seen))
                for browser, kind in zip(browsers, ["eligible", second], strict=True)
            ]
        )
        rounds.append(_sorted(responses))
        if (won := _one_winner(responses)) is None:
            continue
        winner = ["eligible", second][won]
        assert application.status == winner
        decisions = db.session.scalars(
            select(EligibilityDecision).where(EligibilityDecision.application_id == application.id)
        ).all()
        assert [d.outcome for d in decisions] == [winner]
        trigger = DECISIONS[winner][0]
        assert _events(trigger, application_id=application.id) == 1
        other = DECISIONS["ineligible" if winner == "eligible" else "eligible"][0]
        assert _events(other, application_id=application.id) == 0
    assert rounds == ONE_WINNER, rounds


@pytest.mark.parametrize("second", ["confirm", "cancel"])
def test_two_staff_settling_one_proposed_ineligibility_at_once(
    app, make_call, make_application, make_user, second
):
    call = make_call(four_eyes_ineligibility=True)
    proposer = make_user(Role.STAFF)
    browsers = [_browser(app, make_user(Role.STAFF)) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        application = make_application("submitted", call=call)
        proposal = EligibilityDecision(
            application=application,
            outcome="ineligible",
            status="proposed",
            reason="Too young.",
            decided_by_id=proposer.id,
        )
        db.session.add(proposal)
        db.session.commit()

        responses = _at_once(
            [
                (browser, f"/staff/eligibility/proposals/{proposal.id}/{action}", {})
                for browser, action in zip(browsers, ["confirm", second], strict=True)
            ]
        )
        rounds.append(_sorted(responses))
        if (won := _one_winner(responses, says="already handled")) is None:
            continue
        winner = ["confirm", second][won]
        if winner == "confirm":
            assert (application.status, proposal.status) == ("ineligible", "final")
        else:
            assert (application.status, proposal.status) == ("submitted", "cancelled")
        assert _events("declare_ineligible", application_id=application.id) == (winner == "confirm")
        assert _events("ineligibility_proposal_cancelled", application_id=application.id) == (
            winner == "cancel"
        )
    assert rounds == ONE_WINNER, rounds


def test_two_staff_proposing_one_ineligibility_at_once(app, make_call, make_application, make_user):
    call = make_call(four_eyes_ineligibility=True)
    browsers = [_browser(app, make_user(Role.STAFF)) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        application = make_application("submitted", call=call)
        data = {"no-version": application.version, "no-reason": "Too young."}
        url = f"/staff/eligibility/{application.id}/ineligible"
        responses = _at_once([(browser, url, data) for browser in browsers])
        rounds.append(_sorted(responses))
        if _one_winner(responses, says="already proposed") is None:
            continue
        proposals = db.session.scalars(
            select(EligibilityDecision).where(EligibilityDecision.application_id == application.id)
        ).all()
        assert [p.status for p in proposals] == ["proposed"]
        assert _events("ineligibility_proposed", application_id=application.id) == 1
    assert rounds == ONE_WINNER, rounds


# Jury ----------------------------------------------------------------------------------


def _review_form(call, score: int, version: int) -> dict:
    form = {"version": str(version), "action": "submit", "overall_comment": f"All {score}."}
    for criterion in call.criteria:
        form[f"score_{criterion.id}"] = str(score)
        form[f"comment_{criterion.id}"] = f"Gave {score}."
    return form


@pytest.mark.parametrize("drafted", [False, True], ids=["first-save", "after-a-draft"])
def test_a_review_submitted_from_two_tabs_at_once(
    app, make_call, make_application, make_user, drafted
):
    call = make_call(scoring_open=True)
    juror = make_user(Role.JUROR)
    db.session.add(JuryMember(call=call, user=juror))
    db.session.commit()
    tabs = [_browser(app, juror) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        assignment = JuryAssignment(
            application=make_application("in_review", call=call), juror=juror
        )
        db.session.add(assignment)
        db.session.commit()
        seen = 0
        if drafted:
            criteria = call.criteria
            review = Review(assignment=assignment, status="draft")
            review.scores = [CriterionScore(criterion_id=c.id) for c in criteria]
            db.session.add(review)
            db.session.commit()
            seen = review.version
        url = f"/jury/assignments/{assignment.id}"
        responses = _at_once(
            [
                (tabs[0], url, _review_form(call, 4, seen)),
                (tabs[1], url, _review_form(call, 8, seen)),
            ]
        )
        rounds.append(_sorted(responses))
        if (winner := _one_winner(responses, says="saved from another tab")) is None:
            continue
        review = db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))
        assert review.status == "submitted"
        assert review.overall_comment == f"All {[4, 8][winner]}."
        assert {s.score for s in review.scores} == {[4, 8][winner]}
        assert _events("review_submitted", subject_id=review.id) == 1
    assert rounds == ONE_WINNER, rounds


@pytest.mark.parametrize("drafted", [False, True], ids=["first-save", "after-a-draft"])
def test_a_draft_autosaved_from_two_tabs_at_once(
    app, make_call, make_application, make_user, drafted
):
    """The split view's script saves drafts as the juror types: two tabs (or a tab and a
    phone) saving at once give one saved draft and one 409, the loser's script stops."""
    call = make_call(scoring_open=True)
    juror = make_user(Role.JUROR)
    db.session.add(JuryMember(call=call, user=juror))
    db.session.commit()
    tabs = [_browser(app, juror) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        assignment = JuryAssignment(
            application=make_application("in_review", call=call), juror=juror
        )
        db.session.add(assignment)
        db.session.commit()
        seen = 0
        if drafted:
            criteria = call.criteria
            review = Review(assignment=assignment, status="draft")
            review.scores = [CriterionScore(criterion_id=c.id) for c in criteria]
            db.session.add(review)
            db.session.commit()
            seen = review.version
        url = f"/jury/assignments/{assignment.id}/draft"
        forms = [_review_form(call, score, seen) | {"action": ""} for score in (4, 8)]
        responses = _at_once([(tabs[0], url, forms[0]), (tabs[1], url, forms[1])])
        rounds.append(_sorted(responses))
        if rounds[-1] != [200, 409]:
            continue
        statuses = _statuses(responses)
        winner = statuses.index(200)
        assert "saved from another tab" in responses[1 - winner].get_data(as_text=True)
        review = db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))
        assert review.status == "draft" and review.version == seen + 1
        assert {s.score for s in review.scores} == {[4, 8][winner]}
        assert _events("review_draft_saved", subject_id=review.id) == 1
    assert rounds == [[200, 409]] * ROUNDS, rounds


# Coaching ------------------------------------------------------------------------------


@pytest.fixture
def coached(make_call, make_application, make_user):
    """A project in coaching (selected 90 days ago), its coach, and a session they logged."""
    call = make_call(opens_in=-300, closes_in=-200)
    staff, coach = make_user(Role.STAFF), make_user(Role.COACH)

    def make():
        application = make_application("confirmed", call=call)
        db.session.add(
            transition_row(
                application_id=application.id,
                from_state="scored",
                to_state="selected",
                trigger="select",
                created_at=utcnow() - timedelta(days=90),
            )
        )
        db.session.commit()
        coaching.assign_coach(application, coach, "primary", actor=staff)
        session = coaching.log_session(application, session_data(), actor=coach)
        db.session.commit()
        return session

    return coach, make


def test_a_coaching_session_edited_twice_at_once(app, coached):
    coach, make = coached
    tabs = [_browser(app, coach) for _ in range(2)]
    rounds = []
    for _round in range(ROUNDS):
        session = make()
        url = f"/coaching/sessions/{session.id}/edit"
        forms = [
            {**session_form(summary=f"Written in tab {n + 1}."), **_hidden(tab.get(url), "version")}
            for n, tab in enumerate(tabs)
        ]
        responses = _at_once([(tab, url, form) for tab, form in zip(tabs, forms, strict=True)])
        rounds.append(_sorted(responses))
        if (winner := _one_winner(responses)) is None:
            continue
        assert (
            db.session.get(CoachingSession, session.id).summary == f"Written in tab {winner + 1}."
        )
        assert _events("coaching_session_edited", subject_id=session.id) == 1
    assert rounds == ONE_WINNER, rounds


# Selection -----------------------------------------------------------------------------


def test_two_chairs_publishing_the_selection_at_once(
    app, make_call, make_application, make_user, make_chair
):
    rounds = []
    for _round in range(ROUNDS):
        call = make_call(quota=1, reserve_size=1)
        juror = make_user(Role.JUROR)
        applications = []
        for score in (9, 7, 5):
            application = make_application("scored", call=call, complete=False)
            assignment = JuryAssignment(application_id=application.id, juror_id=juror.id)
            review = Review(assignment=assignment, status="submitted", total=10 * score)
            review.scores = [CriterionScore(criterion_id=c.id, score=score) for c in call.criteria]
            db.session.add_all([assignment, review])
            applications.append(application)
        db.session.commit()
        refresh_draft(call, actor=None)
        db.session.commit()
        chairs = [_browser(app, make_chair(call)) for _ in range(2)]
        url = f"/calls/{call.id}/selection/publish"
        responses = _at_once([(chair, url, {"confirm": "y"}) for chair in chairs])
        rounds.append(_sorted(responses))
        if _one_winner(responses, says="already published") is None:
            continue
        selection = db.session.scalar(
            select(SelectionRound).where(SelectionRound.call_id == call.id)
        )
        assert selection.status == "published"
        assert _events("selection_published", call_id=call.id) == 1
        assert [a.status for a in applications] == ["selected", "reserve", "not_selected"]
        told = [m.application_id for m in outbox_messages()]
        assert all(told.count(a.id) == 1 for a in applications)
    assert rounds == ONE_WINNER, rounds
