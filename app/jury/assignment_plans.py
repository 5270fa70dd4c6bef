"""Reading what the automatic assignment needs, and what a run did: no writes here.

The counting rule is the one of :mod:`app.jury.services` and :mod:`app.jury.assignment`.
The dossiers it serves are those awaiting the jury (eligible, or in review with a gap:
``workflows.application.AWAITING_JURY``); the conflict pairs of the call are an input
of the plan, never a question of who may see what.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury import assignment as algorithm
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from workflows.application import AWAITING_JURY, ApplicationStatus
from workflows.jury import ReviewStatus


def loads_per_juror(call: Call) -> list[tuple[JuryMember, int, int]]:
    """Each member of the jury (chairs first, then by name) with their number of
    assignments and of submitted reviews, in one query."""
    submitted = func.count(Review.id).filter(Review.status == ReviewStatus.SUBMITTED)
    rows = db.session.execute(
        select(JuryMember, func.count(JuryAssignment.id), submitted)
        .join(User, User.id == JuryMember.user_id)
        .outerjoin(
            JuryAssignment,
            (JuryAssignment.juror_id == JuryMember.user_id)
            & JuryAssignment.application_id.in_(
                select(Application.id).where(Application.call_id == call.id)
            ),
        )
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(JuryMember.call_id == call.id)
        .group_by(JuryMember.id, User.full_name)
        .order_by(JuryMember.is_chair.desc(), User.full_name, JuryMember.id)
    ).all()
    return [(member, load, done) for member, load, done in rows]


@dataclass
class AssignmentSummary:
    """What a run did (or, with problems, why it did nothing)."""

    dossiers: int = 0
    jurors: int = 0
    made: int = 0
    released: int = 0
    started_review: int = 0
    min_load: int = 0
    max_load: int = 0
    balanced: bool = True
    #: (reference, problem) for every dossier that cannot get its jurors.
    problems: list[tuple[str, algorithm.Problem]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """What the run did, as the facts of its audit row."""
        return {
            "dossiers": self.dossiers,
            "jurors": self.jurors,
            "made": self.made,
            "released": self.released,
            "started_review": self.started_review,
        }

    def lines(self) -> list[str]:
        """The summary in plain words (CLI and flash messages)."""
        lines = [
            str(
                _l(
                    "%(dossiers)d dossiers, %(jurors)d jurors: %(made)d assignments made, "
                    "%(released)d released, %(started)d dossiers moved to review.",
                    dossiers=self.dossiers,
                    jurors=self.jurors,
                    made=self.made,
                    released=self.released,
                    started=self.started_review,
                )
            ),
            str(_l("Loads: from %(low)d to %(high)d.", low=self.min_load, high=self.max_load)),
        ]
        if not self.balanced:
            lines.append(
                str(_l("Conflicts or earlier assignments prevent loads within one of each other."))
            )
        lines.extend(problem_text(reference, problem) for reference, problem in self.problems)
        return lines


def problem_text(reference: str, problem: algorithm.Problem) -> str:
    return str(
        _l(
            "%(reference)s needs %(needed)d more juror(s) but only %(candidates)d can take it "
            "(%(conflicted)d in conflict, %(assigned)d already assigned).",
            reference=reference,
            needed=problem.needed,
            candidates=problem.candidates,
            conflicted=problem.conflicted,
            assigned=problem.already_assigned,
        )
    )


def _load_inputs(call: Call):
    """Load everything the algorithm needs in four queries."""
    rows = db.session.execute(
        select(
            Application.id, Application.reference, Application.status, Application.answers
        ).where(Application.call_id == call.id, Application.status.in_(AWAITING_JURY))
    ).all()
    dossiers = [
        algorithm.Dossier(row.id, frozenset((row.answers or {}).get("languages") or ()))
        for row in rows
    ]
    members = db.session.execute(
        select(JuryMember.user_id, JuryMember.languages)
        .join(User, User.id == JuryMember.user_id)
        .where(JuryMember.call_id == call.id, User.active.is_(True))
    ).all()
    jurors = [
        algorithm.Juror(user_id, frozenset(filter(None, (languages or "").split(","))))
        for user_id, languages in members
    ]
    in_call = select(Application.id).where(Application.call_id == call.id)
    conflicts = db.session.execute(
        select(ConflictOfInterest.application_id, ConflictOfInterest.juror_id).where(
            ConflictOfInterest.application_id.in_(in_call)
        )
    ).all()
    existing = db.session.execute(
        select(JuryAssignment.id, JuryAssignment.application_id, JuryAssignment.juror_id, Review.id)
        .outerjoin(Review, Review.assignment_id == JuryAssignment.id)
        .where(JuryAssignment.application_id.in_(in_call))
    ).all()
    return rows, dossiers, jurors, [tuple(pair) for pair in conflicts], existing


def load_plan(call: Call, prefer_language: bool):
    """The plan for ``call`` now, its summary, the existing assignments
    (id, dossier, juror, review id) and the eligible dossiers' ids."""
    rows, dossiers, jurors, conflicts, existing = _load_inputs(call)
    plan = algorithm.plan_assignment(
        dossiers,
        jurors,
        conflicts,
        [algorithm.Existing(a, j, review_id is not None) for _, a, j, review_id in existing],
        call.jurors_per_dossier,
        prefer_language=prefer_language,
    )
    references = {row.id: row.reference or f"#{row.id}" for row in rows}
    summary = AssignmentSummary(
        dossiers=len(dossiers),
        jurors=len(jurors),
        made=len(plan.new),
        released=len(plan.released),
        min_load=min(plan.loads.values(), default=0),
        max_load=max(plan.loads.values(), default=0),
        balanced=plan.balanced,
        problems=[(references[p.dossier_id], p) for p in plan.problems],
    )
    waiting = [row.id for row in rows if row.status == ApplicationStatus.ELIGIBLE]
    return plan, summary, existing, waiting
