"""Who may reach each route of this area: see tests/test_access.py.

The world's juror, conflicted juror and chair sit on the jury of the world's call
(the chair as chair); the conflict routes use an eligible dossier of that call.
A refused or invalid POST is sent back with a message (302); the run of the
assignment without its confirmation re-renders the page (200).
"""

from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import Role, RoleGrant, User
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember
from tests.access_rules import STAFF, only
from tests.jury.access_scoring import SCORING_EXPECTED, scoring_path_values

JURY = {"juror", "conflicted", "chair"}

EXPECTED = {
    "jury.home": ("GET", only(JURY)),
    "jury.conflicts": ("GET", only(JURY)),
    "jury.declare_my_conflict": ("POST", only(JURY, ok=302)),
    "jury.withdraw_my_conflict": ("POST", only({"conflicted"}, ok=302)),
    "jury.confirm_no_other_conflict": ("POST", only(JURY, ok=302)),
    "jury.staff_jury": ("GET", only(STAFF)),
    "jury.staff_remove_member": ("POST", only(STAFF, ok=302)),
    "jury.staff_set_chair": ("POST", only(STAFF, ok=302)),
    "jury.staff_conflicts": ("GET", only(STAFF)),
    "jury.staff_withdraw_conflict": ("POST", only(STAFF, ok=302)),
    "jury.staff_assignment": ("GET", only(STAFF)),
    "jury.staff_assignments": ("GET", only(STAFF)),
    "jury.staff_assign": ("POST", only(STAFF, ok=302)),
    "jury.staff_unassign": ("POST", only(STAFF, ok=302)),
    "jury.export_assignments": ("GET", only(STAFF | {"chair"})),
} | SCORING_EXPECTED


def path_values(users, application) -> dict:
    """Jury members (idempotent: another area may add them too), an eligible dossier
    on which the conflicted juror declared a conflict, and a member to act on."""
    call_id = application.call_id
    for role in ("juror", "conflicted", "chair"):
        user = users[role]
        if (
            db.session.scalar(
                select(JuryMember.id).where(
                    JuryMember.call_id == call_id, JuryMember.user_id == user.id
                )
            )
            is None
        ):
            db.session.add(JuryMember(call_id=call_id, user_id=user.id, is_chair=role == "chair"))
    other = User(email="eligible-owner@example.org", full_name="Samira Tazi", password_hash="x")
    other.grants = [RoleGrant(role=str(Role.APPLICANT))]
    dossier = Application(
        call_id=call_id,
        applicant=other,
        status="eligible",
        answers={"project_title": "Saffron shop", "moroccan_region": "Souss-Massa"},
        number=900,
        reference=f"{application.call.reference}-0900",
    )
    db.session.add(dossier)
    db.session.flush()
    conflict = ConflictOfInterest(
        application_id=dossier.id,
        juror_id=users["conflicted"].id,
        kind="family",
        declared_by_id=users["conflicted"].id,
    )
    db.session.add(conflict)
    member = JuryMember(call_id=call_id, user_id=users["coach"].id)
    db.session.add(member)
    db.session.flush()
    assignment_id = db.session.scalar(
        select(JuryAssignment.id).where(
            JuryAssignment.application_id == application.id,
            JuryAssignment.juror_id == users["juror"].id,
        )
    )
    return {
        "dossier_id": dossier.id,
        "conflict_id": conflict.id,
        "member_id": member.id,
        "assignment_id": assignment_id,
    } | scoring_path_values(users, application)
