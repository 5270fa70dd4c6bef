"""What the selection pages show: the round's decisions with their dossiers, read in a
bounded number of queries whatever the size of the call."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.selection.models import SelectionDecision, SelectionRound

#: A dossier is a coin toss when another jury would select it between these odds.
COIN_TOSS = (0.2, 0.8)
#: Rows shown below the reserve in the boundary view.
MARGIN = 10


@dataclass
class Row:
    decision: SelectionDecision
    application: Application
    #: The viewer is in conflict with this dossier: its identity is hidden from them.
    hidden: bool = False

    @property
    def coin_toss(self) -> bool:
        chance = self.decision.stability
        return chance is not None and COIN_TOSS[0] <= chance <= COIN_TOSS[1]

    @property
    def moved(self) -> bool:
        return self.decision.decision != self.decision.pure_decision


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
    #: Dossier references by id, for the balance moves' "in place of" lines.
    references: dict[int, str] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.round is not None and self.round.status == "published"


def load(call: Call, viewer: User, *, everything: bool = False) -> SelectionPage:
    """The call's round as ``viewer`` may see it: by default the rows down to the reserve
    plus :data:`MARGIN`, and every dossier the balance rules or the chair moved;
    ``everything`` gives every row. Five queries."""
    selection = db.session.scalar(select(SelectionRound).where(SelectionRound.call_id == call.id))
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(("eligible", "in_review")))
    )
    empty = {"selected": 0, "reserve": 0, "not_selected": 0}
    if selection is None:
        return SelectionPage(call, None, [], empty, dict(empty), 0, 0, waiting=waiting)
    tallies = db.session.execute(
        select(
            SelectionDecision.decision,
            SelectionDecision.pure_decision,
            func.count(),
            func.count().filter(SelectionDecision.stability.between(*COIN_TOSS)),
        )
        .where(SelectionDecision.round_id == selection.id)
        .group_by(SelectionDecision.decision, SelectionDecision.pure_decision)
    ).all()
    counts, pure_counts, coin = dict(empty), dict(empty), 0
    for decision, pure, number, tosses in tallies:
        counts[decision] += number
        pure_counts[pure] += number
        coin += int(tosses or 0)
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
            | (SelectionDecision.decision != "not_selected")
        )
    hidden = _hidden(viewer, call)
    rows = [
        Row(decision, application, application.id in hidden)
        for decision, application in db.session.execute(query).all()
    ]
    others = {
        d.adjustment["other_id"]
        for d in (row.decision for row in rows)
        if d.adjustment and d.adjustment.get("other_id")
    }
    references = (
        dict(
            db.session.execute(
                select(Application.id, Application.reference).where(Application.id.in_(others))
            ).all()
        )
        if others
        else {}
    )
    states = {}
    if selection.status == "published":
        states = dict(
            db.session.execute(
                select(Application.status, func.count())
                .join(SelectionDecision, SelectionDecision.application_id == Application.id)
                .where(SelectionDecision.round_id == selection.id)
                .group_by(Application.status)
            ).all()
        )
    return SelectionPage(
        call,
        selection,
        rows,
        counts,
        pure_counts,
        sum(counts.values()),
        coin,
        states=states,
        waiting=waiting,
        references=references,
    )


def _hidden(viewer: User, call: Call) -> set[int]:
    """The call's dossiers ``viewer`` declared (or was found) in conflict with."""
    return set(
        db.session.scalars(
            select(ConflictOfInterest.application_id)
            .join(Application, Application.id == ConflictOfInterest.application_id)
            .where(ConflictOfInterest.juror_id == viewer.id, Application.call_id == call.id)
        )
    )


@dataclass
class Record:
    """The decision record for the partners: everything about how the decision was made."""

    page: SelectionPage
    overrides: list[Row]
    adjusted: list[Row]
    tie_broken: list[Row]
    conflicts: list[tuple[ConflictOfInterest, str, str]]
    publisher: User | None
    audit: list[tuple[AuditEvent, str]]


def load_record(call: Call, viewer: User) -> Record:
    """The decision record of ``call``: the whole ranking, tie-breaks, balance moves,
    overrides with their justifications, conflicts declared, who published when, and
    the promotions and declines since. A bounded number of queries."""
    page = load(call, viewer, everything=True)
    rows = page.rows
    conflicts = db.session.execute(
        select(ConflictOfInterest, Application.reference, User.full_name)
        .join(Application, Application.id == ConflictOfInterest.application_id)
        .join(User, User.id == ConflictOfInterest.juror_id)
        .where(Application.call_id == call.id)
        .order_by(Application.reference)
    ).all()
    publisher = (
        db.session.get(User, page.round.published_by_id)
        if page.round is not None and page.round.published_by_id
        else None
    )
    audit = db.session.execute(
        select(AuditEvent, Application.reference)
        .join(Application, Application.id == AuditEvent.application_id)
        .where(
            Application.call_id == call.id,
            AuditEvent.event.in_(("promote", "confirm", "decline", "lapse", "withdraw")),
            AuditEvent.from_state.in_(("selected", "reserve", "confirmed")),
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
