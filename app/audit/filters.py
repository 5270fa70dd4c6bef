"""The audit trail of a call: every domain event of its dossiers and of the call,
searchable, as the reader may see it (app.access.scopes.visible_audit).

Filters come from the query string (so a search can be bookmarked, paginated and
exported with the same filters): ``reference`` (part of a dossier reference),
``user`` (part of the name or email of who did it), ``system=1`` (only what nobody
did: deadlines, automatic promotions), ``event`` (one kind of event),
``from``/``to`` (days in Brussels time, both included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_
from sqlalchemy.orm import contains_eager

from app.access.scopes import visible_audit
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.audit.wording import event_label, event_summary
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import from_brussels_naive
from app.events import EVENT_NAMES

PER_PAGE = 50


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class AuditFilters:
    reference: str = ""
    user: str = ""
    system: bool = False
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None
    #: Field name -> message, for values that could not be read (they are ignored).
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        """Read the query string; unreadable dates are reported and ignored."""
        filters = cls(
            reference=args.get("reference", "").strip()[:60],
            user=args.get("user", "").strip()[:100],
            system=args.get("system") == "1",
            event=args.get("event", "") if args.get("event") in EVENT_NAMES else "",
        )
        for name, attribute in (("from", "date_from"), ("to", "date_to")):
            text = args.get(name, "").strip()
            if not text:
                continue
            day = _day(text)
            if day is None:
                filters.errors[name] = _l("Enter a date as YYYY-MM-DD, for example 2026-03-01.")
            else:
                setattr(filters, attribute, day)
        if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
            filters.errors["to"] = _l("The end of the period comes before its start.")
            filters.date_to = None
        return filters

    def as_args(self, **changes) -> dict:
        """The query string of these filters (empty values left out), with ``changes``."""
        data = {
            "reference": self.reference,
            "user": self.user,
            "system": "1" if self.system else "",
            "event": self.event,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        } | changes
        return {key: value for key, value in data.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_args())

    def query(self, call: Call, viewer: User) -> Select:
        """The call's audit rows ``viewer`` may read that match the filters, newest
        first, with their dossier and actor loaded."""
        query = (
            visible_audit(viewer, call)
            .outerjoin(AuditEvent.actor)
            .options(contains_eager(AuditEvent.application), contains_eager(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
        if self.reference:
            query = query.where(
                func.lower(Application.reference).like(
                    f"%{_escape(self.reference.lower())}%", escape="\\"
                )
            )
        if self.system:
            query = query.where(AuditEvent.actor_id.is_(None))
        elif self.user:
            pattern = f"%{_escape(self.user.lower())}%"
            query = query.where(
                or_(
                    func.lower(User.full_name).like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                )
            )
        if self.event:
            query = query.where(AuditEvent.event == self.event)
        if self.date_from:
            query = query.where(
                AuditEvent.created_at
                >= from_brussels_naive(datetime.combine(self.date_from, time()))
            )
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time())
            query = query.where(AuditEvent.created_at < from_brussels_naive(end))
        return query


def _escape(text: str) -> str:
    """``text`` for a LIKE pattern: its own ``%`` and ``_`` match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def export_table(entries) -> tuple[list, object]:
    """Header and rows of an export of ``entries`` (machine-readable values)."""
    header = [
        _l("Date and time"),
        _l("Reference"),
        _l("Event"),
        _l("Event code"),
        _l("From"),
        _l("To"),
        _l("By"),
        _l("Email address"),
        _l("Details"),
        _l("Request"),
    ]
    rows = (
        [
            entry.created_at,
            entry.application.reference or "" if entry.application else "",
            event_label(entry.event),
            entry.event,
            entry.from_state or "",
            entry.to_state or "",
            entry.actor.full_name if entry.actor else str(_l("System")),
            entry.actor.email if entry.actor else "",
            event_summary(entry),
            entry.request_id or "",
        ]
        for entry in entries
    )
    return header, rows
