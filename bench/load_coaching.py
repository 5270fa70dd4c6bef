"""The load test's past call in coaching (run by bench/load_test.py, not on its own).

The load demo stays at the scoring stage (jurors must still score), so the coaches'
entrepreneurs come from a second, past call, MBI-2025: 45 complete applications taken
through the demo's own stages (eligibility, jury, published selection, places confirmed)
and then the coaching demo (``app.coaching.demo.add_demo_coaching``: the call moved
months back, the four demo coaches assigned with the real services, months of sessions,
items and milestones). About 26 project holders end up in coaching, two waiting for a
coach, one completed and one dropped out.

Does nothing when MBI-2025 exists. Needs the load demo (its staff, jurors, chair and
coaches). Usage: ``python bench/load_coaching.py`` with DATABASE_URL etc. of the load
instance in the environment.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.applications.questions import call_template  # noqa: E402
from app.applications.services import apply_transition  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.auth.services import create_user  # noqa: E402
from app.calls.definition import import_definition  # noqa: E402
from app.calls.models import Call  # noqa: E402
from app.coaching.demo import add_demo_coaching  # noqa: E402
from app.common.clock import BRUSSELS, utcnow  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.documents.demo import attach_demo_documents  # noqa: E402
from app.extensions import db  # noqa: E402

PAST_CALL = "MBI-2025"
APPLICATIONS = 45


def add_past_call_in_coaching(applications: int = APPLICATIONS, seed: int = 2025) -> str:
    """Create MBI-2025 and take it to coaching; only flushes. Returns a summary line."""
    if db.session.scalar(select(Call.id).where(Call.reference == PAST_CALL)):
        return f"{PAST_CALL} is there already"
    rng = random.Random(seed)
    password_hash = hash_password(demo.DEMO_PASSWORD)
    # Made like the demo call (from the MBI template); add_demo_coaching moves it months back.
    today = utcnow().astimezone(BRUSSELS).date()
    call = import_definition(
        call_template("mbi"),
        reference=PAST_CALL,
        name="Maghrib Belgium Impulse 2025",
        opens_at=demo._at(today - timedelta(days=45), 9),
        closes_at=demo._at(today + timedelta(days=30), 23, 59),
        source={"imported_from": "app/calls/call_templates/mbi.json"},
        actor=None,
    )
    for number in range(1, applications + 1):
        gender = rng.choice("FM")
        name = f"{rng.choice(demo.FIRST_NAMES[gender])} {rng.choice(demo.LAST_NAMES)}"
        applicant = create_user(
            f"alumnus{number}@example.com",
            name,
            None,
            [Role.APPLICANT],
            locale="fr",
            password_hash=password_hash,
        )
        application = Application(
            call=call, applicant=applicant, answers=demo.demo_answers(rng, name, gender)
        )
        db.session.add(application)
        db.session.flush()
        attach_demo_documents(application, rng)
        if not application.missing_items():
            apply_transition(application, "submit", actor=applicant)
    notes = [
        f"eligibility: {demo._eligibility_stage(call, rng, all_passing=True)}",
        f"jury: {demo._scoring_stage(call, rng)}",
        f"selection: {demo._decided_stage(call, rng)}",
        f"coaching: {add_demo_coaching(call, rng)}",
    ]
    in_coaching = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status == "coaching")
    )
    return f"{PAST_CALL}: {in_coaching} project holders in coaching ({'; '.join(notes)})"


def main() -> None:
    app = create_app()
    with app.app_context():
        summary = add_past_call_in_coaching()
        db.session.commit()
    print(summary)


if __name__ == "__main__":
    main()
