"""The dashboard's application figures are those of its dossiers counted one by one:
states, submissions per Brussels day (winter and summer time), every breakdown of the
call's form and the age bands; read in the same statements for 1 dossier or 60."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.access.policy import in_conflict
from app.applications.models import Application
from app.auth.models import Role
from app.common.bulk_rows import COPY_FROM, insert_rows
from app.common.clock import to_brussels
from app.dashboard.models import DashboardFigures
from app.dashboard.reports import AGE, Reports
from app.dashboard.stats import UNANSWERED, age_band
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.dashboard.conftest import add_dossier
from tests.helpers import QueryCounter

STATES = ["draft", "submitted", "ineligible", "in_review", "scored", "withdrawn"]
#: Submission times either side of midnight in Brussels, in winter (UTC+1) and summer (UTC+2).
TIMES = [
    datetime(2026, 1, 14, 22, 59, tzinfo=UTC),
    datetime(2026, 1, 14, 23, 0, tzinfo=UTC),
    datetime(2026, 7, 14, 21, 59, tzinfo=UTC),
    datetime(2026, 7, 14, 22, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night the clocks go forward
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # and back
]


def _answers(rng: random.Random) -> dict:
    answers = {
        "sector": rng.choice(["A", "C", "J", ""]),
        "moroccan_region": rng.choice(["Souss-Massa", "Oriental", "Fès-Meknès"]),
        "channel": rng.choice(["press", "partner", "info_session"]),
        "gender": rng.choice(["F", "M", "X"]),
        "birth_date": rng.choice(["1999-05-01", "1985-12-31", "1970-01-01", "not a date"]),
    }
    for name in rng.sample(sorted(answers), 2):  # some questions left unanswered
        del answers[name]
    return answers


def add_dossiers(call, count: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    dossiers = []
    for n in range(count):
        status = STATES[n % len(STATES)]
        when = TIMES[n % len(TIMES)] + timedelta(days=rng.randint(0, 3))
        dossiers.append(add_dossier(call, status, answers=_answers(rng), submitted_at=when))
    db.session.commit()
    return dossiers


def counted_one_by_one(reports: Reports, dossiers: list) -> tuple:
    """The figures, counted in Python from each dossier."""
    closing_day = to_brussels(reports.call.closes_at).date()
    by_state = Counter(d.status for d in dossiers)
    submitted = [d for d in dossiers if d.submitted_at is not None]
    per_day = Counter(to_brussels(d.submitted_at).date() for d in submitted)
    profile = {}
    for key, breakdown in reports.profiles.items():
        if key == AGE:
            values = [age_band(d.answers.get("birth_date"), closing_day) for d in submitted]
        else:
            values = [d.answers.get(breakdown.question.name) or UNANSWERED for d in submitted]
        profile[key] = Counter(values)
    return by_state, per_day, profile


@pytest.mark.parametrize("count", [1, 60])
def test_the_figures_are_the_dossiers_counted_one_by_one(app, make_call, make_user, count):
    call = make_call("FIGURES-2026")
    dossiers = add_dossiers(call, count)
    with app.test_request_context():
        reports = Reports(call, make_user(Role.STAFF))
        stats = reports.applications
        by_state, per_day, profile = counted_one_by_one(reports, dossiers)
    assert {state: n for state, n in stats.by_state.items() if n} == dict(by_state)
    assert stats.per_day == per_day
    assert stats.profile == profile
    assert set(profile) == {"by-gender", "by-sector", "by-moroccan_region", "by-channel", AGE}


def test_the_dashboard_costs_the_same_statements_for_1_and_60_dossiers(
    client, make_call, make_user, login_as
):
    one, many = make_call("ONE-2026"), make_call("MANY-2026")
    add_dossiers(one, 1)
    add_dossiers(many, 60)
    login_as(make_user(Role.STAFF))
    counts = []
    for call in (one, many):
        client.get(f"/dashboard/calls/{call.id}")  # the jury's figures computed once
        with QueryCounter(db.engine) as counter:
            response = client.get(f"/dashboard/calls/{call.id}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10


def _figures_and_counted(app, call, viewer) -> tuple:
    """The dashboard's figures for ``viewer`` (committing what the read kept, as the view
    does) and those of the dossiers ``viewer`` may read, counted one by one."""
    with app.test_request_context():
        reports = Reports(call, viewer)
        stats = reports.applications
        db.session.commit()
        db.session.expire_all()
        readable = [
            d
            for d in db.session.scalars(select(Application).where(Application.call_id == call.id))
            if not in_conflict(viewer, d.id) or d.applicant_id == viewer.id
        ]
        expected = counted_one_by_one(reports, readable)
    shown = ({state: n for state, n in stats.by_state.items() if n}, stats.per_day, stats.profile)
    return shown, (dict(expected[0]), expected[1], expected[2])


def test_the_kept_figures_follow_every_change_of_the_dossiers(app, make_call, make_user):
    call = make_call("KEPT-2026")
    staff = make_user(Role.STAFF)
    dossiers = add_dossiers(call, 24)
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    # Changed through the ORM, one at a time: a state, a submission, answers, a new
    # draft, a deletion.
    changes = [
        lambda: setattr(dossiers[0], "status", "in_review"),
        lambda: setattr(dossiers[6], "submitted_at", TIMES[2]),
        lambda: setattr(dossiers[1], "answers", {**dossiers[1].answers, "gender": "F"}),
        lambda: add_dossier(call, "draft", answers={"gender": "M"}),
        lambda: db.session.delete(dossiers[12]),
    ]
    for change in changes:
        change()
        db.session.commit()
        shown, counted = _figures_and_counted(app, call, staff)
        assert shown == counted
    # Changed by a bulk statement, which says nothing of its call.
    db.session.execute(
        update(Application)
        .where(Application.call_id == call.id, Application.status == "draft")
        .values(status="withdrawn")
    )
    db.session.commit()
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    assert "draft" not in shown[0]


def test_a_change_rolled_back_leaves_the_kept_figures_fresh(app, make_call, make_user):
    call = make_call("ROLLBACK-2026")
    staff = make_user(Role.STAFF)
    dossiers = add_dossiers(call, 6)
    _figures_and_counted(app, call, staff)
    before = db.session.get(DashboardFigures, call.id).version
    dossiers[0].status = "withdrawn"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert db.session.get(DashboardFigures, call.id).version == before


def test_a_staff_member_in_conflict_counts_without_that_dossier(app, make_call, make_user):
    call = make_call("CONFLICT-2026")
    staff, other = make_user(Role.STAFF), make_user(Role.STAFF)
    dossiers = add_dossiers(call, 12)
    db.session.add(
        ConflictOfInterest(application_id=dossiers[1].id, juror_id=staff.id, kind="family")
    )
    db.session.commit()
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    assert sum(shown[0].values()) == 11
    shown, counted = _figures_and_counted(app, call, other)
    assert shown == counted
    assert sum(shown[0].values()) == 12


def test_a_new_closing_date_counts_the_age_bands_again(app, make_call, make_user):
    call = make_call("AGES-2026")
    staff = make_user(Role.STAFF)
    add_dossiers(call, 12)
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    call.closes_at = call.closes_at + timedelta(days=365 * 30)  # everyone older
    db.session.commit()
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    assert "< 25" not in shown[2][AGE]


def test_dossiers_written_in_bulk_are_counted(app, make_call, make_user):
    """Rows copied in (COPY on PostgreSQL, which no listener hears) or inserted in bulk
    make every call's kept figures stale."""
    call = make_call("BULK-2026")
    staff = make_user(Role.STAFF)
    dossiers = add_dossiers(call, 3)
    _figures_and_counted(app, call, staff)
    table = Application.__table__
    model = db.session.execute(select(table).where(table.c.id == dossiers[0].id)).mappings().one()
    applicants = [make_user(Role.APPLICANT) for _ in range(COPY_FROM)]
    copies = [
        {**model, "number": None, "reference": None, "status": "withdrawn", "applicant_id": a.id}
        for a in applicants
    ]
    insert_rows(table, [{k: v for k, v in row.items() if k != "id"} for row in copies])
    db.session.commit()
    shown, counted = _figures_and_counted(app, call, staff)
    assert shown == counted
    assert shown[0]["withdrawn"] >= COPY_FROM
