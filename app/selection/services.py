"""Every write of the selection: the proposal, the deliberation, publication, the reserve.

Services flush; the caller (request or command) commits once, or rolls everything back
on a :class:`SelectionError` (or any other error): decisions, audit rows and emails go
together or not at all.

Which dossiers are decided: only those in state ``scored``. While a dossier of the call
is still ``eligible`` or ``in_review`` the proposal is refused: deciding without it
would silently drop it from the ranking. The call has no balance rules yet (no column
for them), so the proposal is made without any.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.applications.models import Application
from app.applications.services import apply_transition
from app.auth.models import User
from app.calls.models import Call
from app.common.access import external_url
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.extensions import db
from app.jury.board import submitted_reviews
from app.jury.models import JuryAssignment, Review
from app.jury.ranking import CriterionScale, aggregate_arrays, normalised_totals
from app.outbox.services import queue_email
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.proposal import Candidate, Override, Proposal, TieBreak, apply_overrides, propose
from app.selection.stability import selection_probability
from workflows.application import TransitionRefused

#: The trigger that applies each decision at publication.
TRIGGERS = {"selected": "select", "reserve": "place_on_reserve", "not_selected": "reject"}
#: States of a dossier that holds one of the call's places.
PLACE_HOLDERS = ("selected", "confirmed", "coaching", "completed", "dropped_out")
#: States in which a dossier is still waiting for the jury: no proposal meanwhile.
NOT_YET_SCORED = ("eligible", "in_review")


class SelectionError(Refusal):
    """A refused selection operation; the message is shown to the user."""


class AlreadyPublished(SelectionError):
    """The call's selection is published: its decisions can no longer change."""

    def __init__(self) -> None:
        super().__init__(_l("The selection of this call is already published."))


# Proposal --------------------------------------------------------------------------


def tie_breaks_for(call: Call) -> list[TieBreak]:
    """The call's tie-breaks: the mean on its heaviest criterion (the first of equal
    weights), then the lower standard deviation, then the earlier submission."""
    rules = []
    if call.criteria:
        heaviest = max(call.criteria, key=lambda c: (c.weight, -c.position))
        rules.append(TieBreak("criterion_mean", heaviest.id))
    return [*rules, TieBreak("lower_std"), TieBreak("earlier_submission")]


def compute_proposal(call: Call) -> Proposal:
    """The pure proposal for ``call`` from the jury's submitted reviews (nothing written).

    Candidates are the call's ``scored`` dossiers, scored by the call's ranking method
    (raw mean or normalised); quota and reserve size are the call's; tie-breaks are
    :func:`tie_breaks_for`; no balance rules. Raises SelectionError while a dossier is
    still ``eligible`` or ``in_review``, or when a scored dossier has no submitted review.
    """
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(NOT_YET_SCORED))
    )
    if waiting:
        raise SelectionError(
            _l(
                "%(count)s dossiers are still waiting for the jury: "
                "complete their review before the selection.",
                count=waiting,
            )
        )
    scored = dict(
        db.session.execute(
            select(Application.id, Application.submitted_at).where(
                Application.call_id == call.id, Application.status == "scored"
            )
        ).all()
    )
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
        )
        for key, submitted_at in scored.items()
    ]
    return propose(
        candidates,
        quota=call.quota,
        reserve_size=call.reserve_size,
        tie_breaks=tie_breaks_for(call),
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


def save_draft_round(call: Call, proposal: Proposal, *, actor: User | None) -> SelectionRound:
    """Store ``proposal`` as the call's draft, replacing the decisions of a former draft.

    Writes one SelectionRound (created if needed) and one SelectionDecision per entry.
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
    selection.decisions.clear()
    db.session.flush()
    scores = {candidate.dossier_id: candidate.score for candidate in proposal.candidates}
    for entry in proposal.entries:
        selection.decisions.append(
            SelectionDecision(
                application_id=entry.dossier_id,
                decision=entry.decision,
                rank=entry.rank,
                reserve_position=entry.reserve_position,
                score=scores[entry.dossier_id],
                override_justification=entry.override.justification if entry.override else "",
                pure_decision=entry.pure_decision,
                tie_break=_label(entry.tie_break),
            )
        )
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
    try:
        proposal = apply_overrides(proposal, kept) if kept else proposal
    except ValueError as error:
        raise SelectionError(str(error)) from error
    save_draft_round(call, proposal, actor=actor)
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
    save_draft_round(call, proposal, actor=actor)
    return proposal


# Publication -----------------------------------------------------------------------


def _counts(decisions) -> dict[str, int]:
    counts = {decision: 0 for decision in TRIGGERS}
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
    decisions = list(selection.decisions)
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
        try:
            apply_transition(
                application,
                TRIGGERS[decision.decision],
                actor=actor,
                note=decision.override_justification or None,
            )
        except TransitionRefused as error:
            raise SelectionError(str(error)) from error
        _queue_decision_email(application, decision, call)
    selection.status = "published"
    selection.published_by_id = actor.id if actor is not None else None
    selection.published_at = utcnow()
    db.session.flush()
    if places_taken(call) > call.quota:
        raise SelectionError(_l("Publishing would select more dossiers than the quota."))
    return counts


_SUBJECTS = {
    "selected": _l("Your application %(reference)s is selected"),
    "reserve": _l("Your application %(reference)s is on the reserve list"),
    "not_selected": _l("The decision on your application %(reference)s"),
    "promoted": _l("A place is free: your application %(reference)s is selected"),
}


def _queue_decision_email(
    application: Application, decision: SelectionDecision, call: Call, *, promoted: bool = False
) -> None:
    applicant = application.applicant
    outcome = "promoted" if promoted else decision.decision
    queue_email(
        applicant.email,
        _SUBJECTS[outcome],
        "selection_decision",
        subject_params={"reference": application.reference or "-"},
        locale=applicant.locale,
        application_id=application.id,
        application=application,
        applicant=applicant,
        call=call,
        outcome=outcome,
        rank=decision.rank,
        reserve_position=decision.reserve_position,
        home_url=external_url("applications.my_applications"),
    )


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
    try:
        entry = apply_transition(application, "decline", actor=actor)
    except TransitionRefused as error:
        raise SelectionError(_l("Only a selected application can be declined.")) from error
    return entry.promoted


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
            "promote",
            actor=actor,
            note=f"Promoted from reserve position {decision.reserve_position}.",
        )
        _queue_decision_email(application, decision, call, promoted=True)
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
