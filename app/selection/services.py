"""Every write of the selection: the proposal, the deliberation, publication, the reserve.

Services flush; the caller (request or command) commits once, or rolls everything back
on a :class:`SelectionError` (or any other error): decisions, audit rows and emails go
together or not at all.

Which dossiers are decided: only those in state ``scored``. While a dossier of the call
is still ``eligible`` or ``in_review`` the proposal is refused: deciding without it
would silently drop it from the ranking. The call's tie-breaks and balance rules are
columns of the call (edited on the selection's rules page).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.extensions import db
from app.jury.board import submitted_reviews
from app.jury.models import JuryAssignment, Review
from app.jury.ranking import CriterionScale, aggregate_arrays, normalised_totals
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.proposal import (
    BalanceRule,
    Candidate,
    Override,
    Proposal,
    TieBreak,
    apply_overrides,
    propose,
)
from app.selection.stability import selection_probability
from workflows.application import (
    AWAITING_JURY,
    PLACE_HOLDERS,
    TRIGGER_OF_DECISION,
    ApplicationStatus,
    TransitionRefused,
    Trigger,
)


class SelectionError(Refusal):
    """A refused selection operation; the message is shown to the user."""


class AlreadyPublished(SelectionError):
    """The call's selection is published: its decisions can no longer change."""

    def __init__(self) -> None:
        super().__init__(_l("The selection of this call is already published."))


# Proposal --------------------------------------------------------------------------


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
            Application.call_id == call.id, Application.status == "scored"
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
        .where(Application.call_id == call.id, Review.status == "submitted")
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


# Draft and deliberation ------------------------------------------------------------


def current_round(call: Call, *, lock: bool = False) -> SelectionRound | None:
    """The call's round, if any; ``lock`` takes its row lock (SELECT ... FOR UPDATE)."""
    query = select(SelectionRound).where(SelectionRound.call_id == call.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _label(rule: TieBreak | None) -> str:
    if rule is None:
        return ""
    return f"{rule.kind}:{rule.criterion_id}" if rule.criterion_id else rule.kind


def _rule_dict(rule: BalanceRule) -> dict:
    return {
        "attribute": rule.attribute,
        "value": rule.value,
        "kind": rule.kind,
        "count": rule.count,
    }


def save_draft_round(
    call: Call,
    proposal: Proposal,
    *,
    actor: User | None,
    stability: dict[int, float] | None = None,
) -> SelectionRound:
    """Store ``proposal`` as the call's draft, replacing the decisions of a former draft.

    Writes one SelectionRound (created if needed, with the unmet balance rules) and one
    SelectionDecision per entry (with its ``stability`` and balance ``adjustment``).
    Raises AlreadyPublished once the round is published.
    """
    selection = current_round(call, lock=True)
    if selection is not None and selection.status == "published":
        raise AlreadyPublished()
    if selection is None:
        selection = SelectionRound(call_id=call.id)
        db.session.add(selection)
    selection.created_by_id = actor.id if actor is not None else None
    selection.created_at = utcnow()
    db.session.flush()
    db.session.execute(delete(SelectionDecision).where(SelectionDecision.round_id == selection.id))
    scores = {candidate.dossier_id: candidate.score for candidate in proposal.candidates}
    moves = {}
    for adjustment in proposal.adjustments:
        moves.setdefault(
            adjustment.dossier_id,
            {
                "action": adjustment.action,
                "rule": _rule_dict(adjustment.rule),
                "other_id": adjustment.other_id,
            },
        )
    selection.unsatisfied = [
        {
            "rule": _rule_dict(u.rule),
            "value": u.value,
            "required": u.required,
            "actual": u.actual,
            "reason": u.reason,
        }
        for u in proposal.unsatisfied
    ]
    stability = stability or {}
    rows = [
        {
            "round_id": selection.id,
            "application_id": entry.dossier_id,
            "decision": entry.decision,
            "rank": entry.rank,
            "reserve_position": entry.reserve_position,
            "score": scores[entry.dossier_id],
            "override_justification": entry.override.justification if entry.override else "",
            "pure_decision": entry.pure_decision,
            "tie_break": _label(entry.tie_break),
            "stability": stability.get(entry.dossier_id),
            "adjustment": moves.get(entry.dossier_id),
        }
        for entry in proposal.entries
    ]
    if rows:
        db.session.execute(insert(SelectionDecision), rows)
    db.session.expire(selection, ["decisions"])
    db.session.flush()
    return selection


def _stored_overrides(selection: SelectionRound | None) -> list[Override]:
    if selection is None:
        return []
    return [
        Override(d.application_id, d.decision, d.override_justification)
        for d in selection.decisions
        if d.override_justification
    ]


def _ids(proposal: Proposal) -> set[int]:
    return {entry.dossier_id for entry in proposal.entries}


def refresh_draft(call: Call, *, actor: User | None) -> Proposal:
    """Recompute the proposal, re-apply the overrides kept in the draft, store it.

    Raises as :func:`compute_proposal` and :func:`save_draft_round`, and SelectionError
    when a kept override no longer fits the new ranking.
    """
    selection = current_round(call)
    if selection is not None and selection.status == "published":
        raise AlreadyPublished()
    proposal = compute_proposal(call)
    kept = [o for o in _stored_overrides(selection) if o.dossier_id in _ids(proposal)]
    stability = selection_stability(call, proposal)
    try:
        proposal = apply_overrides(proposal, kept) if kept else proposal
    except ValueError as error:
        raise SelectionError(str(error)) from error
    save_draft_round(call, proposal, actor=actor, stability=stability)
    return proposal


def override(
    call: Call, application_id: int, decision: str, justification: str, *, actor: User | None
) -> Proposal:
    """The chair moves a dossier to ``decision``, with a written ``justification``.

    Recomputes the proposal, re-applies the overrides already in the draft, then this
    one (app.selection.proposal.apply_overrides), and stores the result as the draft:
    the justification is kept on the dossier's decision. Moving a dossier into a full
    selection is refused: move another one out first. Raises SelectionError (blank
    justification, unknown dossier or decision, quota or reserve exceeded),
    AlreadyPublished, and as :func:`compute_proposal`.
    """
    if not (justification or "").strip():
        raise SelectionError(_l("Moving a dossier needs a written justification."))
    selection = current_round(call)
    if selection is not None and selection.status == "published":
        raise AlreadyPublished()
    proposal = compute_proposal(call)
    stability = {d.application_id: d.stability for d in selection.decisions} if selection else {}
    if any(stability.get(key) is None for key in _ids(proposal)):
        stability = selection_stability(call, proposal)
    kept = [
        o
        for o in _stored_overrides(selection)
        if o.dossier_id in _ids(proposal) and o.dossier_id != application_id
    ]
    try:
        if kept:
            proposal = apply_overrides(proposal, kept)
        proposal = apply_overrides(
            proposal, [Override(application_id, decision, justification.strip())]
        )
    except ValueError as error:
        raise SelectionError(str(error)) from error
    save_draft_round(call, proposal, actor=actor, stability=stability)
    return proposal


# Publication -----------------------------------------------------------------------


def _counts(decisions) -> dict[str, int]:
    counts = {decision: 0 for decision in TRIGGER_OF_DECISION}
    for decision in decisions:
        counts[decision.decision] += 1
    return counts


def places_taken(call: Call) -> int:
    """The call's dossiers holding a place (selected, confirmed, and later states)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(PLACE_HOLDERS))
    )


def publish(call: Call, *, actor: User | None) -> dict[str, int]:
    """Apply the call's draft to every dossier at once; return the counts per decision.

    Locks the round's row (SELECT ... FOR UPDATE, so two publishers queue up) and checks
    it is still a draft, then for each decision fires ``select``, ``place_on_reserve`` or
    ``reject`` through apply_transition (one audit row each, note = the override's
    justification if any) and queues one ``selection_decision`` email per applicant;
    marks the round published by ``actor`` (None: the system). Everything is flushed,
    not committed: a failure half-way leaves nothing once the caller rolls back.

    Raises AlreadyPublished (the second publisher finds it so), SelectionError (no draft,
    a draft out of date with the dossiers, more selected than the quota, a lifecycle
    refusal), and ApplicationError from apply_transition (an actor who is not a chair).
    """
    selection = current_round(call, lock=True)
    if selection is None:
        raise SelectionError(_l("There is no selection proposal to publish for this call."))
    if selection.status == "published":
        raise AlreadyPublished()
    decisions = db.session.scalars(
        select(SelectionDecision)
        .where(SelectionDecision.round_id == selection.id)
        .options(joinedload(SelectionDecision.application).joinedload(Application.applicant))
        .order_by(SelectionDecision.rank)
    ).all()
    counts = _counts(decisions)
    if counts["selected"] > call.quota:
        raise SelectionError(_l("The proposal selects more dossiers than the quota."))
    scored = set(
        db.session.scalars(
            select(Application.id).where(
                Application.call_id == call.id, Application.status == "scored"
            )
        )
    )
    if scored != {d.application_id for d in decisions}:
        raise SelectionError(
            _l("The dossiers changed since the proposal was saved: compute it again.")
        )
    confirm_by = utcnow() + timedelta(days=call.confirmation_days)
    for decision in decisions:
        application = decision.application
        if decision.decision == "selected":
            decision.confirm_by = confirm_by
        apply_transition(
            application,
            TRIGGER_OF_DECISION[decision.decision],
            actor=actor,
            note=decision.override_justification or None,
            email_context=_decision_context(decision),
            flush=False,
        )
    flush_transitions()
    selection.status = "published"
    selection.published_by_id = actor.id if actor is not None else None
    selection.published_at = utcnow()
    db.session.flush()
    if places_taken(call) > call.quota:
        raise SelectionError(_l("Publishing would select more dossiers than the quota."))
    return counts


def _decision_context(decision: SelectionDecision) -> dict:
    """What the applicant's decision e-mail says beside the outcome."""
    return {"rank": decision.rank, "reserve_position": decision.reserve_position}


# After publication -----------------------------------------------------------------


def confirm_place(application: Application, *, actor: User) -> None:
    """The selected applicant (``actor``, the owner) confirms their place.

    Fires ``confirm`` through apply_transition (audit row). Raises NotPermitted (not the
    owner) and SelectionError (the application is not selected).
    """
    try:
        apply_transition(application, "confirm", actor=actor)
    except TransitionRefused as error:
        raise SelectionError(_l("Only a selected application can be confirmed.")) from error


def decline_place(application: Application, *, actor: User) -> list[Application]:
    """The selected applicant (``actor``, the owner) declines their place; the reserve
    fills it: returns the promoted applications (see :func:`promote_from_reserve`).

    Fires ``decline`` through apply_transition (audit row), which refills the place.
    Raises NotPermitted (not the owner) and SelectionError (the application is not
    selected).
    """
    waiting = _on_reserve(application.call)
    try:
        apply_transition(application, Trigger.DECLINE, actor=actor)
    except TransitionRefused as error:
        raise SelectionError(_l("Only a selected application can be declined.")) from error
    return [a for a in waiting if a.status == ApplicationStatus.SELECTED]


def _on_reserve(call: Call) -> list[Application]:
    """The call's dossiers waiting on the reserve list, best position first."""
    return list(
        db.session.scalars(
            select(Application)
            .join(SelectionDecision, SelectionDecision.application_id == Application.id)
            .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
            .where(
                SelectionRound.call_id == call.id, Application.status == ApplicationStatus.RESERVE
            )
            .order_by(SelectionDecision.reserve_position, SelectionDecision.rank)
        )
    )


def promote_from_reserve(call: Call, *, actor: User | None = None) -> list[Application]:
    """Fill the call's free places from the reserve, best reserve position first.

    While fewer than ``call.quota`` dossiers hold a place (:data:`PLACE_HOLDERS`), fires
    ``promote`` on the next dossier of the published round still in state ``reserve``
    (an audit row each, ``actor`` None for the system) and queues its own
    ``selection_decision`` email; stops when the quota is filled or the reserve empty.
    Locks the round's row so that two promotions cannot fill one place twice. Returns the
    promoted applications, in order; nothing happens before publication.
    """
    selection = current_round(call, lock=True)
    if selection is None or selection.status != "published":
        return []
    free = call.quota - places_taken(call)
    if free <= 0:
        return []
    waiting = db.session.execute(
        select(SelectionDecision, Application)
        .join(Application, Application.id == SelectionDecision.application_id)
        .where(
            SelectionDecision.round_id == selection.id,
            SelectionDecision.decision == "reserve",
            Application.status == "reserve",
        )
        .order_by(SelectionDecision.reserve_position, SelectionDecision.rank)
        .limit(free)
    ).all()
    promoted = []
    confirm_by = utcnow() + timedelta(days=call.confirmation_days)
    for decision, application in waiting:
        decision.confirm_by = confirm_by
        apply_transition(
            application,
            Trigger.PROMOTE,
            actor=actor,
            note=f"Promoted from reserve position {decision.reserve_position}.",
            email_context=_decision_context(decision),
        )
        promoted.append(application)
    return promoted


def expire_confirmations(call: Call, *, now: datetime | None = None) -> list[Application]:
    """Free the places of selected applicants whose confirmation deadline has passed.

    Fires ``lapse`` (by the system, audited) on each ``selected`` dossier of the call's
    published round whose ``confirm_by`` is before ``now``; each freed place is refilled
    from the reserve by apply_transition. Returns the lapsed applications.
    """
    now = now or utcnow()
    late = db.session.scalars(
        select(Application)
        .join(SelectionDecision, SelectionDecision.application_id == Application.id)
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .where(
            SelectionRound.call_id == call.id,
            SelectionRound.status == "published",
            Application.status == "selected",
            SelectionDecision.confirm_by < now,
        )
        .order_by(SelectionDecision.rank)
    ).all()
    for application in late:
        apply_transition(application, "lapse", actor=None, note="The confirmation deadline passed.")
    return late


def expire_all_confirmations(*, now: datetime | None = None) -> int:
    """:func:`expire_confirmations` for every call with a published selection; the count."""
    calls = db.session.scalars(
        select(Call)
        .join(SelectionRound, SelectionRound.call_id == Call.id)
        .where(SelectionRound.status == "published")
    ).all()
    return sum(len(expire_confirmations(call, now=now)) for call in calls)
