"""The audit trail of a call: every domain event of its dossiers and of the call,
searchable, as the reader may see it (app.access.scopes.visible_audit).

Filters come from the query string (so a search can be bookmarked, paginated and
exported with the same filters): ``reference`` (part of a dossier reference, or
``#id`` for a draft), ``user`` (part of the name or email of a person: who did it, or
whom it was about, such as the juror of a conflict), ``system=1`` (only what nobody
did: deadlines, automatic promotions, the retention job), ``event`` (one kind of
event), ``from``/``to`` (days in Brussels time, both included).

Each row reads in words (:func:`audit_lines`): the event's label, whom it concerned,
and its facts (a change of state, a note, ``{field: [old, new]}`` edits, counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from app.access.scopes import visible_audit
from app.applications.models import Application
from app.applications.wording import TRIGGER_LABELS
from app.audit.models import AuditEvent
from app.audit.wording import EVENT_LABELS, event_label, event_summary, fact_label, fact_value
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import from_brussels_naive
from app.events import EVENT_NAMES
from app.extensions import db

PER_PAGE = 50

#: Keys of an event's data that name the person it is about (besides who did it).
PERSON_KEYS = ("juror_id", "user_id", "coach_id")
#: Keys the page says otherwise (the change of state and its note, the person, the
#: dossiers) or never (an e-mail address).
SAID_ELSEWHERE = frozenset({"from", "to", "note", "juror", "applications", *PERSON_KEYS})
#: Keys whose list names several things (not an edit's ``[old, new]``).
LIST_KEYS = frozenset({"fields"})

#: The event filter's choices, in two groups.
EVENT_GROUPS = (
    (_l("Changes of state"), TRIGGER_LABELS),
    (_l("Other events"), EVENT_LABELS),
)


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
            query = query.where(_dossier_matches(self.reference))
        if self.system:
            query = query.where(AuditEvent.actor_id.is_(None))
        elif self.user:
            query = query.where(_person_matches(self.user))
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


def _dossier_matches(text: str) -> ColumnElement[bool]:
    """Rows of a dossier whose reference holds ``text``; ``#12`` is the draft of id 12."""
    if text.startswith("#") and text[1:].isdigit():
        return AuditEvent.application_id == int(text[1:])
    pattern = f"%{_escape(text.lower())}%"
    return func.lower(Application.reference).like(pattern, escape="\\")


def _person_matches(text: str) -> ColumnElement[bool]:
    """Rows done by, or about, a person whose name or e-mail holds ``text``."""
    person = aliased(User)
    pattern = f"%{_escape(text.lower())}%"
    people = select(person.id).where(
        or_(
            func.lower(person.full_name).like(pattern, escape="\\"),
            func.lower(person.email).like(pattern, escape="\\"),
        )
    )
    return or_(
        AuditEvent.actor_id.in_(people),
        and_(AuditEvent.subject_kind == "user", AuditEvent.subject_id.in_(people)),
        *(AuditEvent.data[key].as_integer().in_(people) for key in PERSON_KEYS),
    )


# Reading a row ---------------------------------------------------------------------------


def _person_id(entry: AuditEvent) -> int | None:
    """The person ``entry`` is about, if it names one besides who did it."""
    data = entry.data or {}
    for key in PERSON_KEYS:
        if isinstance(data.get(key), int):
            found = data[key]
            break
    else:
        found = entry.subject_id if entry.subject_kind == "user" else None
    return None if found == entry.actor_id else found


def _value(value) -> str:
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, dict):
        return ", ".join(f"{key.replace('_', ' ')} {_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) if value else "—"
    return "—" if value is None else str(value)


def facts(entry: AuditEvent) -> str:
    """The facts of ``entry`` in one line: its change of state and note
    (:func:`~app.audit.wording.event_summary`), then its other data, an edit as
    "field: old → new"."""
    summary = event_summary(entry)
    parts = [summary] if summary else []
    for key, value in (entry.data or {}).items():
        if key in SAID_ELSEWHERE or value in (None, "", [], {}):
            continue
        name = fact_label(key)
        if isinstance(value, list) and len(value) == 2 and key not in LIST_KEYS:
            before, after = (fact_value(key, item) for item in value)
            parts.append(f"{name}: {_value(before)} → {_value(after)}")
        else:
            parts.append(f"{name}: {_value(fact_value(key, value))}")
    return " · ".join(parts)


@dataclass(frozen=True)
class AuditLine:
    """One row as the viewer reads it."""

    entry: AuditEvent
    #: The person the event is about (a juror, an account), by name; "" if none.
    concerning: str
    #: :func:`facts`.
    details: str


def audit_lines(entries) -> list[AuditLine]:
    """``entries`` in words, the people they concern read in one query."""
    entries = list(entries)
    ids = {found for found in map(_person_id, entries) if found is not None}
    names = (
        dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return [AuditLine(entry, names.get(_person_id(entry), ""), facts(entry)) for entry in entries]


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
        _l("Concerning"),
        _l("Details"),
        _l("Request"),
    ]
    rows = (
        [
            line.entry.created_at,
            line.entry.application.reference or "" if line.entry.application else "",
            event_label(line.entry.event),
            line.entry.event,
            line.entry.from_state or "",
            line.entry.to_state or "",
            line.entry.actor.full_name if line.entry.actor else str(_l("System")),
            line.entry.actor.email if line.entry.actor else "",
            line.concerning,
            line.details,
            line.entry.request_id or "",
        ]
        for line in audit_lines(entries)
    )
    return header, rows
