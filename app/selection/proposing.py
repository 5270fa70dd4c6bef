"""The proposal read from the database: the call's scored dossiers, their reviews, its
rules. Reads only; the pure arithmetic is app.selection.proposal and
app.selection.stability.

Which dossiers are decided: only those in state ``scored``. While a dossier of the call
is still with the jury (``eligible`` or ``in_review``) the proposal is refused: deciding
without it would silently drop it from the ranking. The call's tie-breaks and balance
rules are columns of the call (edited on the selection's rules page).
"""

from __future__ import annotations

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.applications.models import Application
from app.calls.models import Call
from app.extensions import db
from app.jury.board import submitted_reviews
from app.jury.models import JuryAssignment, Review
from app.jury.ranking import CriterionScale, aggregate_arrays, normalised_totals
from app.selection.errors import SelectionError
from app.selection.proposal import BalanceRule, Candidate, Proposal, TieBreak, propose
from app.selection.stability import selection_probability
from workflows.application import AWAITING_JURY, ApplicationStatus
from workflows.jury import ReviewStatus


def tie_breaks_for(call: Call) -> list[TieBreak]:
    """The call's tie-breaks in order (``call.tie_breaks``), always ending with the earlier
    submission. Without any: the mean on the heaviest criterion (the first of equal
    weights), then the lower standard deviation, then the earlier submission. A rule
    naming a criterion position the call no longer has is left out."""
    by_position = {c.position: c for c in call.criteria}
    rules = []
    for item in call.tie_breaks or []:
        kind = item.get("kind")
        if kind == "criterion_mean":
            criterion = by_position.get(item.get("criterion"))
            if criterion is not None:
                rules.append(TieBreak("criterion_mean", criterion.id))
        elif kind in ("lower_std", "earlier_submission"):
            rules.append(TieBreak(kind))
    if not rules and call.criteria:
        heaviest = max(call.criteria, key=lambda c: (c.weight, -c.position))
        rules = [TieBreak("criterion_mean", heaviest.id), TieBreak("lower_std")]
    if TieBreak("earlier_submission") not in rules:
        rules.append(TieBreak("earlier_submission"))
    return list(dict.fromkeys(rules))


def balance_rules_for(call: Call) -> list[BalanceRule]:
    """The call's balance rules (``call.balance_rules``), in order."""
    return [
        BalanceRule(
            attribute=item["attribute"],
            value=item.get("value") or None,
            kind=item["kind"],
            count=int(item["count"]),
        )
        for item in call.balance_rules or []
    ]


def compute_proposal(call: Call) -> Proposal:
    """The pure proposal for ``call`` from the jury's submitted reviews (nothing written).

    Candidates are the call's ``scored`` dossiers, scored by the call's ranking method
    (raw mean or normalised); quota and reserve size are the call's; tie-breaks are
    :func:`tie_breaks_for`; balance rules :func:`balance_rules_for` on the answers.
    Raises SelectionError while a dossier is still ``eligible`` or ``in_review``, or
    when a scored dossier has no submitted review.
    """
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(AWAITING_JURY))
    )
    if waiting:
        raise SelectionError(
            _l(
                "%(count)s dossiers are still waiting for the jury: "
                "complete their review before the selection.",
                count=waiting,
            )
        )
    rules = balance_rules_for(call)
    attributes = sorted({rule.attribute for rule in rules})
    scored = {}
    profile = {}
    for key, submitted_at, answers in db.session.execute(
        select(Application.id, Application.submitted_at, Application.answers).where(
            Application.call_id == call.id, Application.status == ApplicationStatus.SCORED
        )
    ):
        scored[key] = submitted_at
        answers = answers or {}
        profile[key] = {a: str(answers[a]) for a in attributes if answers.get(a) not in (None, "")}
    scales = [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]
    results = aggregate_arrays(
        scales, *submitted_reviews(call), threshold=call.disagreement_threshold
    )
    unscored = sorted(set(scored) - set(results))
    if unscored:
        raise SelectionError(
            _l("%(count)s scored dossiers have no submitted review.", count=len(unscored))
        )
    candidates = [
        Candidate(
            dossier_id=key,
            score=results[key].score(call.ranking_method),
            std=results[key].std,
            criterion_means=dict(results[key].criterion_means),
            submitted_at=submitted_at,
            attributes=profile[key],
        )
        for key, submitted_at in scored.items()
    ]
    return propose(
        candidates,
        quota=call.quota,
        reserve_size=call.reserve_size,
        tie_breaks=tie_breaks_for(call),
        balance_rules=rules,
    )


def selection_stability(call: Call, proposal: Proposal, *, rounds: int = 1000) -> dict[int, float]:
    """Per dossier of ``proposal``, the probability (0-1) of being selected with another
    jury: a seeded bootstrap over its reviews' totals in the call's ranking method (see
    app.selection.stability). Reads only."""
    rows = db.session.execute(
        select(JuryAssignment.application_id, JuryAssignment.juror_id, Review.total)
        .join(Review, Review.assignment_id == JuryAssignment.id)
        .join(Application, Application.id == JuryAssignment.application_id)
        .where(Application.call_id == call.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(Review.id)
    ).all()
    if not rows or not proposal.entries:
        return {}
    dossiers = np.array([row[0] for row in rows])
    totals = np.array([float(row[2] or 0) for row in rows])
    if call.ranking_method == "normalised":
        totals = normalised_totals(totals, np.array([row[1] for row in rows]))
    ordered = sorted(proposal.entries, key=lambda entry: entry.rank)
    reviews = [totals[dossiers == entry.dossier_id] for entry in ordered]
    probability = selection_probability(
        reviews, quota=call.quota, rounds=rounds, rank_order=[e.rank for e in ordered]
    )
    return {entry.dossier_id: float(p) for entry, p in zip(ordered, probability, strict=True)}
