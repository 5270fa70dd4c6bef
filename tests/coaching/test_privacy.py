"""Private notes stay with coaches and staff: never on a page, download or export that an
entrepreneur (or a partner, through the exports) can reach."""

import re
from collections import deque
from datetime import timedelta

from app.coaching import services as coaching
from app.coaching.followup import send_digests
from app.coaching.overview import today
from app.extensions import db
from tests.coaching.conftest import session_data
from tests.helpers import outbox_messages

SECRET = "SECRET-NOTE"


def _notes_everywhere(coach, staff, project):
    """A session with private notes, then an edit of them (the audit keeps both)."""
    session = coaching.log_session(project, session_data(), actor=coach)
    coaching.save_milestone(
        project,
        "first_sale",
        {"reached_on": today(), "evidence_note": "Invoice 1"},
        actor=coach,
    )
    db.session.commit()
    coaching.edit_session(
        session,
        session_data(private_notes=f"{SECRET} 2: partner issue"),
        actor=coach,
        expected_version=session.version,
    )
    db.session.commit()
    return session


def _crawl(client, start: str) -> dict[str, str]:
    """Every page reachable by links from ``start`` (GET, same site), with its body."""
    seen, queue, pages = set(), deque([start]), {}
    while queue:
        url = queue.popleft()
        if url in seen or len(seen) > 200:
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data(as_text=response.mimetype.startswith("text"))
        response.close()
        if response.status_code != 200:
            continue
        pages[url] = body if isinstance(body, str) else body.decode("latin-1")
        if response.mimetype != "text/html":
            continue
        for link in re.findall(r'href="(/[^"#]*)', body):
            if not link.startswith("/static/"):
                queue.append(link.replace("&amp;", "&"))
    return pages


def test_no_page_the_entrepreneur_reaches_shows_private_notes(
    client, login_as, coach, staff, project
):
    _notes_everywhere(coach, staff, project)
    login_as(project.applicant)
    pages = _crawl(client, "/my/applications")
    assert f"/coaching/mine/{project.id}" in pages
    assert "We reviewed the financing plan." in pages[f"/coaching/mine/{project.id}"]
    assert any("/evidence" in url or "Invoice 1" in body for url, body in pages.items())
    leaks = [url for url, body in pages.items() if SECRET in body or "Private notes" in body]
    assert leaks == []


def test_coaches_and_staff_read_the_private_notes(client, login_as, coach, staff, project):
    _notes_everywhere(coach, staff, project)
    login_as(staff)
    page = client.get(f"/coaching/projects/{project.id}").get_data(as_text=True)
    assert f"{SECRET} 2: partner issue" in page


def test_no_export_carries_private_notes(client, login_as, runner, coach, staff, project):
    _notes_everywhere(coach, staff, project)
    for name in ("coaching_sessions", "coaching_projects", "coaching_months"):
        result = runner.invoke(args=["export", name, "--call", project.call.reference])
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
    assert (
        "We reviewed the financing plan."
        in runner.invoke(
            args=["export", "coaching_sessions", "--call", project.call.reference]
        ).output
    )
    login_as(staff)
    for table in ("projects", "coaches", "months", "milestones"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/coaching/staff/calls/{project.call_id}/report/{table}.{fmt}")
            assert response.status_code == 200
            assert SECRET.encode() not in response.data


def test_the_digest_never_quotes_private_notes(app, coach, staff, make_project):
    project = make_project(selected_days_ago=100)
    coaching.log_session(
        project,
        session_data(held_on=today() - timedelta(days=40), next_session_on=None),
        actor=coach,
    )
    db.session.commit()
    assert send_digests() == 1
    (message,) = outbox_messages("coaching_digest")  # coaches are also told of assignments
    assert SECRET not in message.body_text
