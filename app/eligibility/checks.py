"""Running the eligibility rules on dossiers and keeping their outcomes.

The rules are the call's, as data (app.eligibility.rule_sets, judged by
app.eligibility.conditions); this module gives them a dossier's facts and stores what
they say, one dossier at a time (on submission) or a
whole call in bulk. Nobody decides anything here: staff's decisions are in
app.eligibility.services. Functions flush; the caller commits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, select

from app.applications.models import Application
from app.calls.models import Call
from app.common.bulk_rows import insert_rows
from app.common.clock import BRUSSELS, utcnow
from app.documents.models import Document
from app.eligibility.conditions import evaluate_rules
from app.eligibility.models import RuleOutcome
from app.eligibility.rule_sets import rule_set
from app.eligibility.rules import (
    FAIL,
    NEEDS_INFORMATION,
    PASS,
    Context,
    RuleResult,
    verdict,
)
from app.extensions import db
from workflows.application import TO_CHECK


@dataclass(frozen=True)
class CheckSummary:
    dossiers: int
    passed: int
    failed: int
    needs_information: int
    seconds: float


def _context(call: Call, application: Application) -> Context:
    applied = application.submitted_at or utcnow()
    return Context(
        closing_date=call.closes_at.astimezone(BRUSSELS).date(),
        application_date=applied.astimezone(BRUSSELS).date(),
    )


def _facts(application: Application, kinds: list[str]) -> dict:
    return {**(application.answers or {}), "documents": kinds}


def check_application(application: Application) -> list[RuleResult]:
    """Run every rule on one dossier and store the outcomes (replacing earlier ones).

    Returns the results (:func:`~app.eligibility.rules.verdict` sums them up).
    Idempotent: the same dossier gives the same rows.
    """
    kinds = [document.kind for document in application.documents]
    results = evaluate_rules(
        rule_set(application.call),
        _facts(application, kinds),
        _context(application.call, application),
    )
    _store(application.id, results)
    return results


def _store(application_id: int, results) -> None:
    # "fetch": the deleted rows' ids come back (RETURNING) and only their objects leave
    # the session. The default ("evaluate") scans every object the session holds, on each
    # check: quadratic in a long session such as the demo's (issue 19).
    db.session.execute(
        delete(RuleOutcome).where(RuleOutcome.application_id == application_id),
        execution_options={"synchronize_session": "fetch"},
    )
    now = utcnow()
    db.session.add_all(
        RuleOutcome(
            application_id=application_id,
            rule=r.rule,
            outcome=r.outcome,
            template=r.template,
            values=r.values,
            checked_at=now,
        )
        for r in results
    )
    db.session.flush()


def check_call(call: Call) -> CheckSummary:
    """Run the rules on every dossier of ``call`` waiting for a decision, in bulk.

    Reads the dossiers and their document kinds in two queries, replaces their rule
    outcomes with one DELETE and one bulk insert. Idempotent.
    """
    started = time.perf_counter()
    applications = db.session.execute(
        select(Application.id, Application.answers, Application.submitted_at).where(
            Application.call_id == call.id, Application.status.in_(TO_CHECK)
        )
    ).all()
    ids = [row.id for row in applications]
    kinds: dict[int, list[str]] = {}
    for application_id, kind in db.session.execute(
        select(Document.application_id, Document.kind)
        .join(Application)
        .where(Application.call_id == call.id, Application.status.in_(TO_CHECK))
    ):
        kinds.setdefault(application_id, []).append(kind)
    closing = call.closes_at.astimezone(BRUSSELS).date()
    rules = rule_set(call)
    now, rows, tally = utcnow(), [], {PASS: 0, FAIL: 0, NEEDS_INFORMATION: 0}
    for row in applications:
        applied = (row.submitted_at or now).astimezone(BRUSSELS).date()
        facts = {**(row.answers or {}), "documents": kinds.get(row.id, [])}
        results = evaluate_rules(rules, facts, Context(closing, applied))
        tally[verdict(results)] += 1
        rows.extend(_outcome_row(row.id, result, now) for result in results)
    if ids:
        db.session.execute(delete(RuleOutcome).where(RuleOutcome.application_id.in_(ids)))
    insert_rows(RuleOutcome.__table__, rows)  # PostgreSQL: COPY (app.common.bulk_rows)
    return CheckSummary(
        len(ids), tally[PASS], tally[FAIL], tally[NEEDS_INFORMATION], time.perf_counter() - started
    )


def _outcome_row(application_id: int, result: RuleResult, checked_at) -> dict:
    return {
        "application_id": application_id,
        "rule": result.rule,
        "outcome": result.outcome,
        "template": result.template,
        "values": result.values,
        "checked_at": checked_at,
    }


def verdicts(application_ids: list[int]) -> dict[int, str]:
    """The stored verdict of each dossier (None when never checked), in one query."""
    outcomes: dict[int, set[str]] = {}
    for application_id, outcome in db.session.execute(
        select(RuleOutcome.application_id, RuleOutcome.outcome).where(
            RuleOutcome.application_id.in_(application_ids)
        )
    ):
        outcomes.setdefault(application_id, set()).add(outcome)
    return {
        application_id: (
            FAIL if FAIL in found else NEEDS_INFORMATION if NEEDS_INFORMATION in found else PASS
        )
        for application_id, found in outcomes.items()
    }


def outcomes_of(application: Application) -> list[RuleOutcome]:
    """The dossier's stored outcomes, in the order of the call's rules."""
    order = {rule["name"]: index for index, rule in enumerate(rule_set(application.call).rules)}
    rows = db.session.scalars(
        select(RuleOutcome).where(RuleOutcome.application_id == application.id)
    ).all()
    return sorted(rows, key=lambda row: order.get(row.rule, 99))
