"""What the selection pages, the decision record and the ranking export show: the round's
decisions with their dossiers, read in a bounded number of queries whatever the size of
the call, as the viewer may see them.

A dossier the viewer (a chair or a staff member) declared a conflict with keeps its row,
so that every count stays right, but anonymously (:class:`Hidden`): its rank and its
decision, and nothing else (no reference, name, project, score, stability, tie-break,
balance move or justification). The rule is the access policy's
(app.access.policy.conflicted_among); the conflicts and events listed in the record come
through its scopes (visible_conflicts, visible_audit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access.policy import conflicted_among, conflicted_dossiers
from app.access.scopes import visible_audit, visible_conflicts
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.selection.models import SelectionDecision, SelectionRound
from workflows.application import AWAITING_JURY, ApplicationStatus, Trigger
from workflows.selection import DECISIONS, Decision

#: A dossier is a coin toss when another jury would select it between these odds.
COIN_TOSS = (0.2, 0.8)
#: Rows shown below the reserve in the boundary view.
MARGIN = 10


@dataclass(frozen=True)
class Hidden:
    """What a viewer in conflict with a dossier sees of its decision: the rank and the
    decision only; every other field is empty, so a page cannot show more."""

    rank: int
    decision: str
    reserve_position: int | None
    score: None = None
    stability: None = None
    pure_decision: None = None
    tie_break: str = ""
    adjustment: None = None
    override_justification: str = ""
    override_reason: str = ""
    confirm_by: datetime | None = None


@dataclass
class Row:
    #: The dossier's decision, or :class:`Hidden` when the viewer is in conflict with it.
    decision: SelectionDecision | Hidden
    #: The dossier; None when hidden.
    application: Application | None

    @property
    def hidden(self) -> bool:
        return self.application is None

    @property
    def coin_toss(self) -> bool:
        chance = self.decision.stability
        return chance is not None and COIN_TOSS[0] <= chance <= COIN_TOSS[1]

    @property
    def moved(self) -> bool:
        return not self.hidden and self.decision.decision != self.decision.pure_decision


def _row(decision: SelectionDecision, application: Application, hidden: set[int]) -> Row:
    if application.id in hidden:
        return Row(Hidden(decision.rank, decision.decision, decision.reserve_position), None)
    return Row(decision, application)


@dataclass
class SelectionPage:
    call: Call
    round: SelectionRound | None
    rows: list[Row]
    counts: dict[str, int]
    pure_counts: dict[str, int]
    total: int
    coin_toss_count: int
    #: Current states of the decided dossiers once published, e.g. {"confirmed": 12}.
    states: dict[str, int] = field(default_factory=dict)
    waiting: int = 0
    #: Dossier references by id, for the balance moves' "in place of" lines (never one
    #: of a dossier the viewer is in conflict with).
    references: dict[int, str] = field(default_factory=dict)
    #: How many of the round's dossiers the viewer is in conflict with.
    conflicted: int = 0

    @property
    def published(self) -> bool:
        return self.round is not None and self.round.published


def _empty() -> dict[str, int]:
    return {str(decision): 0 for decision in DECISIONS}


def _tallies(selection: SelectionRound) -> tuple[dict, dict, int]:
    """Counts of the final and of the pure decisions, and the coin tosses (one query)."""
    counts, pure_counts, coin = _empty(), _empty(), 0
    for decision, pure, number, tosses in db.session.execute(
        select(
            SelectionDecision.decision,
            SelectionDecision.pure_decision,
            func.count(),
            func.count().filter(SelectionDecision.stability.between(*COIN_TOSS)),
        )
        .where(SelectionDecision.round_id == selection.id)
        .group_by(SelectionDecision.decision, SelectionDecision.pure_decision)
    ):
        counts[decision] += number
        pure_counts[pure] += number
        coin += int(tosses or 0)
    return counts, pure_counts, coin


def _decided_ids(selection: SelectionRound) -> list[int]:
    return list(
        db.session.scalars(
            select(SelectionDecision.application_id).where(
                SelectionDecision.round_id == selection.id
            )
        )
    )


def _references(rows: list[Row], hidden: set[int]) -> dict[int, str]:
    """The references the balance moves of ``rows`` name, but the hidden ones."""
    others = {
        row.decision.adjustment["other_id"]
        for row in rows
        if row.decision.adjustment and row.decision.adjustment.get("other_id")
    } - hidden
    if not others:
        return {}
    return dict(
        db.session.execute(
            select(Application.id, Application.reference).where(Application.id.in_(others))
        ).all()
    )


def _states(selection: SelectionRound) -> dict[str, int]:
    """Once published: how many of the decided dossiers are in each state now."""
    if not selection.published:
        return {}
    return dict(
        db.session.execute(
            select(Application.status, func.count())
            .join(SelectionDecision, SelectionDecision.application_id == Application.id)
            .where(SelectionDecision.round_id == selection.id)
            .group_by(Application.status)
        ).all()
    )


def load(call: Call, viewer: User, *, everything: bool = False) -> SelectionPage:
    """The call's round as ``viewer`` may see it: by default the rows down to the reserve
    plus :data:`MARGIN`, and every dossier the balance rules or the chair moved;
    ``everything`` gives every row. Eight queries at most, whatever the size of the call."""
    selection = db.session.scalar(select(SelectionRound).where(SelectionRound.call_id == call.id))
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(AWAITING_JURY))
    )
    if selection is None:
        return SelectionPage(call, None, [], _empty(), _empty(), 0, 0, waiting=waiting)
    counts, pure_counts, coin = _tallies(selection)
    query = (
        select(SelectionDecision, Application)
        .join(Application, Application.id == SelectionDecision.application_id)
        .where(SelectionDecision.round_id == selection.id)
        .options(joinedload(Application.applicant))
        .order_by(SelectionDecision.rank)
    )
    if not everything:
        limit = call.quota + call.reserve_size + MARGIN
        query = query.where(
            (SelectionDecision.rank <= limit)
            | (SelectionDecision.decision != SelectionDecision.pure_decision)
            | (SelectionDecision.decision != Decision.NOT_SELECTED)
        )
    hidden = conflicted_among(viewer, _decided_ids(selection))
    rows = [
        _row(decision, application, hidden) for decision, application in db.session.execute(query)
    ]
    return SelectionPage(
        call,
        selection,
        rows,
        counts,
        pure_counts,
        sum(counts.values()),
        coin,
        states=_states(selection),
        waiting=waiting,
        references=_references(rows, hidden),
        conflicted=len(hidden),
    )


@dataclass
class Record:
    """The decision record for the partners: everything about how the decision was made."""

    page: SelectionPage
    overrides: list[Row]
    adjusted: list[Row]
    tie_broken: list[Row]
    #: (conflict, dossier reference, juror's name), for the conflicts the viewer may see.
    conflicts: list[tuple[ConflictOfInterest, str, str]]
    publisher: User | None
    #: (event, dossier reference): what happened to the decided dossiers since publication.
    audit: list[tuple[AuditEvent, str]]


#: What the record lists since the publication: a place confirmed, declined, lapsed or
#: given up, and the promotions from the reserve that filled it.
AFTER_PUBLICATION = (
    Trigger.PROMOTE,
    Trigger.CONFIRM,
    Trigger.DECLINE,
    Trigger.LAPSE,
    Trigger.WITHDRAW,
)
_DECIDED = (ApplicationStatus.SELECTED, ApplicationStatus.RESERVE, ApplicationStatus.CONFIRMED)


def load_record(call: Call, viewer: User) -> Record:
    """The decision record of ``call`` as ``viewer`` may see it: the whole ranking,
    tie-breaks, balance moves, overrides with their justifications, conflicts declared,
    who published when, and the promotions and declines since. A bounded number of
    queries."""
    page = load(call, viewer, everything=True)
    rows = page.rows
    conflicts = db.session.execute(
        visible_conflicts(viewer, call)
        .where(Application.id.not_in(conflicted_dossiers(viewer)))  # not even one's own
        .join(User, User.id == ConflictOfInterest.juror_id)
        .add_columns(Application.reference, User.full_name)
        .order_by(Application.reference)
    ).all()
    publisher = (
        db.session.get(User, page.round.published_by_id)
        if page.round is not None and page.round.published_by_id
        else None
    )
    audit = db.session.execute(
        visible_audit(viewer, call)
        .add_columns(Application.reference)
        .where(
            AuditEvent.application_id.is_not(None),
            AuditEvent.event.in_([str(trigger) for trigger in AFTER_PUBLICATION]),
            AuditEvent.from_state.in_([str(state) for state in _DECIDED]),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    return Record(
        page=page,
        overrides=[r for r in rows if r.decision.override_justification],
        adjusted=[r for r in rows if r.decision.adjustment],
        tie_broken=[r for r in rows if r.decision.tie_break],
        conflicts=[tuple(c) for c in conflicts],
        publisher=publisher,
        audit=[tuple(a) for a in audit],
    )
