"""The writes of a call's selection round: its rules, the draft, the chair's moves, the
publication. The proposal itself is read by app.selection.proposing; what happens after
publication (confirmations, the reserve) is app.selection.reserve.

Services flush; the caller (request or command) commits once, or rolls everything back
on a :class:`~app.selection.errors.SelectionError` (or any other error): decisions,
audit rows and emails go together or not at all. Each announces what it did
(app.events): the rules changed, the proposal computed, a dossier moved, the selection
published (besides one transition per dossier).

``actor`` is the person acting, or None for the system (a command). A person is
checked against the access policy: staff and the call's chairs set the rules; only a
chair of the call computes, moves and publishes, and never on a dossier they declared
a conflict with.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from app.access.policy import (
    conflicted_among,
    in_conflict,
    may_decide_selection,
    may_steer_jury,
    remember_standings,
)
from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import NotPermitted
from app.events import Event, announce
from app.extensions import db
from app.selection.errors import AlreadyPublished, SelectionError
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.proposal import Override, Proposal, apply_overrides
from app.selection.proposing import compute_proposal, selection_stability
from app.selection.standing import Standing, published, rule_dict, standings, stored_decisions
from workflows.application import PLACE_HOLDERS, TRIGGER_OF_DECISION, ApplicationStatus
from workflows.selection import DECISIONS, Decision, MoveReason, RoundStatus


def _check(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_l("You cannot do this on this selection."))


def current_round(call: Call, *, lock: bool = False) -> SelectionRound | None:
    """The call's round, if any; ``lock`` takes its row lock (SELECT ... FOR UPDATE)."""
    query = select(SelectionRound).where(SelectionRound.call_id == call.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def is_published(call: Call) -> bool:
    """Whether the call's selection is published (its rules and decisions are final)."""
    selection = current_round(call)
    return selection is not None and selection.published


def _draft(call: Call, *, lock: bool = False) -> SelectionRound | None:
    """The call's round while it is a draft (None before the first); AlreadyPublished after."""
    selection = current_round(call, lock=lock)
    if selection is not None and selection.published:
        raise AlreadyPublished()
    return selection


# Rules -----------------------------------------------------------------------------


#: The columns of a call that the rules page edits.
RULE_FIELDS = ("confirmation_days", "tie_breaks", "balance_rules")


def save_rules(call: Call, rules: dict, *, actor: User | None) -> dict:
    """Save the call's selection rules: ``rules`` holds ``confirmation_days``,
    ``tie_breaks`` and ``balance_rules`` (as the forms give them). Returns what changed,
    {field: [old, new]}, announced as one ``selection_rules_changed`` when not empty.

    Raises NotPermitted (neither staff nor a chair of the call) and AlreadyPublished.
    """
    _check(actor is None or may_steer_jury(actor, call))
    _draft(call)
    changes = {}
    for name in RULE_FIELDS:
        old, new = getattr(call, name), rules[name]
        if old != new:
            changes[name] = [old, new]
            setattr(call, name, new)
    if changes:
        announce(
            Event.SELECTION_RULES_CHANGED,
            actor=actor,
            subject=call,
            data=changes,
        )
    db.session.flush()
    return changes


# Draft and deliberation ------------------------------------------------------------


def save_draft_round(
    call: Call,
    proposal: Proposal,
    *,
    by: User | None,
    stability: dict[int, float] | None = None,
) -> SelectionRound:
    """Store ``proposal`` as the call's draft (saved ``by`` someone, None: the system),
    replacing the decisions of a former draft; announces nothing (its callers do).

    Writes one SelectionRound (created if needed, with the unmet balance rules) and one
    SelectionDecision per entry (with its ``stability`` and balance ``adjustment``).
    Raises AlreadyPublished once the round is published.
    """
    selection = _draft(call, lock=True)
    if selection is None:
        selection = SelectionRound(call_id=call.id)
        db.session.add(selection)
    selection.created_by_id = by.id if by is not None else None
    selection.created_at = utcnow()
    db.session.flush()
    db.session.execute(delete(SelectionDecision).where(SelectionDecision.round_id == selection.id))
    selection.unsatisfied = [
        {
            "rule": rule_dict(u.rule),
            "value": u.value,
            "required": u.required,
            "actual": u.actual,
            "reason": u.reason,
        }
        for u in proposal.unsatisfied
    ]
    stability = stability or {}
    rows = [
        {**row, "round_id": selection.id, "stability": stability.get(row["application_id"])}
        for row in stored_decisions(proposal)
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
        Override(d.application_id, d.decision, d.override_justification, d.override_reason)
        for d in selection.decisions
        if d.override_justification
    ]


def _ids(proposal: Proposal) -> set[int]:
    return {entry.dossier_id for entry in proposal.entries}


def _counts(proposal: Proposal) -> dict[str, int]:
    return {str(decision): number for decision, number in proposal.counts.items()}


def refresh_draft(call: Call, *, actor: User | None) -> Proposal:
    """Recompute the proposal, re-apply the overrides kept in the draft, store it;
    announces ``selection_computed`` with the counts.

    Raises NotPermitted (not a chair of the call), as :func:`compute_proposal` and
    :func:`save_draft_round`, and SelectionError when a kept override no longer fits
    the new ranking.
    """
    _check(actor is None or may_decide_selection(actor, call))
    selection = _draft(call)
    proposal = compute_proposal(call)
    kept = [o for o in _stored_overrides(selection) if o.dossier_id in _ids(proposal)]
    stability = selection_stability(call, proposal)
    try:
        proposal = apply_overrides(proposal, kept) if kept else proposal
    except ValueError as error:
        raise SelectionError(str(error)) from error
    selection = save_draft_round(call, proposal, by=actor, stability=stability)
    announce(
        Event.SELECTION_COMPUTED,
        actor=actor,
        subject=selection,
        call_id=call.id,
        data={"counts": _counts(proposal), "moves_kept": len(kept)},
    )
    return proposal


def override(
    call: Call,
    application_id: int,
    decision: str,
    justification: str,
    *,
    actor: User | None,
    reason: str = MoveReason.OTHER,
) -> Proposal:
    """The chair moves a dossier to ``decision``, with a written ``justification`` and
    its category ``reason`` (a MoveReason: what the applicant is told, never the
    justification); announces ``selection_moved`` (the dossier, the decision, the
    reason, the justification).

    Recomputes the proposal, re-applies the overrides already in the draft, then this
    one (app.selection.proposal.apply_overrides), and stores the result as the draft:
    the justification and the reason are kept on the dossier's decision. Moving a
    dossier into a full selection is refused: move another one out first. Raises
    NotPermitted (not a chair of the call, or in conflict with the dossier),
    SelectionError (blank justification, unknown reason, dossier or decision, quota or
    reserve exceeded), AlreadyPublished, and as :func:`compute_proposal`.
    """
    _check(actor is None or may_decide_selection(actor, call))
    _check(actor is None or not in_conflict(actor, application_id))
    justification = (justification or "").strip()
    if not justification:
        raise SelectionError(_l("Moving a dossier needs a written justification."))
    if reason not in tuple(MoveReason):
        raise SelectionError(_l("Choose the reason of the move."))
    selection = _draft(call)
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
        before = proposal.entry(application_id).decision if application_id in _ids(proposal) else ""
        proposal = apply_overrides(
            proposal, [Override(application_id, decision, justification, str(reason))]
        )
    except ValueError as error:
        raise SelectionError(str(error)) from error
    selection = save_draft_round(call, proposal, by=actor, stability=stability)
    announce(
        Event.SELECTION_MOVED,
        actor=actor,
        subject=selection,
        call_id=call.id,
        application_id=application_id,
        data={
            "decision": str(decision),
            "previous": str(before),
            "reason": str(reason),
            "note": justification,
        },
    )
    return proposal


# Publication -----------------------------------------------------------------------


def places_taken(call: Call) -> int:
    """The call's dossiers holding a place (selected, confirmed, and later states)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(PLACE_HOLDERS))
    )


def decision_context(standing: Standing) -> dict:
    """What the applicant's decision e-mail says beside the outcome: the place in the
    published order (app.selection.standing), as on their page and in their letter."""
    return {"rank": standing.position, "reserve_position": standing.reserve_position}


def _publishable(call: Call, actor: User | None) -> tuple[SelectionRound, list]:
    """The call's draft and its decisions (best rank first), once checked: it exists, it
    is a draft, within the quota, in step with the dossiers, and the actor is not in
    conflict with any of them."""
    selection = current_round(call, lock=True)
    if selection is None:
        raise SelectionError(_l("There is no selection proposal to publish for this call."))
    if selection.published:
        raise AlreadyPublished()
    decisions = db.session.scalars(
        select(SelectionDecision)
        .where(SelectionDecision.round_id == selection.id)
        .options(joinedload(SelectionDecision.application).joinedload(Application.applicant))
        .order_by(SelectionDecision.rank)
    ).all()
    ids = {d.application_id for d in decisions}
    if actor is not None and conflicted_among(actor, ids):
        raise SelectionError(
            _l(
                "You declared a conflict of interest with a dossier of this selection: "
                "another chair of the jury publishes it."
            )
        )
    if sum(d.decision == Decision.SELECTED for d in decisions) > call.quota:
        raise SelectionError(_l("The proposal selects more dossiers than the quota."))
    scored = db.session.scalars(
        select(Application.id).where(
            Application.call_id == call.id, Application.status == ApplicationStatus.SCORED
        )
    )
    if set(scored) != ids:
        raise SelectionError(
            _l("The dossiers changed since the proposal was saved: compute it again.")
        )
    return selection, decisions


def publish(call: Call, *, actor: User | None) -> dict[str, int]:
    """Apply the call's draft to every dossier at once; return the counts per decision.

    Locks the round's row (SELECT ... FOR UPDATE, so two publishers queue up) and checks
    it is still a draft, then for each decision fires ``select``, ``place_on_reserve`` or
    ``reject`` through apply_transition (one audit row each, with the applicant's email
    and letter; the chair's justification of a move stays in the decision record, never
    in the dossier's history, which its applicant reads and downloads); marks the round
    published by ``actor`` (None: the system) and announces ``selection_published`` with
    the counts. Everything is flushed, not committed: a failure half-way leaves nothing
    once the caller rolls back.

    Raises NotPermitted (not a chair of the call), AlreadyPublished (the second publisher
    finds it so), SelectionError (no draft, a draft out of date with the dossiers, more
    selected than the quota, a chair in conflict with one of the dossiers).
    """
    _check(actor is None or may_decide_selection(actor, call))
    selection, decisions = _publishable(call, actor)
    counts = {str(decision): 0 for decision in DECISIONS}
    confirm_by = utcnow() + timedelta(days=call.confirmation_days)
    standing = standings(published(decision) for decision in decisions)
    if actor is not None:  # a few queries for them all, not three per dossier
        remember_standings(actor, [decision.application for decision in decisions])
    for decision in decisions:
        counts[decision.decision] += 1
        if decision.decision == Decision.SELECTED:
            decision.confirm_by = confirm_by
        apply_transition(
            decision.application,
            TRIGGER_OF_DECISION[decision.decision],
            actor=actor,
            email_context=decision_context(standing[decision.application_id]),
            flush=False,
        )
    flush_transitions()
    selection.status = RoundStatus.PUBLISHED
    selection.published_by_id = actor.id if actor is not None else None
    selection.published_at = utcnow()
    db.session.flush()
    if places_taken(call) > call.quota:
        raise SelectionError(_l("Publishing would select more dossiers than the quota."))
    announce(
        Event.SELECTION_PUBLISHED, actor=actor, subject=selection, call_id=call.id, data=counts
    )
    return counts
