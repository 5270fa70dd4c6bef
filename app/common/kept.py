"""Figures kept per call in the database and recomputed by their next reader once what
they count has changed (issue 19: counting 20,000 dossiers on every view of a page).

A :class:`Kept` names one kind of figures and the table that keeps them: one row per
call with ``version`` (bumped by every change of what the figures count),
``computed_version`` (the version the figures were computed at), ``computed_at`` and
``figures`` (JSON). The score summary (app.jury.summary) is kept by the same protocol,
with its own reading (late within a grace) built from :meth:`Kept.take_own_marks`,
:meth:`Kept.state` and :meth:`Kept.stamp`.

**Marking.** :meth:`Kept.mark` notes the call in the session (:meth:`Kept.mark_every_call`:
every call); when the outermost transaction commits, each call noted is bumped with one
upsert (``before_commit``, after flushing what is pending, so that marks made by that
flush count). A
transaction rolled back leaves no mark, as it leaves no change.

**Reading.** :meth:`Kept.read` returns the kept figures when fresh (one query) and
asked the same way (``key``: e.g. which questions are counted); otherwise it takes the
row's lock (``INSERT ... ON CONFLICT DO NOTHING``, then ``SELECT ... FOR UPDATE``; on
SQLite the insert takes the database's write lock), checks again (a second reader waits
for the first, then finds the figures fresh), computes and writes them, stamped with the
version read under the lock: a change committed meanwhile bumps it past that, so figures
older than a change are never taken for fresh. The write goes into the caller's
transaction: the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.common.clock import utcnow
from app.extensions import db

#: Marked instead of a call id: every call.
EVERY_CALL = 0

#: Table name -> the kept figures that count its rows (see :func:`table_written`).
_FOLLOWING: dict[str, list[Kept]] = {}


def table_written(session: Session, table_name: str) -> None:
    """Rows of ``table_name`` were written by a statement that says not which calls they
    belong to (a bulk UPDATE, a COPY): every call's figures that count them go stale."""
    for kept in _FOLLOWING.get(table_name, ()):
        kept.mark_every_call(session)


class Kept:
    """Per-call figures kept in ``model`` (see the module docstring)."""

    def __init__(self, model, name: str, *, follows: tuple[str, ...] = ()) -> None:
        self.model = model
        for table_name in follows:  # the tables whose rows these figures count
            _FOLLOWING.setdefault(table_name, []).append(self)
        #: ``session.info`` key: the calls whose figures the transaction changed.
        self.moved = f"kept_{name}_moved"
        event.listen(Session, "before_commit", self._write_marks)
        event.listen(Session, "after_transaction_end", self._forget_marks)

    # Marking ---------------------------------------------------------------------------
    def mark(self, call_id: int, session: Session | None = None) -> None:
        """What the call's figures count changed in the current transaction."""
        (session or db.session()).info.setdefault(self.moved, set()).add(call_id)

    def mark_every_call(self, session: Session | None = None) -> None:
        """What every call's figures count may have changed (a bulk statement)."""
        self.mark(EVERY_CALL, session)

    def _upsert(self, session: Session):
        dialect = session.get_bind().dialect.name
        return (postgresql if dialect == "postgresql" else sqlite).insert(self.model)

    def _bump(self, session: Session, call_ids) -> None:
        statement = self._upsert(session).on_conflict_do_update(
            index_elements=[self.model.call_id],
            set_={"version": self.model.__table__.c.version + 1},
        )
        if EVERY_CALL in call_ids:
            session.execute(
                update(self.model).values(version=self.model.version + 1),
                execution_options={"synchronize_session": False},
            )
        for call_id in sorted(set(call_ids) - {EVERY_CALL}):
            session.execute(statement.values(call_id=call_id, version=1, computed_version=0))

    def _write_marks(self, session: Session) -> None:
        if session.in_nested_transaction():
            return
        # The commit flushes after this hook: flush first, so that marks made by the
        # flush itself (app.dashboard.kept marks the rows it counts) are written too.
        session.flush()
        moved = session.info.pop(self.moved, None)
        if moved:
            self._bump(session, moved)

    def _forget_marks(self, session: Session, transaction) -> None:
        if transaction.parent is None:
            session.info.pop(self.moved, None)

    # Reading ---------------------------------------------------------------------------
    def take_own_marks(self, call_id: int) -> bool:
        """If the current transaction itself changed what the call's figures count, bump
        their version now (its reader must read its own change); returns whether it did."""
        session = db.session()
        if call_id not in session.info.get(self.moved, ()):
            return False
        session.info[self.moved].discard(call_id)
        self._bump(session, [call_id])
        return True

    def state(self, call_id: int, *columns, lock: bool = False):
        """The call's row (``version``, ``computed_version`` and ``columns``), or None;
        with ``lock``, made when missing and locked until the transaction ends."""
        model = self.model
        if lock:
            session = db.session()
            session.execute(
                self._upsert(session)
                .values(call_id=call_id, version=1, computed_version=0)
                .on_conflict_do_nothing(index_elements=[model.call_id])
            )
        query = select(model.version, model.computed_version, *columns).where(
            model.call_id == call_id
        )
        return db.session.execute(query.with_for_update() if lock else query).first()

    @staticmethod
    def _usable(row, key) -> bool:
        return (
            row is not None
            and row.version == row.computed_version
            and isinstance(row.figures, dict)
            and row.figures.get("key") == key
        )

    def read(self, call_id: int, key, compute: Callable[[], dict]) -> dict:
        """The call's figures as kept if fresh and computed for ``key`` (a JSON value:
        what was asked), else ``compute()`` kept now (the caller commits)."""
        self.take_own_marks(call_id)
        row = self.state(call_id, self.model.figures)
        if self._usable(row, key):
            return row.figures["figures"]
        row = self.state(call_id, self.model.figures, lock=True)
        if self._usable(row, key):  # another reader computed them meanwhile
            return row.figures["figures"]
        figures = compute()
        self.stamp(call_id, row.version, figures={"key": key, "figures": figures})
        return figures

    def stamp(self, call_id: int, version: int, **values) -> None:
        """The call's figures are computed as of ``version`` (read under the lock), and
        are ``values`` (columns of the row)."""
        db.session.execute(
            update(self.model)
            .where(self.model.call_id == call_id)
            .values(computed_version=version, computed_at=utcnow(), **values),
            execution_options={"synchronize_session": False},
        )
