"""One call carried through its whole life by the services, with a marker planted in
every kind of record of one dossier (the target), and every kind of person around it.

The target dossier T and a second one O go through eligibility, the jury (a juror and a
chair in conflict with T), the selection, their letters and coaching. Each record of T
carries a marker no other record holds, so that a test can ask who reaches it, and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import apply_transition
from app.auth.models import Role, RoleGrant, User
from app.auth.passwords import hash_password
from app.calls.models import DEFAULT_ELIGIBILITY, Call, Criterion
from app.coaching.overview import today
from app.coaching.services import assign_coach, log_session
from app.common.clock import utcnow
from app.documents.models import Document
from app.eligibility.services import declare_eligible, request_information
from app.extensions import db
from app.jury.conflicts import declare_conflict
from app.jury.models import JuryAssignment, JuryMember
from app.jury.scoring import set_scoring_open, submit_review
from app.letters.models import Letter
from app.selection.reserve import confirm_place
from app.selection.services import publish, refresh_draft
from tests.helpers import COMPLETE_ANSWERS, attach_required_documents

PASSWORD = "policy world password"

#: The people around the target dossier: subject name -> (full name, e-mail, roles).
PEOPLE = {
    "owner": ("Yasmina Canarywood", "yasmina.canarywood@example.org", [Role.APPLICANT]),
    "other applicant": ("Omar Oliveapplicant", "omar.oliveapplicant@example.org", [Role.APPLICANT]),
    "unassigned juror": ("Ursula Unassignedjuror", "ursula.unassigned@example.org", [Role.JUROR]),
    "assigned juror": ("Jurgen Assignedjuror", "jurgen.assigned@example.org", [Role.JUROR]),
    "conflicted juror": ("Conrad Conflictedjuror", "conrad.conflicted@example.org", [Role.JUROR]),
    "conflicted chair": ("Clara Conflictedchair", "clara.conflicted@example.org", [Role.CHAIR]),
    "chair": ("Charles Chairperson", "charles.chair@example.org", [Role.CHAIR]),
    "coach": ("Coralie Coachfollowing", "coralie.coach@example.org", [Role.COACH]),
    "other coach": ("Oscar Othercoach", "oscar.othercoach@example.org", [Role.COACH]),
    "staff": ("Stella Staffmember", "stella.staff@example.org", [Role.STAFF]),
}
SUBJECTS = ("anonymous", *PEOPLE)

#: Markers planted in the target dossier's records (lower case: texts are compared so).
TITLE = "canary saffron cooperative"
DOCUMENT_NAME = "canary-passport-scan.pdf"
REVIEW_COMMENT = "canary-review-comment"
CONFLICT_NOTE = "canary-conflict-note"
INFORMATION_REQUEST = "canary-information-request"
SESSION_SUMMARY = "canary-session-summary"
PRIVATE_NOTE = "canary-private-note"


@dataclass
class World:
    call: Call
    target: Application
    other: Application
    users: dict[str, User]
    letter_code: str


def _person(name: str, email: str, roles) -> User:
    user = User(email=email, full_name=name, password_hash=hash_password(PASSWORD), locale="en")
    user.grants = [RoleGrant(role=str(role)) for role in roles]
    db.session.add(user)
    return user


def _call() -> Call:
    now = utcnow()
    call = Call(
        reference="POL-2026",
        name="Policy call",
        description="A call to test who sees what.",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=30),
        eligibility=dict(DEFAULT_ELIGIBILITY),
        quota=2,
        reserve_size=0,
        jurors_per_dossier=1,
        criteria=[
            Criterion(position=1, name="Team", weight=50),
            Criterion(position=2, name="Project", weight=50),
        ],
    )
    db.session.add(call)
    return call


def _submitted(call: Call, applicant: User, title: str) -> Application:
    application = Application(
        call=call, applicant=applicant, answers={**COMPLETE_ANSWERS, "project_title": title}
    )
    db.session.add(application)
    db.session.flush()
    attach_required_documents(application)
    apply_transition(application, "submit", actor=applicant)
    return application


def _review(assignment: JuryAssignment, juror: User, comment: str) -> None:
    criteria = assignment.application.call.criteria
    data = {
        "scores": {criterion.id: 8 for criterion in criteria},
        "comments": {criterion.id: comment for criterion in criteria},
        "overall_comment": comment,
        "private_notes": "",
    }
    submit_review(assignment, data, actor=juror, expected_version=0)


def build_world(*, until: str = "coaching") -> World:
    """Carry the call from submission to coaching through the services, or ``until``
    "deliberation" (scored, the chair's proposal computed, nothing published); commit."""
    users = {subject: _person(*PEOPLE[subject]) for subject in PEOPLE}
    call = _call()
    db.session.flush()
    target = _submitted(call, users["owner"], TITLE.title())
    other = _submitted(call, users["other applicant"], "Olive Oil Atelier")
    document = db.session.scalar(select(Document).where(Document.application_id == target.id))
    document.original_name = DOCUMENT_NAME
    staff = users["staff"]
    request_information(
        target,
        actor=staff,
        fields=["project_title"],
        documents=[],
        message=INFORMATION_REQUEST,
        reply_by=utcnow().date() + timedelta(days=10),
    )
    apply_transition(target, "resubmit", actor=users["owner"])
    for application in (target, other):
        declare_eligible(application, actor=staff, justification="")
    for subject in ("unassigned juror", "assigned juror", "conflicted juror"):
        db.session.add(JuryMember(call_id=call.id, user_id=users[subject].id))
    for subject in ("chair", "conflicted chair"):
        db.session.add(JuryMember(call_id=call.id, user_id=users[subject].id, is_chair=True))
    db.session.flush()
    declare_conflict(
        target, {"kind": "family", "note": CONFLICT_NOTE}, actor=users["conflicted juror"]
    )
    declare_conflict(target, {"kind": "business_partner"}, actor=users["conflicted chair"])
    on_target = JuryAssignment(application_id=target.id, juror_id=users["assigned juror"].id)
    on_other = JuryAssignment(application_id=other.id, juror_id=users["conflicted juror"].id)
    db.session.add_all([on_target, on_other])
    db.session.flush()
    for application in (target, other):
        apply_transition(application, "start_review", actor=staff)
    set_scoring_open(call, True, actor=staff)
    _review(on_target, users["assigned juror"], REVIEW_COMMENT)
    _review(on_other, users["conflicted juror"], "olive-review-comment")
    set_scoring_open(call, False, actor=staff)
    refresh_draft(call, actor=users["chair"])
    if until == "deliberation":
        db.session.commit()
        return World(call, target, other, users, "")
    publish(call, actor=users["chair"])
    for application, coach in ((target, "coach"), (other, "other coach")):
        confirm_place(application, actor=application.applicant)
        assign_coach(application, users[coach], "primary", actor=staff)
    log_session(
        target,
        {
            "held_on": today(),  # the programme's day (Brussels), as the form checks it
            "duration_minutes": 60,
            "mode": "video",
            "place": "online",
            "summary": SESSION_SUMMARY,
            "private_notes": PRIVATE_NOTE,
        },
        actor=users["coach"],
    )
    db.session.commit()
    letter = db.session.scalar(
        select(Letter).where(Letter.application_id == target.id, Letter.outcome == "selected")
    )
    return World(call, target, other, users, letter.verification_code)
