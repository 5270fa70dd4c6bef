"""Staff's and jurors' decisions in the demo, in bulk (see app.demo.bulk): eligible
declarations as :func:`app.eligibility.services.declare_eligible` makes them, reviews as
:mod:`app.jury.scoring` writes them, with their audit rows, in the order the demo makes
them (so the ids are the same for a seed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, update

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.demo.bulk import (
    RuleRunner,
    audit_row,
    expire_dossiers,
    insert_audit,
    insert_rows,
    inserted_ids,
    transition_row,
)
from app.eligibility.models import DecisionStatus, EligibilityDecision, RuleOutcome
from app.events import Event
from app.extensions import db
from app.jury.models import CriterionScore, Review
from app.jury.ranking import CriterionScale, review_total
from workflows.application import ApplicationStatus, Trigger
from workflows.jury import ReviewStatus


class Eligible:
    """Staff's ``declare_eligible`` on many dossiers whose rules all pass, as
    :func:`app.eligibility.services.declare_eligible` does it: the rules run again
    (their outcomes replaced), a final decision, the transition and its audit row.
    Collect with :meth:`add`, write with :meth:`write` (before any service writes
    another row of these tables, so that the ids keep their order)."""

    def __init__(self, call: Call, staff: User) -> None:
        self.call, self.staff, self.rules = call, staff, RuleRunner(call)
        self.pending: list = []

    def add(self, row, kinds: list[str]) -> bool:
        """Plan ``row`` (id, answers, submitted_at, status, version); False when a rule
        does not pass (the service then asks for a justification: call it instead)."""
        results, outcomes = self.rules.outcomes(
            row.id, row.answers, kinds, row.submitted_at or utcnow(), None
        )
        if any(result.outcome != "pass" for result in results):
            return False
        self.pending.append((row, outcomes))
        return True

    def write(self) -> None:
        if not self.pending:
            return
        now = utcnow()
        decisions, audit, outcomes, changes = [], [], [], []
        for row, rows in self.pending:
            outcomes += [{**outcome, "checked_at": now} for outcome in rows]
            decisions.append(
                {
                    "application_id": row.id,
                    "outcome": str(ApplicationStatus.ELIGIBLE),
                    "status": str(DecisionStatus.FINAL),
                    "override_justification": "",
                    "decided_by_id": self.staff.id,
                    "confirmed_at": now,
                }
            )
            dossier = _Moving(self.call, row.id, row.status)
            audit.append(
                transition_row(dossier, Trigger.DECLARE_ELIGIBLE, actor_id=self.staff.id, now=now)
            )
            changes.append({"b_id": row.id, "b_status": str(dossier.status)})
        ids = [row.id for row, _rows in self.pending]
        db.session.execute(delete(RuleOutcome).where(RuleOutcome.application_id.in_(ids)))
        insert_rows(RuleOutcome, outcomes)
        insert_rows(EligibilityDecision, decisions)
        table = Application.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status"), version=table.c.version + 1),
            changes,
        )
        insert_audit(audit)
        expire_dossiers(ids)
        self.pending = []


@dataclass
class _Moving:
    """A dossier as the lifecycle sees it for a transition without guards."""

    call: Call
    id: int
    status: str


class Reviews:
    """Jurors' reviews, written as :mod:`app.jury.scoring` writes them: a review with one
    score row per criterion, its weighted total once submitted, and the audit row
    (``review_draft_saved`` or ``review_submitted``) with the juror as actor."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.criteria = list(call.criteria)
        self.scales = [
            CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in self.criteria
        ]
        self.new: list = []  # (assignment, data, submitted)
        self.updates: list = []  # (assignment, review id, data)

    def add(self, assignment, data: dict, *, submitted: bool) -> None:
        """A first save of ``assignment``'s review (submitted, or a draft)."""
        self.new.append((assignment, data, submitted, len(self.new) + len(self.updates)))

    def submit_draft(self, assignment, review_id: int, data: dict) -> None:
        """The submission of the draft ``review_id`` (its version moves on)."""
        self.updates.append((assignment, review_id, data, len(self.new) + len(self.updates)))

    def _values(self, data: dict, submitted: bool, now: datetime) -> dict:
        total = round(review_total(self.scales, data["scores"]), 3) if submitted else None
        return {
            "status": str(ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT),
            "overall_comment": (data.get("overall_comment") or "").strip(),
            "private_notes": (data.get("private_notes") or "").strip(),
            "total": total,
            "submitted_at": now if submitted else None,
            "updated_at": now,
        }

    def _scores(self, data: dict) -> list[dict]:
        return [
            {
                "criterion_id": c.id,
                "score": (data.get("scores") or {}).get(c.id),
                "comment": ((data.get("comments") or {}).get(c.id) or "").strip(),
            }
            for c in self.criteria
        ]

    def _audit(self, assignment, review_id: int, values: dict, now: datetime) -> dict:
        submitted = values["total"] is not None
        data = {"juror_id": assignment.juror_id}
        if submitted:
            data["total"] = float(values["total"])
        return audit_row(
            Event.REVIEW_SUBMITTED if submitted else Event.REVIEW_DRAFT_SAVED,
            actor_id=assignment.juror_id,
            subject=("review", review_id),
            call_id=self.call.id,
            application_id=assignment.application_id,
            data=data,
            now=now,
        )

    def write(self) -> None:
        now = utcnow()
        reviews = [
            {"assignment_id": assignment.id, **self._values(data, submitted, now)}
            for assignment, data, submitted, _order in self.new
        ]
        ids = inserted_ids(Review, reviews)
        scores, audit = [], []
        for (assignment, data, _submitted, order), review_id, values in zip(
            self.new, ids, reviews, strict=True
        ):
            scores += [{"review_id": review_id, **row} for row in self._scores(data)]
            audit.append((order, self._audit(assignment, review_id, values, now)))
        changes, score_changes = [], []
        for assignment, review_id, data, order in self.updates:
            values = self._values(data, True, now)
            changes.append({"b_id": review_id, **{f"b_{k}": v for k, v in values.items()}})
            score_changes += [
                {
                    "b_review": review_id,
                    "b_criterion": row["criterion_id"],
                    "b_score": row["score"],
                    "b_comment": row["comment"],
                }
                for row in self._scores(data)
            ]
            audit.append((order, self._audit(assignment, review_id, values, now)))
        if changes:
            table = Review.__table__
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    **{name[2:]: bindparam(name) for name in changes[0] if name != "b_id"},
                    version=table.c.version + 1,
                ),
                changes,
            )
            scores_table = CriterionScore.__table__
            db.session.execute(
                update(scores_table)
                .where(
                    scores_table.c.review_id == bindparam("b_review"),
                    scores_table.c.criterion_id == bindparam("b_criterion"),
                )
                .values(score=bindparam("b_score"), comment=bindparam("b_comment")),
                score_changes,
            )
        insert_rows(CriterionScore, scores)
        insert_audit([row for _order, row in sorted(audit, key=lambda pair: pair[0])])
        self.new, self.updates = [], []
