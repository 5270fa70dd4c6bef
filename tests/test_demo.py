"""The demo: deterministic for a seed, every demo account reaches its home, no page answers
5xx and every page's tab title is plain text."""

import re
from collections import deque

import pytest
from markupsafe import escape
from sqlalchemy import func, select, text

from app.application_forms.versions import call_form
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.demo.bulk import audit_row, insert_audit
from app.demo.programmes import SECOND_CALL
from app.demo.services import DEMO_PASSWORD, load_demo
from app.eligibility.rule_sets import rules_definition
from app.events import Event, signal
from app.extensions import db
from app.jury.models import ScoreSummaryState
from tests.helpers import title_problem

HOMES = {
    "staff@example.com": ("/staff", "Programme"),
    "chair@example.com": ("/jury/", "Jury"),
    "juror1@example.com": ("/jury/", "Jury"),
    "juror9@example.com": ("/jury/", "Jury"),
    "coach1@example.com": ("/coaching/", "My entrepreneurs"),
    "coach4@example.com": ("/coaching/", "My entrepreneurs"),
    "applicant1@example.com": ("/my/applications", "My applications"),
}


def _snapshot():
    rows = db.session.execute(
        select(User.email, User.full_name, Application.status, Application.answers)
        .join(Application, Application.applicant_id == User.id)
        .order_by(User.email)
    ).all()
    return [tuple(row[:3]) + (sorted(row[3].items()),) for row in rows]


@pytest.fixture
def demo(app):
    summary = load_demo(applications=12, seed=7)
    db.session.commit()
    return summary


@pytest.fixture
def scoring_demo(app):
    summary = load_demo(applications=40, seed=7, stage="scoring")
    db.session.commit()
    return summary


def test_the_demo_is_deterministic_for_a_seed(app, demo):
    first = _snapshot()
    from tests.conftest import _empty_tables

    _empty_tables()
    load_demo(applications=12, seed=7)
    db.session.commit()
    assert _snapshot() == first
    _empty_tables()
    load_demo(applications=12, seed=8)
    db.session.commit()
    assert _snapshot() != first


def test_the_demo_has_every_account_and_the_call(app, demo):
    emails = set(db.session.scalars(select(User.email)))
    expected = {"staff@example.com", "chair@example.com"}
    expected |= {f"juror{n}@example.com" for n in range(1, 10)}
    expected |= {f"coach{n}@example.com" for n in range(1, 5)}
    expected |= {f"applicant{n}@example.com" for n in range(1, 13)}
    expected |= {f"green{n}@example.com" for n in range(1, 5)}  # the second programme's
    assert emails == expected
    statuses = dict(
        db.session.execute(
            select(Application.status, func.count()).group_by(Application.status)
        ).all()
    )
    assert set(statuses) == {"draft", "submitted"}
    assert "12 applications" in demo and "GSB-2026 (Green Start Brussels 2026)" in demo


def test_the_second_programme_asks_its_own_form_and_judges_by_its_own_rules(app, demo):
    second = db.session.scalar(select(Call).where(Call.reference == SECOND_CALL))
    form = call_form(second)
    assert [step.slug for step in form.steps] == ["team", "idea", "documents"]
    assert form.questions["cofounder_name"].condition.question == "has_cofounder"
    assert [rule["name"] for rule in rules_definition(second)["rules"]] == [
        "adult_founder",
        "budget_cap",
    ]
    assert [criterion.weight for criterion in second.criteria] == [40, 35, 25]
    dossiers = db.session.scalars(select(Application).where(Application.call_id == second.id))
    for dossier in dossiers:
        assert set(dossier.answers) <= set(form.questions)
        assert "project_title" not in dossier.answers
        if not dossier.answers.get("has_cofounder"):
            assert "cofounder_name" not in dossier.answers


def test_the_demo_refuses_to_load_twice(app, runner, demo):
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "exists already" in result.output
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output


@pytest.mark.parametrize("email", sorted(HOMES))
def test_each_demo_account_logs_in_to_its_home(app, client, demo, email):
    response = client.post(
        "/login",
        data={"email": email, "password": DEMO_PASSWORD},
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    path, heading = HOMES[email]
    assert response.status_code == 200
    assert response.request.path == path
    user = db.session.scalar(select(User).where(User.email == email))
    html = response.get_data(as_text=True)
    assert str(escape(user.full_name)) in html  # logged in as this account
    english = client.post("/language", data={"locale": "en", "next": path}, follow_redirects=True)
    assert f"<h1>{heading}</h1>" in english.get_data(as_text=True)


LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.parametrize("email", sorted(HOMES) + [None])
def test_no_page_reachable_by_following_links_answers_5xx(app, client, demo, email):
    _crawl(client, email)


@pytest.mark.parametrize(
    "email",
    ["staff@example.com", "chair@example.com", "juror1@example.com", "applicant1@example.com"],
)
def test_no_page_of_the_scoring_demo_answers_5xx(app, client, scoring_demo, email):
    assert "reviews submitted" in scoring_demo
    _crawl(client, email, limit=250)


def _crawl(client, email, limit=120):
    if email:
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    seen, queue, visited = {"/"}, deque(["/"]), 0
    while queue and visited < limit:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        assert response.status_code < 500, path
        if response.status_code in (301, 302):
            target = response.headers["Location"]
            if target.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.content_type:
            response.close()
            continue
        html = response.get_data(as_text=True)
        assert title_problem(html) is None, (path, title_problem(html))
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link.startswith("/static/") or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    assert visited > 3


def test_the_decided_demo_publishes_confirms_and_promotes(app):
    from app.audit.models import AuditEvent

    summary = load_demo(applications=120, seed=7, stage="decided")
    db.session.commit()
    statuses = dict(
        db.session.execute(
            select(Application.status, func.count()).group_by(Application.status)
        ).all()
    )
    assert statuses.get("selected", 0) + statuses.get("confirmed", 0) == 30
    assert statuses["declined"] == 1 and statuses["confirmed"] >= 1
    assert statuses["reserve"] >= 1 and statuses["not_selected"] >= 1
    triggers = set(db.session.scalars(select(AuditEvent.event)))
    assert {"select", "place_on_reserve", "reject", "promote", "confirm", "decline"} <= triggers
    assert "declined and replaced from the reserve" in summary


def test_the_demo_command_refreshes_the_planners_statistics(app, runner):
    """After the bulk load the planner knows the tables' sizes (issue 19: without
    statistics PostgreSQL chose a nested loop over millions of row pairs)."""
    result = runner.invoke(args=["demo", "--applications", "6"])
    assert result.exit_code == 0, result.output
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            analysed = connection.execute(
                text(
                    "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                    "WHERE relname = 'applications'"
                )
            ).scalar()
        else:
            analysed = connection.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'applications'")
            ).scalar()
    assert analysed


def test_the_demos_bulk_events_reach_their_subscribers(app, make_call):
    """The demo writes its reviews' audit rows in bulk; the jury's score summary still
    hears ``review_submitted`` (app.demo.bulk.insert_audit), as from the scoring service."""
    call = make_call()
    heard = []

    def receiver(sender, *, entry, **_):
        heard.append((sender, entry.event, entry.call_id))

    signal(Event.REVIEW_SUBMITTED).connect(receiver)
    try:
        row = audit_row(
            Event.REVIEW_SUBMITTED,
            actor_id=None,
            subject=("review", 7),
            call_id=call.id,
            application_id=None,
            data={"total": 70.0},
            now=utcnow(),
        )
        insert_audit([row])
    finally:
        signal(Event.REVIEW_SUBMITTED).disconnect(receiver)
    db.session.commit()
    assert heard == [(("review", 7), "review_submitted", call.id)]
    state = db.session.scalar(select(ScoreSummaryState).where(ScoreSummaryState.call_id == call.id))
    assert state is not None and state.version > state.computed_version  # recomputed when read
    stored = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == 7))
    assert stored.event == "review_submitted" and stored.data == {"total": 70.0}
