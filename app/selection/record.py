"""The decision record for the partners: everything about how the call's selection was
decided, as the viewer may see it (a dossier the viewer is in conflict with keeps its
anonymous row, see app.selection.page; the conflicts and events listed come through the
policy's scopes, visible_conflicts and visible_audit).

On screen the record shows one page of the ranking and the first lines of each section
(the chair's moves, the balance moves, the tie-breaks), each read by a query filtered on
its own column; the printable whole streams every line from the database as it is
written. The number of queries does not depend on the number of dossiers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.access.policy import conflicted_dossiers
from app.access.scopes import visible_audit, visible_conflicts
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.selection.models import SelectionRound
from app.selection.page import (
    SECTIONS,
    Row,
    SelectionPage,
    as_row,
    hidden_from,
    load,
    ranked,
    streamed,
)
from workflows.application import ApplicationStatus, Trigger

#: Lines per section (moves, balance moves, tie-breaks) of the record on screen; the
#: printable whole lists them all.
SECTION_LIMIT = 100


def _section(selection: SelectionRound, viewer: User, name: str, limit: int | None):
    """The decisions the record's section ``name`` lists that ``viewer`` may read, in
    rank order (``limit`` at most; None: all of them, streamed)."""
    query = ranked(selection, viewer, SECTIONS[name], ~hidden_from(viewer), limit=limit)
    if limit is None:
        return streamed(query)
    return [as_row(line) for line in db.session.execute(query)]


@dataclass
class Record:
    """The decision record for the partners: everything about how the decision was made."""

    page: SelectionPage
    #: The ranking's rows: a page of them on screen, all of them (a lazy iterator read
    #: from the database as the page is written) in the printable whole.
    ranking: Iterable[Row]
    #: The sections' lines (lists on screen, :data:`SECTION_LIMIT` at most each; lazy
    #: iterators in the download); their sizes are in ``page.sections``.
    overrides: object
    adjusted: object
    tie_broken: object
    #: (conflict, dossier reference, juror's name), for the conflicts the viewer may see.
    conflicts: list[tuple[ConflictOfInterest, str, str]]
    #: Who published the round (None: not published, or by the command line).
    publisher: str | None
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


def load_record(call: Call, viewer: User, *, page: int = 1, full: bool = False) -> Record:
    """The decision record of ``call`` as ``viewer`` may see it: the ranking, tie-breaks,
    balance moves, overrides with their justifications, conflicts declared, who published
    when, and the promotions and declines since.

    On screen: page ``page`` of the ranking and the first :data:`SECTION_LIMIT` lines of
    each section. ``full`` (the printable whole): the whole ranking and every section as
    lazy iterators, read as the page is written. A bounded number of queries.
    """
    data = load(call, viewer, everything=True, page=page, rows=not full)
    selection = data.round
    sections, ranking = dict.fromkeys(SECTIONS, ()), data.rows
    if selection is not None:
        limit = None if full else SECTION_LIMIT
        sections = {name: _section(selection, viewer, name, limit) for name in SECTIONS}
        if full:
            ranking = streamed(ranked(selection, viewer))
    conflicts = db.session.execute(
        visible_conflicts(viewer, call)
        .where(Application.id.not_in(conflicted_dossiers(viewer)))  # not even one's own
        .join(User, User.id == ConflictOfInterest.juror_id)
        .add_columns(Application.reference, User.full_name)
        .order_by(Application.reference)
    ).all()
    publisher = (
        db.session.scalar(select(User.full_name).where(User.id == selection.published_by_id))
        if selection is not None and selection.published_by_id
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
        page=data,
        ranking=ranking,
        conflicts=[tuple(c) for c in conflicts],
        publisher=publisher,
        audit=[tuple(a) for a in audit],
        **sections,
    )
