"""What the selection pages show (and the decision record, app.selection.record): the
round's decisions with their dossiers, as the viewer may see them, doing only the work
on the screen whatever the size of the call.

A page reads its rows in SQL (one page of :data:`PER_PAGE` rows in rank order, or the
rows around the cut-off), as plain rows of the columns the templates show, never as ORM
objects; the tallies are SQL aggregates; a download streams every row from the database
(:func:`streamed`). The number of queries does not depend on the number of dossiers.

A dossier the viewer (a chair or a staff member) declared a conflict with keeps its row,
so that every count stays right, but anonymously (:class:`Hidden`): its rank and its
decision, and nothing else (no reference, name, project, score, stability, tie-break,
balance move or justification). Whether a row is one is asked of the database, with the
access policy's subquery (app.access.policy.conflicted_dossiers), row by row; the
record's lists of conflicts and events come through its scopes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import ColumnElement, Select, false, func, literal, select
from sqlalchemy.orm import aliased

from app.access.policy import conflicted_dossiers
from app.application_forms.versions import form_of_version
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.urls import page_of
from app.extensions import db
from app.selection.models import SelectionDecision, SelectionRound
from workflows.application import AWAITING_JURY
from workflows.selection import DECISIONS, Decision

#: A dossier is a coin toss when another jury would select it between these odds.
COIN_TOSS = (0.2, 0.8)
#: Rows shown below the reserve in the boundary view.
MARGIN = 10
#: Rows per page of ``?all=1`` and of the record's ranking.
PER_PAGE = 100
#: Rows fetched from the database at a time when a download streams them.
BATCH = 500


@dataclass(frozen=True, slots=True)
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
    other_reference: None = None
    override_justification: str = ""
    override_reason: str = ""
    confirm_by: datetime | None = None


@dataclass(slots=True)
class Dossier:
    """What the selection shows of a dossier it may name."""

    id: int
    reference: str
    status: str
    title: str = ""


@dataclass(slots=True)
class Row:
    #: The dossier's decision (a row of the columns of :data:`_DECISION`, plus
    #: ``other_reference``: the dossier a balance move names), or :class:`Hidden` when
    #: the viewer is in conflict with it.
    decision: object
    #: The dossier; None when hidden.
    application: Dossier | None

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
    #: How many of the round's dossiers the viewer is in conflict with.
    conflicted: int = 0
    #: The page of ``?all=1`` shown, for the ``pagination`` macro; None otherwise.
    pages: SimpleNamespace | None = None
    #: Lines of the record's sections the viewer may read, in all: {"overrides": n,
    #: "adjusted": n, "tie_broken": n}.
    sections: dict[str, int] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.round is not None and self.round.published


_DECISION = (
    SelectionDecision.application_id,
    SelectionDecision.rank,
    SelectionDecision.decision,
    SelectionDecision.reserve_position,
    SelectionDecision.score,
    SelectionDecision.stability,
    SelectionDecision.pure_decision,
    SelectionDecision.tie_break,
    SelectionDecision.adjustment,
    SelectionDecision.override_justification,
    SelectionDecision.override_reason,
    SelectionDecision.confirm_by,
)

#: The record's sections: the decisions each lists, by the column that says so.
SECTIONS = {
    "overrides": SelectionDecision.override_justification != "",
    "adjusted": SelectionDecision.adjustment["action"].as_string().is_not(None),
    "tie_broken": SelectionDecision.tie_break != "",
}


def hidden_from(viewer: User | None) -> ColumnElement[bool]:
    """Whether ``viewer`` is in conflict with the decision's dossier, asked in SQL (None:
    the command line, which reads everything)."""
    if viewer is None or not viewer.is_authenticated:
        return false()
    return SelectionDecision.application_id.in_(conflicted_dossiers(viewer))


def ranked(
    selection: SelectionRound,
    viewer: User | None,
    *where: ColumnElement[bool],
    limit: int | None = None,
    offset: int = 0,
    titles: bool = False,
) -> Select:
    """The round's decisions in rank order (those matching ``where``, ``limit`` of them
    from ``offset``), each with whether it is hidden, its dossier's reference and state,
    and the reference of the dossier its balance move names (unless that one is hidden
    too); ``titles`` adds what the project's title is read from. The decisions are chosen
    before their dossiers are joined (and the named one looked up row by row): a page
    costs a sort of the round's decisions, not a join of all of them."""
    chosen = (
        select(*_DECISION, hidden_from(viewer).label("hidden"))
        .where(SelectionDecision.round_id == selection.id, *where)
        .order_by(SelectionDecision.rank)
        .limit(limit)
        .offset(offset or None)
        .subquery("chosen")
    )
    other = aliased(Application)
    named = select(other.reference).where(other.id == chosen.c.adjustment["other_id"].as_integer())
    if viewer is not None and viewer.is_authenticated:
        named = named.where(other.id.not_in(conflicted_dossiers(viewer)))
    query = (
        select(
            chosen,
            Application.reference,
            Application.status,
            named.scalar_subquery().label("other_reference"),
        )
        .join(Application, Application.id == chosen.c.application_id)
        .order_by(chosen.c.rank)
    )
    if titles:
        query = query.add_columns(Application.form_version_id, Application.answers)
    return query


def as_row(line, *, titled: bool = False) -> Row:
    """A row of :func:`ranked` as the pages show it (``titled``: with the project's title,
    the query gave what it is read from)."""
    if line.hidden:
        return Row(Hidden(line.rank, line.decision, line.reserve_position), None)
    title = ""
    if titled:
        question = form_of_version(line.form_version_id).title_question
        title = str((line.answers or {}).get(question) or "") if question else ""
    return Row(line, Dossier(line.application_id, line.reference, line.status, title))


def _empty() -> dict[str, int]:
    return {str(decision): 0 for decision in DECISIONS}


@dataclass
class _Tallies:
    counts: dict[str, int] = field(default_factory=_empty)
    pure_counts: dict[str, int] = field(default_factory=_empty)
    coin: int = 0
    conflicted: int = 0
    #: Decisions that differ from the pure ranking's.
    moved: int = 0
    sections: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    states: dict[str, int] = field(default_factory=dict)


def _tallies(selection: SelectionRound, viewer: User) -> _Tallies:
    """Counts of the final and of the pure decisions, the coin tosses, the dossiers the
    viewer is in conflict with, the lines of each section of the record and, once
    published, how many of the decided dossiers are in each state now (one query)."""
    conflicted = hidden_from(viewer)
    published = selection.published
    query = (
        select(
            SelectionDecision.decision,
            SelectionDecision.pure_decision,
            Application.status if published else literal(""),
            func.count(),
            func.count().filter(SelectionDecision.stability.between(*COIN_TOSS)),
            func.count().filter(conflicted),
            *(func.count().filter(where & ~conflicted) for where in SECTIONS.values()),
        )
        .where(SelectionDecision.round_id == selection.id)
        .group_by(SelectionDecision.decision, SelectionDecision.pure_decision)
    )
    if published:
        query = query.join(
            Application, Application.id == SelectionDecision.application_id
        ).group_by(Application.status)
    tallies = _Tallies()
    for decision, pure, status, number, tosses, hidden, *sections in db.session.execute(query):
        tallies.counts[decision] += number
        tallies.pure_counts[pure] += number
        tallies.moved += number if decision != pure else 0
        tallies.coin += int(tosses or 0)
        tallies.conflicted += int(hidden or 0)
        for name, lines in zip(SECTIONS, sections, strict=True):
            tallies.sections[name] += int(lines or 0)
        if published:
            tallies.states[status] = tallies.states.get(status, 0) + number
    return tallies


def load(
    call: Call, viewer: User, *, everything: bool = False, page: int = 1, rows: bool = True
) -> SelectionPage:
    """The call's round as ``viewer`` may see it: by default the rows down to the reserve
    plus :data:`MARGIN`, and every dossier the balance rules or the chair moved;
    ``everything`` gives page ``page`` of every row (:data:`PER_PAGE` rows, in rank order);
    ``rows=False`` only the tallies. Four queries, whatever the size of the call."""
    selection = db.session.scalar(select(SelectionRound).where(SelectionRound.call_id == call.id))
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.status.in_(AWAITING_JURY))
    )
    if selection is None:
        return SelectionPage(call, None, [], _empty(), _empty(), 0, 0, waiting=waiting)
    tallies = _tallies(selection, viewer)
    total = sum(tallies.counts.values())
    pages, lines = None, []
    if rows:
        if everything:
            pages = page_of(page, total, PER_PAGE)
            query = ranked(selection, viewer, limit=PER_PAGE, offset=pages.offset, titles=True)
        else:
            limit = call.quota + call.reserve_size + MARGIN
            around = (
                (SelectionDecision.rank <= limit)
                | (SelectionDecision.decision != SelectionDecision.pure_decision)
                | (SelectionDecision.decision != Decision.NOT_SELECTED)
            )
            # no more rows than that: said to the planner, which cannot estimate `around`
            at_most = limit + tallies.moved + total - tallies.counts[Decision.NOT_SELECTED]
            query = ranked(selection, viewer, around, limit=at_most, titles=True)
        lines = [as_row(line, titled=True) for line in db.session.execute(query)]
    return SelectionPage(
        call,
        selection,
        lines,
        tallies.counts,
        tallies.pure_counts,
        total,
        tallies.coin,
        states=tallies.states,
        waiting=waiting,
        conflicted=tallies.conflicted,
        pages=pages,
        sections=tallies.sections,
    )


def streamed(query: Select) -> Iterator[Row]:
    """The rows of ``query``, fetched :data:`BATCH` at a time once iterated."""
    for line in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield as_row(line)
