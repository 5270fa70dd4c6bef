"""Scoring services and pages: drafts, submission, every bad input, reopening, recusal,
the scoring phase, and the reviews export."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.errors import NotPermitted
from app.events import Event
from app.extensions import db
from app.jury.conflicts import recuse
from app.jury.exports import reviews as reviews_export
from app.jury.models import ConflictOfInterest, CriterionScore, JuryAssignment, JuryMember, Review
from app.jury.scoring import (
    ConcurrentReview,
    ScoringError,
    reopen_review,
    save_review_draft,
    set_scoring_open,
    submit_review,
)
from app.jury.services import JuryError, NotAssigned


@pytest.fixture
def jury(make_user, make_call, make_application):
    """An open scoring phase: two eligible dossiers, three jurors on each, one chair."""
    call = make_call(scoring_open=True)
    jurors = [make_user(Role.JUROR, full_name=f"Juror Number{i}") for i in (1, 2, 3)]
    chair = make_user(Role.CHAIR, Role.JUROR, full_name="Chair Person")
    applications = [make_application("eligible", call=call) for _ in range(2)]
    for user in jurors:
        db.session.add(JuryMember(call=call, user=user))
    db.session.add(JuryMember(call=call, user=chair, is_chair=True))
    assignments = {}
    for application in applications:
        for user in jurors:
            assignment = JuryAssignment(application=application, juror=user)
            db.session.add(assignment)
            assignments[application.id, user.id] = assignment
    db.session.commit()
    return SimpleNamespace(
        call=call, jurors=jurors, chair=chair, applications=applications, assignments=assignments
    )


def data_for(call, values, comment="Solid."):
    criteria = call.criteria
    return {
        "scores": {c.id: v for c, v in zip(criteria, values, strict=True)},
        "comments": {c.id: comment for c in criteria},
        "overall_comment": "Overall fine.",
        "private_notes": "Met the founder once.",
    }


def form_for(call, values, version=0, action="draft", comment="Solid."):
    form = {"version": str(version), "action": action, "overall_comment": "Overall fine."}
    for criterion, value in zip(call.criteria, values, strict=True):
        form[f"score_{criterion.id}"] = "" if value is None else str(value)
        form[f"comment_{criterion.id}"] = comment
    return form


def review_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Review))


def first(jury, juror=0, application=0):
    return jury.assignments[jury.applications[application].id, jury.jurors[juror].id]


# Services --------------------------------------------------------------------------


def test_a_draft_keeps_empty_scores_and_submission_computes_the_total(jury):
    assignment, juror = first(jury), jury.jurors[0]
    review = save_review_draft(
        assignment, data_for(jury.call, [8, None, 4, None]), actor=juror, expected_version=0
    )
    db.session.commit()
    assert (review.status, review.version, review.total) == ("draft", 1, None)
    submit_review(assignment, data_for(jury.call, [8, 6, 4, 10]), actor=juror, expected_version=1)
    db.session.commit()
    assert review.status == "submitted" and review.submitted_at is not None
    assert float(review.total) == 66.0  # 20 + 21 + 10 + 15
    assert sorted(s.score for s in review.scores) == [4, 6, 8, 10]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([11, 5, 5, 5], "between 0 and 10"),
        ([-1, 5, 5, 5], "between 0 and 10"),
        ([5, None, 5, 5], "Score every criterion"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(jury, values, message):
    with pytest.raises(ScoringError, match=message):
        submit_review(
            first(jury), data_for(jury.call, values), actor=jury.jurors[0], expected_version=0
        )
    db.session.rollback()
    assert review_count() == 0


def test_scoring_closed_refuses(jury):
    jury.call.scoring_open = False
    db.session.commit()
    with pytest.raises(ScoringError, match="closed"):
        save_review_draft(
            first(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
        )


def test_a_submitted_review_is_locked(jury):
    assignment, juror = first(jury), jury.jurors[0]
    submit_review(assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0)
    db.session.commit()
    for service in (save_review_draft, submit_review):
        with pytest.raises(ScoringError, match="locked"):
            service(assignment, data_for(jury.call, [9] * 4), actor=juror, expected_version=1)


def test_two_tabs_cannot_both_save(jury):
    assignment, juror = first(jury), jury.jurors[0]
    save_review_draft(assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0)
    db.session.commit()
    with pytest.raises(ConcurrentReview):
        submit_review(assignment, data_for(jury.call, [9] * 4), actor=juror, expected_version=0)
    db.session.rollback()
    assert assignment.review.status == "draft"


def test_a_juror_no_longer_assigned_gets_a_clear_message(jury):
    assignment, juror = first(jury), jury.jurors[0]
    db.session.execute(JuryAssignment.__table__.delete().where(JuryAssignment.id == assignment.id))
    with pytest.raises(NotAssigned, match="no longer assigned"):
        submit_review(assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0)


def test_another_juror_and_a_deactivated_juror_are_refused(jury):
    with pytest.raises(NotPermitted):
        save_review_draft(
            first(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[1], expected_version=0
        )
    jury.jurors[0].active = False
    with pytest.raises(ScoringError, match="deactivated"):
        save_review_draft(
            first(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
        )


def test_the_chair_reopens_with_a_reason(jury):
    assignment, juror = first(jury), jury.jurors[0]
    review = submit_review(
        assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0
    )
    with pytest.raises(NotPermitted):
        reopen_review(review, actor=jury.jurors[1], reason="Why not")
    with pytest.raises(ScoringError, match="reason"):
        reopen_review(review, actor=jury.chair, reason="  ")
    reopen_review(review, actor=jury.chair, reason="Score 10 on team? Please check.")
    db.session.commit()
    assert (review.status, review.total, review.submitted_at) == ("draft", None, None)
    reopened = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event == Event.REVIEW_REOPENED)
    )
    assert reopened.note.startswith("Score 10") and reopened.actor_id == jury.chair.id
    with pytest.raises(ScoringError, match="not submitted"):
        reopen_review(review, actor=jury.chair, reason="Again")


def test_closing_lists_the_unsubmitted_reviews(jury):
    submit_review(
        first(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
    )
    save_review_draft(
        first(jury, 1), data_for(jury.call, [5] * 4), actor=jury.jurors[1], expected_version=0
    )
    with pytest.raises(NotPermitted):
        set_scoring_open(jury.call, False, actor=jury.jurors[0])
    pending = set_scoring_open(jury.call, False, actor=jury.chair)
    assert jury.call.scoring_open is False
    assert len(pending) == 5  # 6 assignments, one submitted
    assert first(jury, 1) in pending and first(jury) not in pending
    assert set_scoring_open(jury.call, True, actor=jury.chair) == []


def test_recusal_records_a_conflict_and_frees_the_slot(jury):
    assignment, juror = first(jury), jury.jurors[0]
    save_review_draft(assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0)
    with pytest.raises(JuryError, match="reason"):
        recuse(assignment, " ", actor=juror)
    recuse(assignment, "My cousin is a partner.", actor=juror)
    db.session.commit()
    conflict = db.session.scalar(select(ConflictOfInterest))
    assert (conflict.kind, conflict.note, conflict.juror_id) == (
        "other",
        "My cousin is a partner.",
        juror.id,
    )
    assert db.session.get(JuryAssignment, assignment.id) is None
    assert review_count() == 0
    assert db.session.scalar(select(func.count()).select_from(CriterionScore)) == 0


def test_recusal_after_submission_asks_the_chair_first(jury):
    assignment, juror = first(jury), jury.jurors[0]
    submit_review(assignment, data_for(jury.call, [5] * 4), actor=juror, expected_version=0)
    db.session.commit()
    with pytest.raises(JuryError, match="reopen"):
        recuse(assignment, "Late conflict", actor=juror)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 0


# Pages -----------------------------------------------------------------------------


def test_my_dossiers_shows_progress_and_save_and_next(jury, client, login_as):
    juror = login_as(jury.jurors[0])
    page = client.get(f"/jury/calls/{jury.call.id}/my-dossiers").get_data(as_text=True)
    assert "0 of 2 scored" in page
    assignment = first(jury)
    response = client.post(
        f"/jury/assignments/{assignment.id}", data=form_for(jury.call, [5] * 4, action="next")
    )
    assert response.headers["Location"] == f"/jury/assignments/{first(jury, 0, 1).id}"
    response = client.post(
        f"/jury/assignments/{assignment.id}", data=form_for(jury.call, [5] * 4, 1, "submit")
    )
    assert response.status_code == 302
    page = client.get(f"/jury/calls/{jury.call.id}/my-dossiers").get_data(as_text=True)
    assert "1 of 2 scored" in page
    assert juror.full_name  # the page is the juror's own


def test_the_score_form_shows_the_dossier_criteria_and_anchors(jury, client, login_as):
    login_as(jury.jurors[0])
    page = client.get(f"/jury/assignments/{first(jury).id}").get_data(as_text=True)
    application = jury.applications[0]
    assert application.answers["project_title"] in page
    assert "cv.pdf" in page and "/documents/" in page
    assert "0–2 Weak" in page and "9–10 Excellent" in page
    for criterion in jury.call.criteria:
        assert criterion.name in page


@pytest.mark.parametrize(
    ("values", "message"),
    [([11, 5, 5, 5], "between 0 and 10"), (["x", 5, 5, 5], "integer"), ([5, None, 5, 5], "Team")],
)
def test_bad_input_through_the_page_writes_nothing(jury, client, login_as, values, message):
    login_as(jury.jurors[0])
    response = client.post(
        f"/jury/assignments/{first(jury).id}",
        data=form_for(jury.call, values, action="submit") | {"score_1": "x"}
        if values[0] == "x"
        else form_for(jury.call, values, action="submit"),
    )
    assert response.status_code == 422
    assert review_count() == 0


def test_pages_for_two_tabs_a_closed_phase_and_a_lost_assignment(jury, client, login_as):
    login_as(jury.jurors[0])
    url = f"/jury/assignments/{first(jury).id}"
    assert client.post(url, data=form_for(jury.call, [5] * 4)).status_code == 302
    response = client.post(url, data=form_for(jury.call, [6] * 4))  # the second tab, version 0
    assert response.status_code == 409 and "another tab" in response.get_data(as_text=True)
    jury.call.scoring_open = False
    db.session.commit()
    response = client.post(url, data=form_for(jury.call, [6] * 4, 1))
    assert response.status_code == 422 and "closed" in response.get_data(as_text=True)
    db.session.delete(db.session.get(JuryAssignment, first(jury).id).review)
    db.session.execute(JuryAssignment.__table__.delete().where(JuryAssignment.id == first(jury).id))
    db.session.commit()
    response = client.post(url, data=form_for(jury.call, [6] * 4, 1))
    assert response.status_code == 409 and "no longer assigned" in response.get_data(as_text=True)


def test_recuse_and_reopen_pages(jury, client, login_as):
    login_as(jury.jurors[1])
    assignment_id = first(jury, 1).id
    client.post(f"/jury/assignments/{assignment_id}/recuse", data={"reason": ""})
    assert db.session.get(JuryAssignment, assignment_id) is not None
    response = client.post(f"/jury/assignments/{assignment_id}/recuse", data={"reason": "Uncle"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(JuryAssignment, assignment_id) is None
    review = submit_review(
        first(jury), data_for(jury.call, [5] * 4), actor=jury.jurors[0], expected_version=0
    )
    db.session.commit()
    client.post("/logout")
    login_as(jury.chair)
    client.post(f"/jury/reviews/{review.id}/reopen", data={"reason": "Check the team score"})
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "draft"


def test_opening_and_closing_from_the_board(jury, client, login_as):
    login_as(jury.chair)
    response = client.post(f"/jury/calls/{jury.call.id}/scoring", data={"open": "0"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reviews not submitted: 6" in page and "not started" in page
    db.session.expire_all()
    assert db.session.get(type(jury.call), jury.call.id).scoring_open is False


def test_reviews_export_columns_and_formula_protection(jury, client, login_as):
    submit_review(
        first(jury),
        data_for(jury.call, [8, 6, 4, 10], comment="=HYPERLINK(1)"),
        actor=jury.jurors[0],
        expected_version=0,
    )
    db.session.commit()
    header, rows = reviews_export(jury.call)
    assert header == ["reference", "juror_email", "criterion", "score", "comment"]
    rows = list(rows)
    assert rows[0] == (
        jury.applications[0].reference,
        jury.jurors[0].email,
        "Team",
        8,
        "=HYPERLINK(1)",
    )
    assert len(rows) == 4
    login_as(jury.chair)
    body = client.get(f"/jury/calls/{jury.call.id}/reviews.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body and "juror_email" in body


def test_the_score_page_counts_progress_and_finds_the_next_dossier_in_sql(
    jury, client, login_as, make_application
):
    """Progress and "save and next" skip conflicts and submitted reviews (counted in SQL,
    without loading every dossier of the juror: 1,500 each at 5,000 applications)."""
    juror = jury.jurors[0]
    third = make_application("eligible", call=jury.call)
    db.session.add(JuryAssignment(application=third, juror=juror))
    db.session.add(
        ConflictOfInterest(application_id=jury.applications[1].id, juror_id=juror.id, kind="family")
    )
    db.session.commit()
    login_as(juror)
    assignment = first(jury)
    page = client.get(f"/jury/assignments/{assignment.id}").get_data(as_text=True)
    assert "0 of 2 scored" in page  # the conflicted dossier is not counted
    response = client.post(
        f"/jury/assignments/{assignment.id}", data=form_for(jury.call, [5] * 4, action="next")
    )
    third_assignment = db.session.scalar(
        select(JuryAssignment).where(JuryAssignment.application_id == third.id)
    )
    assert response.headers["Location"] == f"/jury/assignments/{third_assignment.id}"
    client.post(
        f"/jury/assignments/{assignment.id}", data=form_for(jury.call, [5] * 4, 1, "submit")
    )
    page = client.get(f"/jury/assignments/{third_assignment.id}").get_data(as_text=True)
    assert "1 of 2 scored" in page
    last = client.post(
        f"/jury/assignments/{third_assignment.id}",
        data=form_for(jury.call, [5] * 4, action="next"),
    )
    # the first one is submitted and the second in conflict: back to the list
    assert last.headers["Location"] == f"/jury/calls/{jury.call.id}/my-dossiers"


def test_a_jurors_list_is_paginated_with_progress_over_all_pages(
    jury, client, login_as, make_application, monkeypatch
):
    import app.jury.routes.juror as routes

    monkeypatch.setattr(routes, "MY_DOSSIERS_PAGE", 2)
    juror = jury.jurors[0]
    extra = make_application("eligible", call=jury.call)
    db.session.add(JuryAssignment(application=extra, juror=juror))
    db.session.commit()
    login_as(juror)
    client.post(
        f"/jury/assignments/{first(jury).id}", data=form_for(jury.call, [5] * 4, 0, "submit")
    )
    one = client.get(f"/jury/calls/{jury.call.id}/my-dossiers").get_data(as_text=True)
    two = client.get(f"/jury/calls/{jury.call.id}/my-dossiers?page=2").get_data(as_text=True)
    assert "1 of 3 scored" in one and "1 of 3 scored" in two
    assert jury.applications[0].reference in one and extra.reference not in one
    assert extra.reference in two and jury.applications[0].reference not in two
    assert "Page 1 of 2" in one
    # "Score the next dossier" leads to the first one not submitted, on any page
    following = first(jury, 0, 1).id
    assert f'href="/jury/assignments/{following}">Score the next dossier' in two.replace("\n", "")
