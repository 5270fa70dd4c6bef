"""The score page as a split view: the dossier's documents shown in the page beside the
score panel, drafts saved while the juror types (and restored), and "save and next"."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.common.clock import utcnow
from app.documents.services import attach_document
from app.events import Event
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from tests.documents import pdf_of_pages, picture_png


@pytest.fixture
def desk(make_user, make_call, make_application):
    """A juror with three dossiers to score (in dossier order); the first holds a
    three-page business plan and a photographed identity card."""
    call = make_call(scoring_open=True)
    juror = make_user(Role.JUROR, full_name="Juror One")
    db.session.add(JuryMember(call=call, user=juror))
    dossiers = [make_application("in_review", call=call) for _ in range(3)]
    assignments = [JuryAssignment(application=dossier, juror=juror) for dossier in dossiers]
    db.session.add_all(assignments)
    plan = attach_document(dossiers[0], "business_plan", pdf_of_pages(3), "plan.pdf")
    identity = attach_document(dossiers[0], "identity", picture_png(), "identity.png")
    db.session.commit()
    return SimpleNamespace(
        call=call,
        juror=juror,
        dossiers=dossiers,
        assignments=assignments,
        plan=plan,
        identity=identity,
    )


def fields(call, scores, version=0, comment="", **extra):
    form = {"version": str(version), "overall_comment": "", "private_notes": ""} | extra
    for criterion, score in zip(call.criteria, scores, strict=True):
        form[f"score_{criterion.id}"] = "" if score is None else str(score)
        form[f"comment_{criterion.id}"] = comment
    return form


def autosave(client, assignment, form):
    return client.post(f"/jury/assignments/{assignment.id}/draft", data=form)


def review_of(assignment) -> Review | None:
    db.session.expire_all()
    return db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))


def saved(assignment) -> list | None:
    """The scores and comments saved for ``assignment`` (None: no review yet)."""
    review = review_of(assignment)
    return None if review is None else [(s.score, s.comment) for s in review.scores]


def draft_rows() -> list[dict]:
    db.session.expire_all()
    return [
        row.data
        for row in db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == Event.REVIEW_DRAFT_SAVED)
        )
    ]


# The page ---------------------------------------------------------------------------


def test_the_documents_show_in_the_page_beside_the_score_panel(desk, client, login_as):
    login_as(desk.juror)
    page = client.get(f"/jury/assignments/{desk.assignments[0].id}").get_data(as_text=True)
    dossier_side, panel = page.split('<aside class="split__panel', 1)
    assert 'class="split__dossier"' in dossier_side
    # every page of the plan and the identity card, as images of this site, loaded lazily
    images = re.findall(r'<img class="doc__page" src="([^"]+)"[^>]*loading="lazy"', dossier_side)
    plan_pages = [f"/documents/{desk.plan.id}/pages/{n}" for n in (1, 2, 3)]
    assert f"/documents/{desk.identity.id}/pages/1" in images
    assert [image for image in images if image.startswith(f"/documents/{desk.plan.id}/")] == (
        plan_pages
    )
    assert 'alt="Business plan, page 2 of 3"' in dossier_side
    assert "3 pages" in dossier_side and f'href="/documents/{desk.plan.id}"' in dossier_side
    assert desk.dossiers[0].answers["project_title"] in dossier_side
    # the criteria, the score fields and the buttons are in the panel
    for criterion in desk.call.criteria:
        assert f'name="score_{criterion.id}"' in panel and criterion.name in panel
    assert re.search(r'<button type="submit" name="action" value="next"[^>]*accesskey="n"', panel)
    assert "Ctrl+Enter" in panel
    assert f'data-draft-url="/jury/assignments/{desk.assignments[0].id}/draft"' in panel
    assert "js/score-draft.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP)


def test_a_dossier_without_documents_and_a_submitted_review(desk, client, login_as):
    login_as(desk.juror)
    desk.dossiers[1].documents.clear()
    db.session.commit()
    second = desk.assignments[1]
    page = client.get(f"/jury/assignments/{second.id}").get_data(as_text=True)
    assert "No document uploaded." in page
    client.post(f"/jury/assignments/{second.id}", data=fields(desk.call, [5] * 4, action="submit"))
    page = client.get(f"/jury/assignments/{second.id}").get_data(as_text=True)
    assert "submitted and locked" in page
    assert "score-draft.js" not in page and "data-draft-url" not in page


# Drafts -----------------------------------------------------------------------------


def test_a_draft_is_saved_while_typing_and_restored(desk, client, login_as):
    login_as(desk.juror)
    assignment = desk.assignments[0]
    response = autosave(client, assignment, fields(desk.call, [7, None, 5, None], comment="Strong"))
    assert response.status_code == 200
    assert response.json["version"] == 1
    assert re.fullmatch(r"Draft saved at \d\d:\d\d\.", response.json["message"])
    review = review_of(assignment)
    assert review.status == "draft" and review.submitted_at is None
    assert sorted((s.score for s in review.scores), key=str) == [5, 7, None, None]
    page = client.get(f"/jury/assignments/{assignment.id}").get_data(as_text=True)
    first, second = desk.call.criteria[:2]
    assert re.search(rf'name="score_{first.id}"[^>]*value="7"', page)
    assert not re.search(rf'name="score_{second.id}"[^>]*value="\d', page)
    assert re.search(rf'name="comment_{first.id}">\s*Strong</textarea>', page)
    assert 'name="version" type="hidden" value="1"' in page
    assert "Draft saved at" in page
    # typing on: the next save carries the version the last one answered
    response = autosave(client, assignment, fields(desk.call, [7, 6, 5, None], 1))
    assert response.status_code == 200 and response.json["version"] == 2


def test_autosaves_of_one_sitting_write_one_audit_row(desk, client, login_as):
    login_as(desk.juror)
    assignment = desk.assignments[0]
    for version, score in enumerate((3, 4, 5)):
        assert (
            autosave(client, assignment, fields(desk.call, [score] * 4, version)).status_code == 200
        )
    assert draft_rows() == [{"juror_id": desk.juror.id, "autosave": True}]
    # the "Save draft" button is an act of its own
    client.post(f"/jury/assignments/{assignment.id}", data=fields(desk.call, [5] * 4, 3))
    assert len(draft_rows()) == 2
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        assert autosave(client, assignment, fields(desk.call, [6] * 4, 4)).status_code == 200
    assert len(draft_rows()) == 3
    assert review_of(assignment).scores[0].score == 6


def test_a_lost_race_on_a_draft_is_a_409_and_writes_nothing(desk, client, login_as):
    login_as(desk.juror)
    assignment = desk.assignments[0]
    assert autosave(client, assignment, fields(desk.call, [5] * 4, 0)).status_code == 200
    # another tab, still at version 0, saves its draft; then the page's button does
    response = autosave(client, assignment, fields(desk.call, [9] * 4, 0))
    assert response.status_code == 409
    response = client.post(f"/jury/assignments/{assignment.id}", data=fields(desk.call, [9] * 4))
    assert response.status_code == 409 and "another tab" in response.get_data(as_text=True)
    review = review_of(assignment)
    assert review.version == 1 and {s.score for s in review.scores} == {5}
    assert len(draft_rows()) == 1


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ("off the scale", 422, "between 0 and 10"),
        ("not a number", 422, "integer"),
        ("scoring closed", 422, "Scoring is closed"),
        ("submitted", 422, "submitted and locked"),
        ("conflict declared since", 404, None),
    ],
)
def test_a_refused_draft_says_why_and_writes_nothing(
    desk, client, login_as, change, status, message
):
    login_as(desk.juror)
    assignment = desk.assignments[0]
    version, scores = 0, [5] * 4
    if change == "off the scale":
        scores = [11, 5, 5, 5]
    elif change == "not a number":
        scores = ["five", 5, 5, 5]
    elif change == "scoring closed":
        desk.call.scoring_open = False
    elif change == "submitted":
        client.post(
            f"/jury/assignments/{assignment.id}", data=fields(desk.call, scores, 0, action="submit")
        )
        version = 1
    else:
        db.session.add(
            ConflictOfInterest(
                application_id=assignment.application_id, juror_id=desk.juror.id, kind="family"
            )
        )
    db.session.commit()
    before = (
        [(s.score, s.comment) for s in review.scores] if (review := review_of(assignment)) else None
    )
    response = autosave(client, assignment, fields(desk.call, scores, version, comment="New"))
    assert response.status_code == status
    if message:
        assert message in response.json["message"]
    review = review_of(assignment)
    assert ([(s.score, s.comment) for s in review.scores] if review else None) == before


def test_another_jurors_assignment_is_404(desk, client, login_as, make_user):
    other = make_user(Role.JUROR)
    login_as(other)
    response = autosave(client, desk.assignments[0], fields(desk.call, [5] * 4))
    assert response.status_code == 404
    assert review_of(desk.assignments[0]) is None


# Save and next ----------------------------------------------------------------------


def test_save_and_next_goes_on_to_the_next_unscored_dossier(desk, client, login_as):
    login_as(desk.juror)
    first, second, third = desk.assignments

    def save_and_next(assignment, action="next"):
        review = review_of(assignment)
        form = fields(desk.call, [5] * 4, review.version if review else 0, action=action)
        response = client.post(f"/jury/assignments/{assignment.id}", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return response.headers["Location"]

    assert save_and_next(first) == f"/jury/assignments/{second.id}"
    assert save_and_next(second) == f"/jury/assignments/{third.id}"
    # after the last one, back to the first draft left behind (not the list)
    assert save_and_next(third) == f"/jury/assignments/{first.id}"
    # a submission goes on too, and submitted dossiers are skipped
    assert save_and_next(first, "submit") == f"/jury/assignments/{second.id}"
    assert save_and_next(third) == f"/jury/assignments/{second.id}"
    assert save_and_next(second, "submit") == f"/jury/assignments/{third.id}"
    assert save_and_next(third, "submit") == f"/jury/calls/{desk.call.id}/my-dossiers"
