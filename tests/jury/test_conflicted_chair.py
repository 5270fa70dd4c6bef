"""A chair who declares a conflict with a dossier sees nothing of it any more: not in the
exports, not on the board, not in the dossier's reviews (issue 15, "a conflicted chair
still reads the dossier")."""

from types import SimpleNamespace

import pytest

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember
from app.jury.scoring import submit_review

HIDDEN_COMMENT = "Comment-on-the-conflicted-dossier"
SEEN_COMMENT = "Comment-on-the-other-dossier"


@pytest.fixture
def jury(make_user, make_call, make_application):
    """Two dossiers in review, each reviewed by its own juror; a chair of the call."""
    call = make_call(scoring_open=True)
    chair = make_user(Role.CHAIR, full_name="Chair Person")
    db.session.add(JuryMember(call=call, user=chair, is_chair=True))
    dossiers, jurors = [], []
    for comment in (HIDDEN_COMMENT, SEEN_COMMENT):
        dossier = make_application("eligible", call=call)
        juror = make_user(Role.JUROR)
        db.session.add(JuryMember(call=call, user=juror))
        assignment = JuryAssignment(application=dossier, juror=juror)
        db.session.add(assignment)
        db.session.flush()
        data = {
            "scores": {c.id: 7 for c in call.criteria},
            "comments": {c.id: comment for c in call.criteria},
        }
        submit_review(assignment, data, actor=juror, expected_version=0)
        dossiers.append(dossier)
        jurors.append(juror)
    db.session.commit()
    return SimpleNamespace(call=call, chair=chair, dossiers=dossiers, jurors=jurors)


def _declare(client, jury):
    response = client.post(
        f"/jury/calls/{jury.call.id}/conflicts/{jury.dossiers[0].id}",
        data={"kind": "family", "note": "My cousin."},
    )
    assert response.status_code == 302


def test_the_chair_reads_both_dossiers_before_the_conflict(jury, client, login_as):
    login_as(jury.chair)
    reviews = client.get(f"/jury/calls/{jury.call.id}/reviews.csv").get_data(as_text=True)
    assert HIDDEN_COMMENT in reviews and SEEN_COMMENT in reviews


def test_after_declaring_a_conflict_the_exports_hold_nothing_of_the_dossier(jury, client, login_as):
    login_as(jury.chair)
    _declare(client, jury)
    hidden, seen = jury.dossiers
    reviews = client.get(f"/jury/calls/{jury.call.id}/reviews.csv")
    assignments = client.get(f"/jury/staff/calls/{jury.call.id}/assignments.csv")
    for response in (reviews, assignments):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert hidden.reference not in body
        assert jury.jurors[0].email not in body
        assert HIDDEN_COMMENT not in body
        assert seen.reference in body and jury.jurors[1].email in body
    assert SEEN_COMMENT in reviews.get_data(as_text=True)


def test_after_declaring_a_conflict_the_board_shows_nothing_of_the_dossier(jury, client, login_as):
    login_as(jury.chair)
    _declare(client, jury)
    hidden, seen = jury.dossiers
    board = client.get(f"/jury/calls/{jury.call.id}/board").get_data(as_text=True)
    assert hidden.reference not in board and seen.reference in board
    assert client.get(f"/jury/board/dossiers/{hidden.id}").status_code == 404
    detail = client.get(f"/jury/board/dossiers/{seen.id}").get_data(as_text=True)
    assert SEEN_COMMENT in detail


def test_the_declaration_page_keeps_the_declaration_but_not_the_dossier(jury, client, login_as):
    login_as(jury.chair)
    _declare(client, jury)
    hidden, seen = jury.dossiers
    page = client.get(f"/jury/calls/{jury.call.id}/conflicts").get_data(as_text=True)
    assert hidden.applicant.full_name not in page and seen.applicant.full_name in page
    assert "A dossier you declared a conflict with" in page and "My cousin." in page
    withdraw = f"/jury/calls/{jury.call.id}/conflicts/{hidden.id}/withdraw"
    assert client.post(withdraw).status_code == 302
    page = client.get(f"/jury/calls/{jury.call.id}/conflicts").get_data(as_text=True)
    assert hidden.applicant.full_name in page


def test_a_conflicted_staff_member_sees_nothing_of_the_dossier_either(
    jury, client, login_as, make_user
):
    staff = make_user(Role.STAFF)
    hidden, seen = jury.dossiers
    db.session.add(
        ConflictOfInterest(
            application_id=hidden.id, juror_id=staff.id, kind="family", declared_by_id=staff.id
        )
    )
    db.session.commit()
    login_as(staff)
    for url in (
        f"/jury/calls/{jury.call.id}/reviews.csv",
        f"/jury/staff/calls/{jury.call.id}/assignments.csv",
        f"/jury/calls/{jury.call.id}/board",
        f"/jury/staff/calls/{jury.call.id}/assignments",
        f"/jury/staff/calls/{jury.call.id}/conflicts",
    ):
        body = client.get(url).get_data(as_text=True)
        assert hidden.reference not in body, url
        assert seen.reference in body, url
    assert client.get(f"/jury/board/dossiers/{hidden.id}").status_code == 404
