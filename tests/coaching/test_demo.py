"""``demo --stage coaching``: four coaches with entrepreneurs, months of sessions, items,
milestones; realistic coach and staff pages; no private note on an entrepreneur's pages."""

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.auth.models import User
from app.coaching.models import ActionItem, CoachAssignment, CoachingSession, MilestoneProgress
from app.demo.services import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.coaching.test_privacy import _crawl


@pytest.fixture
def coaching_demo(app):
    summary = load_demo(applications=40, seed=7, stage="coaching")
    db.session.commit()
    return summary


def _login(client, email):
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_coaching_demo_has_coaches_sessions_items_and_milestones(coaching_demo):
    assert "Coaching:" in coaching_demo
    per_coach = dict(
        db.session.execute(
            select(User.email, func.count())
            .join(CoachAssignment, CoachAssignment.coach_id == User.id)
            .where(CoachAssignment.ended_at.is_(None), CoachAssignment.role == "primary")
            .group_by(User.email)
        ).all()
    )
    assert set(per_coach) == {f"coach{n}@example.com" for n in range(1, 5)}
    first, last = db.session.execute(
        select(func.min(CoachingSession.held_on), func.max(CoachingSession.held_on))
    ).one()
    assert (last - first).days > 90  # months of sessions
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) > 20
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(MilestoneProgress)
            .where(MilestoneProgress.reached_on.is_not(None))
        )
        > 10
    )
    statuses = set(db.session.scalars(select(Application.status)))
    assert {"coaching", "completed", "dropped_out", "confirmed"} <= statuses


def test_the_coaching_demo_pages_are_realistic(client, coaching_demo):
    _login(client, "coach1@example.com")
    home = client.get("/coaching/").get_data(as_text=True)  # demo coaches read French
    assert home.count("/coaching/projects/") >= 3
    client.post("/logout")
    _login(client, "staff@example.com")
    call_id = db.session.scalar(select(Application.call_id).limit(1))
    page = client.get(f"/coaching/staff/calls/{call_id}").get_data(as_text=True)
    waiting = page.split('id="waiting"')[1].split("</section>")[0]
    assert waiting.count("/assign") == 2 and page.count("/coaching/projects/") > 10
    stalled = page.split('id="stalled"')[1].split("</section>")[0]
    assert 1 <= stalled.count("/coaching/projects/") <= 5  # a few stalled, not all
    report = client.get(f"/coaching/staff/calls/{call_id}/report")
    assert report.status_code == 200 and report.get_data(as_text=True).count("<svg") >= 5


def test_no_private_note_reaches_a_demo_entrepreneur(client, coaching_demo):
    noted = db.session.execute(
        select(CoachingSession.private_notes, User.email)
        .join(Application, Application.id == CoachingSession.application_id)
        .join(User, User.id == Application.applicant_id)
        .where(CoachingSession.private_notes != "")
        .limit(1)
    ).one()
    _login(client, noted.email)
    pages = _crawl(client, "/my/applications")
    assert any(url.startswith("/coaching/mine/") for url in pages)
    assert not [url for url, body in pages.items() if noted.private_notes in body]
