"""Demo data of the jury: the MBI jury, a few declared conflicts, the assignment."""

from __future__ import annotations

import random

from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.conflicts import declare_conflict, record_conflict_by_staff
from app.jury.services import add_member, run_assignment
from workflows.application import JURY_STATES

CHAIR = "chair@example.com"
JURORS = [f"juror{number}@example.com" for number in range(1, 10)]
STAFF = "staff@example.com"
#: Languages each demo juror reads, in the order of JURORS.
JUROR_LANGUAGES = ["fr,ar", "fr,nl", "fr,en", "nl,en", "fr,ar,en", "fr", "ar,fr", "nl,fr", "en,fr"]
#: (kind, note, declared by the juror themself?) of the demo conflicts.
DEMO_CONFLICTS = [
    ("family", "My cousin.", True),
    ("business_partner", "We ran a shop together in Molenbeek until 2023.", True),
    ("employer", "The applicant worked in my accounting firm.", True),
    ("investor", "I hold shares in the applicant's company.", False),
    ("other", "Neighbours and close friends for years.", True),
]


def add_demo_jury(call: Call, rng: random.Random) -> None:
    """Make the demo jurors and the chair the jury of ``call``, declare a few conflicts
    (one recorded by staff), and run the automatic assignment.

    The accounts exist already (``app.demo.services``). Conflicts go on dossiers
    before the jury (eligible...), chosen with ``rng``: deterministic for its state.
    Only flushes. Raises AssignmentImpossible if some dossier cannot get its jurors.
    """
    people = {
        user.email: user
        for user in db.session.scalars(select(User).where(User.email.in_([CHAIR, STAFF, *JURORS])))
    }
    staff = people[STAFF]
    add_member(call, people[CHAIR], {"is_chair": True, "languages": "fr,en"}, actor=staff)
    for email, languages in zip(JURORS, JUROR_LANGUAGES, strict=True):
        add_member(call, people[email], {"languages": languages}, actor=staff)
    dossiers = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status.in_(JURY_STATES))
        .order_by(Application.id)
    ).all()
    if dossiers:
        for kind, note, by_juror in DEMO_CONFLICTS:
            juror = people[rng.choice(JURORS)]
            application = rng.choice(dossiers)
            data = {"kind": kind, "note": note}
            if by_juror:
                declare_conflict(application, data, actor=juror)
            else:
                record_conflict_by_staff(application, juror, data, actor=staff)
    run_assignment(call, actor=None)
