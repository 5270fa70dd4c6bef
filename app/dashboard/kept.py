"""The dashboard's application figures, kept per call (app.common.kept) rather than
counted from every dossier on each view: at 20,000 dossiers that count read the whole
call's rows, answers included (about 60 ms of the dashboard's SQL).

They go stale with the rows they count, however those rows change: any flush that
inserts or deletes a dossier, or changes its state, its submission time, its answers or
its call, marks that dossier's call; a bulk statement on the dossiers' table (the demo's
loader, a form's new version) or a COPY (app.common.bulk_rows) marks every call, since it
does not say which. A draft's answers are not counted, so saving a draft marks nothing.
No service has to remember to announce anything for these figures to be right.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import Delete, Insert, Update, event
from sqlalchemy.orm import Session, attributes

from app.applications.models import Application
from app.common.kept import Kept, table_written
from app.dashboard.models import DashboardFigures

APPLICATION_FIGURES = Kept(
    DashboardFigures, "dashboard_figures", follows=(Application.__tablename__,)
)

#: The attributes of a dossier the figures count.
COUNTED = ("status", "submitted_at", "answers", "call_id")


@event.listens_for(Session, "after_flush")
def _mark_flushed_dossiers(session: Session, _context) -> None:
    for instance in chain(session.new, session.deleted):
        if isinstance(instance, Application) and instance.call_id is not None:
            APPLICATION_FIGURES.mark(instance.call_id, session)
    for instance in session.dirty:
        if not isinstance(instance, Application):
            continue
        for name in COUNTED:
            if name == "answers" and instance.submitted_at is None:
                continue  # a draft's answers are not counted (a draft saved: no mark)
            history = attributes.get_history(instance, name)
            if history.has_changes():
                calls = {instance.call_id}
                if name == "call_id":
                    calls |= set(history.deleted or ())
                for call_id in calls - {None}:
                    APPLICATION_FIGURES.mark(call_id, session)
                break


@event.listens_for(Session, "do_orm_execute")
def _mark_bulk_statements(state) -> None:
    statement = state.statement
    if isinstance(statement, Insert | Update | Delete):
        table_written(state.session, getattr(statement.table, "name", ""))
