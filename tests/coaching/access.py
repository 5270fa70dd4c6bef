"""Who may reach each route of this area: see tests/test_access.py.

The world's owner also has a project in coaching on an earlier call; the world's coach
follows it (a session logged today, an action item of the entrepreneur, a milestone
with an evidence file); ``other_coach`` is a coach who does not follow it. Refused or
invalid POSTs come back with a message (302).
"""

from datetime import timedelta

from app.applications.models import Application
from app.calls.models import Call
from app.coaching.models import ActionItem, CoachAssignment, CoachingSession, MilestoneProgress
from app.common.clock import utcnow
from app.extensions import db
from tests.access_rules import STAFF, only
from tests.helpers import transition_row

FOLLOWING = {"coach"}
FILE = {"coach", "staff"}
ITEM = {"coach", "staff", "owner"}

EXPECTED = {
    "coaching.home": ("GET", only({"coach", "other_coach"})),
    "coaching.project": ("GET", only(FILE)),
    "coaching.new_session": ("GET", only(FOLLOWING)),
    "coaching.edit_session": ("GET", only(FOLLOWING)),
    "coaching.unlock_session": ("POST", only(STAFF, ok=302)),
    "coaching.add_item": ("POST", only(FOLLOWING, ok=302)),
    "coaching.item_done": ("POST", only(ITEM, ok=302)),
    "coaching.comment_item": ("POST", only(ITEM, ok=302)),
    "coaching.milestone": ("GET", only(FILE)),
    "coaching.evidence": ("GET", only(ITEM)),
    "coaching.close": ("POST", only(FILE, ok=302)),
    "coaching.mine": ("GET", only({"owner"})),
    "coaching.staff_call": ("GET", only(STAFF)),
    "coaching.staff_assign": ("POST", only(STAFF, ok=302)),
    "coaching.staff_end_morocco": ("POST", only(STAFF, ok=302)),
    "coaching.staff_settings": ("GET", only(STAFF)),
    "coaching.staff_coaches": ("GET", only(STAFF)),
    "coaching.staff_profile": ("POST", only(STAFF, ok=302)),
    "coaching.report": ("GET", only(STAFF)),
    "coaching.report_export": ("GET", only(STAFF)),
}


def path_values(users, application) -> dict:
    from app.documents import storage
    from app.documents.demo import sample_pdf

    now = utcnow()
    call = Call(
        reference="MBI-2025",
        name="Earlier call",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    project = Application(
        call=call,
        applicant=users["owner"],
        status="coaching",
        answers={"project_title": "Coached bakery", "moroccan_region": "Oriental"},
        number=1,
        reference="MBI-2025-0001",
    )
    db.session.add(project)
    db.session.flush()
    db.session.add(
        transition_row(
            application_id=project.id,
            from_state="scored",
            to_state="selected",
            trigger="select",
            created_at=now - timedelta(days=200),
        )
    )
    db.session.add(
        CoachAssignment(
            application_id=project.id,
            coach_id=users["coach"].id,
            role="primary",
            started_at=now - timedelta(days=100),
        )
    )
    log = CoachingSession(
        application_id=project.id,
        coach_id=users["coach"].id,
        held_on=now.date(),
        duration_minutes=60,
        mode="video",
        place="online",
        summary="Shared summary",
        private_notes="Private notes",
    )
    db.session.add(log)
    db.session.flush()
    item = ActionItem(
        application_id=project.id,
        session_id=log.id,
        text="Open the bank account",
        owner="entrepreneur",
        created_by_id=users["coach"].id,
    )
    evidence = MilestoneProgress(
        application_id=project.id,
        key="first_sale",
        reached_on=now.date(),
        evidence_file=storage.write_file(db.session, sample_pdf("Invoice", ["First sale"])),
        evidence_filename="invoice.pdf",
        evidence_content_type="application/pdf",
    )
    db.session.add_all([item, evidence])
    db.session.flush()
    return {
        "project_id": project.id,
        "log_id": log.id,
        "item_id": item.id,
        "key": "first_sale",
        "coach_id": users["coach"].id,
        "table": "projects",
        "fmt": "csv",
    }
