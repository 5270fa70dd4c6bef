"""Action items: the entrepreneur ticks their own and comments; coaches only on their projects."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.coaching import services as coaching
from app.coaching.models import ActionComment, ActionItem
from app.coaching.overview import today
from app.extensions import db
from tests.coaching.conftest import session_data


@pytest.fixture
def items(coach, project):
    coaching.log_session(project, session_data(), actor=coach)
    db.session.commit()
    mine, coachs = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    return mine, coachs


def test_the_entrepreneur_marks_their_own_item_done_and_comments(client, login_as, project, items):
    mine, coachs = items
    login_as(project.applicant)
    page = client.get(f"/coaching/mine/{project.id}").get_data(as_text=True)
    assert "Ask two banks for an offer" in page and "Introduce to the CGEM contact" in page
    assert client.post(f"/coaching/items/{mine.id}/done", data={"done": "1"}).status_code == 302
    response = client.post(
        f"/coaching/items/{mine.id}/comments", data={"body": "BMCE answered, waiting for CIH."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/coaching/mine/{project.id}")
    db.session.expire_all()
    assert mine.done_at is not None and mine.done_by_id == project.applicant_id
    assert [c.body for c in mine.comments] == ["BMCE answered, waiting for CIH."]


def test_the_entrepreneur_cannot_tick_the_coachs_item(client, login_as, project, items):
    _mine, coachs = items
    login_as(project.applicant)
    response = client.post(
        f"/coaching/items/{coachs.id}/done", data={"done": "1"}, follow_redirects=True
    )
    assert "Only your coach can mark the coach" in response.get_data(as_text=True)
    db.session.expire_all()
    assert coachs.done_at is None


def test_another_applicant_cannot_reach_the_items(client, login_as, make_user, project, items):
    mine, _coachs = items
    login_as(make_user("applicant"))
    assert client.post(f"/coaching/items/{mine.id}/done").status_code == 404
    assert (
        client.post(f"/coaching/items/{mine.id}/comments", data={"body": "hi"}).status_code == 404
    )
    assert db.session.scalar(select(func.count()).select_from(ActionComment)) == 0


def test_a_coach_adds_an_item_only_for_an_entrepreneur_they_follow(
    client, login_as, coach, other_coach, project
):
    due = (today() + timedelta(days=5)).isoformat()
    login_as(other_coach)
    response = client.post(
        f"/coaching/projects/{project.id}/items",
        data={"text": "Call me", "owner": "entrepreneur", "due_on": due},
    )
    assert response.status_code == 404
    with pytest.raises(coaching.CoachingError, match="You do not follow this entrepreneur"):
        coaching.add_item(project, {"text": "Call me", "owner": "entrepreneur"}, actor=other_coach)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
    client.post("/logout")
    login_as(coach)
    response = client.post(
        f"/coaching/projects/{project.id}/items",
        data={"text": "Send the lease draft", "owner": "entrepreneur", "due_on": due},
    )
    assert response.status_code == 302
    item = db.session.scalars(select(ActionItem)).one()
    assert (item.text, item.due_on.isoformat()) == ("Send the lease draft", due)


def test_an_item_without_text_or_with_an_unknown_owner_is_refused(coach, project):
    for data, message in [
        ({"text": "  ", "owner": "coach"}, "Describe the action item"),
        ({"text": "x" * 501, "owner": "coach"}, "at most 500"),
        ({"text": "Visit", "owner": "partner"}, "Say who does"),
    ]:
        with pytest.raises(coaching.CoachingError, match=message):
            coaching.add_item(project, data, actor=coach)
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
