"""What staff's eligibility queue shows: the call's dossiers waiting for a decision,
with the worst outcome of their rules, their information requests and proposals.

Read-only; the dossiers are those the viewer may read
(:func:`app.access.scopes.visible_applications`): a staff member in conflict with a
dossier does not find it here.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.access.scopes import visible_applications
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import BRUSSELS, utcnow
from app.eligibility.models import (
    DecisionStatus,
    EligibilityDecision,
    InformationRequest,
    RuleOutcome,
)
from app.eligibility.rule_sets import rule_set, rule_titles
from app.eligibility.rules import FAIL, NEEDS_INFORMATION, PASS, SEVERITY
from app.extensions import db
from workflows.application import TO_CHECK, ApplicationStatus

PER_PAGE = 50
#: The outcome of each severity (a dossier never checked counts as needing information).
OUTCOME_OF_SEVERITY = {severity: outcome for outcome, severity in SEVERITY.items()}


def _severity():
    """The severity of the worst rule outcome of the dossier of the enclosing query
    (NULL when it was never checked).

    A subquery correlated with the dossier, read through the index on
    ``rule_outcomes.application_id`` for each dossier listed: its cost grows with the
    dossiers of the call, whatever the planner knows. (A join with the outcomes
    aggregated per dossier was planned, before PostgreSQL had statistics, as a nested
    loop comparing every dossier with every aggregated row: 2.2 million pairs at
    5,000 applications, issue 19.)"""
    severity = case(
        (RuleOutcome.outcome == FAIL, SEVERITY[FAIL]),
        (RuleOutcome.outcome == NEEDS_INFORMATION, SEVERITY[NEEDS_INFORMATION]),
        else_=SEVERITY[PASS],
    )
    return (
        select(func.max(severity))
        .where(RuleOutcome.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )


def queue(viewer: User, call: Call, wanted: str, page_number: int) -> dict:
    """Everything the queue page shows: the counts by verdict, then one page of the
    dossiers with the verdict ``wanted`` (all when empty)."""
    severity = _severity()
    waiting = visible_applications(viewer, call).where(Application.status.in_(TO_CHECK))
    tally = waiting.with_only_columns(severity.label("severity")).subquery()
    counts = {PASS: 0, NEEDS_INFORMATION: 0, FAIL: 0}
    for worst, number in db.session.execute(
        select(tally.c.severity, func.count()).group_by(tally.c.severity)
    ):
        counts[OUTCOME_OF_SEVERITY.get(worst, NEEDS_INFORMATION)] += number
    if wanted in SEVERITY:
        waiting = waiting.where(severity == SEVERITY[wanted])
    page = (
        waiting.with_only_columns(Application.id)
        .order_by(Application.number)
        .limit(PER_PAGE)
        .offset((page_number - 1) * PER_PAGE)
    )
    ids = list(db.session.scalars(page))
    return {
        "counts": counts,
        "wanted": wanted,
        "page_number": page_number,
        "rule_labels": rule_titles(rule_set(call)),
        **_rows(ids),
    }


def _rows(ids: list[int]) -> dict:
    """What the queue shows of these dossiers, in four queries."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(joinedload(Application.applicant))
        .order_by(Application.number)
    ).all()
    failing: dict[int, list[tuple[str, str]]] = {}
    for application_id, rule, outcome in db.session.execute(
        select(RuleOutcome.application_id, RuleOutcome.rule, RuleOutcome.outcome).where(
            RuleOutcome.application_id.in_(ids), RuleOutcome.outcome != PASS
        )
    ):
        failing.setdefault(application_id, []).append((rule, outcome))
    requests = {
        r.application_id: r
        for r in db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.application_id.in_(ids))
            .order_by(InformationRequest.id)
        )
    }
    proposals = set(
        db.session.scalars(
            select(EligibilityDecision.application_id).where(
                EligibilityDecision.application_id.in_(ids),
                EligibilityDecision.status == DecisionStatus.PROPOSED,
            )
        )
    )
    return {
        "applications": applications,
        "failing": failing,
        "requests": requests,
        "proposals": proposals,
        "today": utcnow().astimezone(BRUSSELS).date(),
    }


def all_passing(viewer: User, call: Call) -> list[Application]:
    """The submitted dossiers of ``call`` whose rules all pass (for "confirm all")."""
    return db.session.scalars(
        visible_applications(viewer, call)
        .where(
            Application.status == ApplicationStatus.SUBMITTED,
            _severity() == SEVERITY[PASS],
        )
        .options(joinedload(Application.applicant))
        .order_by(Application.number)
    ).all()
