"""Demo coaching (``flask --app wsgi demo --stage coaching``): the decided call moved
months into the past, every place confirmed, four coaches with profiles, months of
sessions, action items (some overdue), milestones, a few stalled projects, one
completed and one dropped out."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from app.access.policy import follows_project
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.coaching import services as coaching
from app.coaching.models import CoachAssignment, ItemOwner
from app.coaching.overview import today
from app.common.clock import BRUSSELS
from app.events import Event
from app.extensions import db
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.services import confirm_place
from workflows.application import ApplicationStatus, Trigger
from workflows.coaching import CoachingOutcome, CoachRole

#: How far back the selection is moved, so that coaching has months of history.
MONTHS_BACK = timedelta(days=170)

PROFILES = [
    ("fr,nl,ar", "belgium", 9),
    ("fr,en", "belgium", 8),
    ("fr,ar", "morocco", 8),
    ("ar,fr,en", "morocco", 6),
]

SUMMARIES = [
    "We went through the business plan section by section and tightened the sales forecast.",
    "Prepared the meeting with the bank: the documents to bring and the questions to expect.",
    "Reviewed the statutes drafted by the notary and the steps at the CRI.",
    "Worked on pricing for the Belgian shops and the margins per channel.",
    "Visited two possible premises; compared rent, access and works needed.",
    "Planned the first hire: job description, salary range and where to publish it.",
    "Followed up on the supplier contracts and the delivery schedule.",
    "Discussed the export paperwork and the customs broker's offer.",
]
NOTES = [
    "Seems stretched between the job in Belgium and the project; check workload next time.",
    "The partner is hesitant about the capital split; keep an eye on it.",
    "Confident and well prepared.",
    "",
    "",
]
ITEMS = [
    ("Send the updated financial plan", ItemOwner.ENTREPRENEUR),
    ("Ask two banks for a loan offer", ItemOwner.ENTREPRENEUR),
    ("Book the appointment at the CRI", ItemOwner.ENTREPRENEUR),
    ("Introduce to the CGEM contact in the region", ItemOwner.COACH),
    ("Share the template of the employment contract", ItemOwner.COACH),
    ("Collect three quotes for the works", ItemOwner.ENTREPRENEUR),
]
SOURCES = ["Bank of Africa", "CIH Bank", "Own funds and family", "Tamwilcom guarantee"]
TAGS = ["bank", "notary", "pricing", "export", "customs", "hiring", "premises"]


def add_demo_coaching(call: Call, rng: random.Random) -> str:
    """Turn the decided demo call into one in coaching; return a summary."""
    staff = db.session.scalar(select(User).where(User.email == "staff@example.com"))
    coaches = [
        db.session.scalar(select(User).where(User.email == f"coach{number}@example.com"))
        for number in range(1, 5)
    ]
    for coach, (languages, location, capacity) in zip(coaches, PROFILES, strict=True):
        coaching.save_profile(
            coach,
            {"languages": languages.split(","), "location": location, "capacity": capacity},
            actor=staff,
        )
    for application in _in_state(call, ApplicationStatus.SELECTED):
        confirm_place(application, actor=application.applicant)
    _move_into_the_past(call)

    now = today()
    confirmed = _in_state(call, ApplicationStatus.CONFIRMED)
    waiting = confirmed[-2:] if len(confirmed) > 4 else []
    tally = {"sessions": 0, "items": 0, "milestones": 0}
    for index, application in enumerate(confirmed):
        if application in waiting:
            continue  # staff still have to assign a coach: the page shows them
        coach = coaches[index % len(coaches)]
        coaching.assign_coach(application, coach, CoachRole.PRIMARY, actor=staff)
        if coach in coaches[:2] and rng.random() < 0.4:
            second = coaches[2 + index % 2]
            coaching.assign_coach(application, second, CoachRole.MOROCCO, actor=staff)
        started = now - MONTHS_BACK + timedelta(days=21 + rng.randint(0, 10))
        _backdate_assignments(application, started)
        stalled = index % 7 == 3
        last_gap = rng.randint(25, 40) if stalled else rng.randint(1, 12)
        first_day = started + timedelta(days=rng.randint(2, 8))
        last_day = now - timedelta(days=last_gap)
        days, day = [], last_day
        while day >= first_day:  # every 10 to 21 days, back from the last one
            days.append(day)
            day -= timedelta(days=rng.randint(10, 21))
        for day in reversed(days):
            tally["sessions"] += 1
            tally["items"] += _demo_session(application, coach, day, last_day, rng, stalled)
        tally["milestones"] += _demo_milestones(application, coach, started, now, rng)
    _close_two(call, coaches, rng)
    db.session.flush()
    return (
        f"{tally['sessions']} sessions, {tally['items']} action items, "
        f"{tally['milestones']} milestones reached, {len(waiting)} waiting for a coach"
    )


def _in_state(call: Call, status: str) -> list[Application]:
    return db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status == status)
        .order_by(Application.id)
    ).all()


def _move_into_the_past(call: Call) -> None:
    """Shift the call, its selection and its audit trail MONTHS_BACK into the past."""
    call.opens_at -= MONTHS_BACK
    call.closes_at -= MONTHS_BACK
    ids = select(Application.id).where(Application.call_id == call.id).scalar_subquery()
    db.session.flush()
    for application in db.session.scalars(
        select(Application).where(Application.call_id == call.id)
    ):
        if application.submitted_at is not None:
            application.submitted_at -= MONTHS_BACK
    for entry in db.session.scalars(select(AuditEvent).where(AuditEvent.application_id.in_(ids))):
        entry.created_at -= MONTHS_BACK
    selection = db.session.scalar(select(SelectionRound).where(SelectionRound.call_id == call.id))
    if selection is not None and selection.published_at is not None:
        selection.published_at -= MONTHS_BACK
        db.session.execute(
            update(SelectionDecision)
            .where(SelectionDecision.round_id == selection.id)
            .values(confirm_by=None)
        )
    db.session.flush()


def _backdate_assignments(application: Application, started) -> None:
    """The project's coaches, and the audit rows of their assignment, from ``started``."""
    moment = datetime.combine(started, time(10), tzinfo=BRUSSELS)
    for assignment in db.session.scalars(
        select(CoachAssignment).where(CoachAssignment.application_id == application.id)
    ):
        assignment.started_at = moment
    for entry in db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.application_id == application.id,
            AuditEvent.event.in_([Trigger.START_COACHING, Event.COACH_ASSIGNED]),
        )
    ):
        entry.created_at = moment


def _demo_session(application, coach, day, last_day, rng, stalled: bool) -> int:
    topics = rng.sample(
        ["business_plan", "financing", "legal", "marketing", "operations", "hiring", "network"],
        k=rng.randint(1, 3),
    )
    items = []
    if rng.random() < 0.7:
        text, owner = rng.choice(ITEMS)
        items.append({"text": text, "owner": owner, "due_on": day + timedelta(days=14)})
    session = coaching.log_session(
        application,
        {
            "held_on": day,
            "duration_minutes": rng.choice([45, 60, 60, 90, 120]),
            "mode": rng.choice(["in_person", "in_person", "video", "phone"]),
            "place": rng.choice(["belgium", "belgium", "morocco", "online"]),
            "topics": topics,
            "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
            "summary": rng.choice(SUMMARIES),
            "private_notes": rng.choice(NOTES),
            "next_session_on": day + timedelta(days=14)
            if day == last_day or rng.random() < 0.3
            else None,
            "items": items,
        },
        actor=coach,
    )
    moment = datetime.combine(day, time(18), tzinfo=BRUSSELS)
    session.created_at = session.updated_at = moment
    for item in session.items:
        item.created_at = moment
        # Items past their date are done, except on stalled projects and a rare few
        # elsewhere (overdue); the others are still open.
        if item.due_on < today() and not stalled and rng.random() < 0.98:
            item.done_at = moment + timedelta(days=rng.randint(3, 12))
            mine = item.owner == ItemOwner.ENTREPRENEUR
            item.done_by_id = application.applicant_id if mine else coach.id
    db.session.flush()
    return len(items)


def _demo_milestones(application, coach, started, now, rng) -> int:
    plan = [
        ("company_registered", 30, {"register_number": f"RC {rng.randint(100000, 999999)}"}),
        ("bank_account", 45, {}),
        (
            "financing_secured",
            70,
            {
                "amount_eur": float(rng.choice([15000, 30000, 50000, 80000])),
                "source": rng.choice(SOURCES),
            },
        ),
        ("premises_found", 90, {}),
        ("first_hire", 110, {}),
        ("first_sale", 120, {}),
        ("jobs_created", 140, {"jobs": rng.randint(1, 8)}),
    ]
    reached = 0
    pace = rng.uniform(0.8, 1.6)
    for key, days, facts in plan:
        target = started + timedelta(days=days)
        actual = started + timedelta(days=int(days * pace))
        data = {"target_on": target, "reached_on": actual if actual <= now else None, **facts}
        if data["reached_on"] is None and key == "jobs_created":
            data.pop("jobs")
        if data["reached_on"] is None and target > now + timedelta(days=60):
            continue
        data["evidence_note"] = "Copy received by email." if data["reached_on"] else ""
        coaching.save_milestone(application, key, data, actor=coach)
        reached += data["reached_on"] is not None
    return reached


def _close_two(call: Call, coaches, rng) -> None:
    """One project completed, one dropped out, so that the report shows both."""
    in_coaching = _in_state(call, ApplicationStatus.COACHING)
    if len(in_coaching) < 6:
        return
    completed, dropped = in_coaching[0], in_coaching[1]
    for application, outcome, text in (
        (
            completed,
            CoachingOutcome.COMPLETED,
            "Company running since the spring, first export to Belgium done, four jobs.",
        ),
        (
            dropped,
            CoachingOutcome.DROPPED_OUT,
            "Went back to a full-time job in Belgium; the project is on hold.",
        ),
    ):
        coach = next(c for c in coaches if follows_project(c, application))
        coaching.close_coaching(application, outcome, text, actor=coach)
