"""Filtering, searching and sorting a call's applications (the staff list and its exports).

The rows are always those the viewer may read (:func:`app.access.scopes.visible_applications`):
a chair or staff member in conflict with a dossier finds nothing of it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_login import current_user
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    func,
    literal,
    literal_column,
    or_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from app.access.scopes import visible_applications
from app.application_forms.definition import Question
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.types import UTCDateTime
from app.extensions import db
from workflows.application import STATES


def filter_questions(call: Call) -> dict[str, Question]:
    """The answers staff filter the call's dossiers on: the questions of its form marked
    ``"filter": true`` (one-choice questions), by name."""
    return {name: q for name, q in call_form(call).questions.items() if q.filter}


def answers_hold(wanted: dict[str, str]) -> ColumnElement[bool]:
    """The dossiers whose answers hold every ``{question name: value}`` of ``wanted``: on
    PostgreSQL by containment (``answers @> {...}``, which the answers' GIN index
    serves), elsewhere by comparing each answer."""
    if db.session.get_bind().dialect.name == "postgresql":
        return type_coerce(Application.answers, JSONB).contains(wanted)
    return and_(*(Application.answers[name].as_string() == value for name, value in wanted.items()))


#: Where a dossier without a submission time sorts (after every submitted one).
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)

#: Each order of the list, as the sort key of a row: columns that are never NULL, ending
#: with the id (so that two rows never tie, and a page can continue after a row's key).
SORTS = {
    "reference": (
        Application.number.is_(None),
        func.coalesce(Application.number, literal_column("0", Integer)),  # as indexed
        Application.id,
    ),
    "name": (func.lower(User.full_name, type_=String), Application.id),
    "submitted": (
        func.coalesce(Application.submitted_at, literal(_NEVER, UTCDateTime)),
        Application.id,
    ),
    "status": (Application.status, Application.id),
}


def sort_keys(sort: str) -> tuple:
    """The sort key of the order ``sort`` (a name of SORTS)."""
    return SORTS[sort]


@dataclass
class ApplicationFilters:
    status: str = ""
    #: The answers filtered on: {question name: the value wanted}.
    answers: dict = field(default_factory=dict)
    q: str = ""
    sort: str = "reference"
    descending: bool = False

    @classmethod
    def from_args(cls, args, call: Call) -> ApplicationFilters:
        """Read the query string, ignoring anything unknown (``call``: its filters)."""
        values = cls(
            status=args.get("status", "") if args.get("status") in STATES else "",
            q=args.get("q", "").strip()[:100],
            sort=args.get("sort", "reference") if args.get("sort") in SORTS else "reference",
            descending=args.get("order") == "desc",
        )
        for name, question in filter_questions(call).items():
            wanted = args.get(name, "")
            if wanted in {value for value, _ in question.choices}:
                values.answers[name] = wanted
        return values

    def as_args(self, **changes) -> dict:
        """The query string of these filters, with ``changes``; empty values left out."""
        data = {
            "status": self.status,
            "q": self.q,
            "sort": self.sort,
            "descending": self.descending,
            **self.answers,
        } | changes
        order = "desc" if data.pop("descending") else ""
        return {key: value for key, value in (data | {"order": order}).items() if value}

    def query(self, call: Call, viewer: User | None = None) -> Select:
        """SELECT of the applications of ``call`` that ``viewer`` (by default the person of
        the request) may read and that match, sorted."""
        order = [key.desc() if self.descending else key for key in sort_keys(self.sort)]
        return self.matching(call, viewer).order_by(*order)

    def matching(self, call: Call, viewer: User | None = None, *, counting=False) -> Select:
        """SELECT of the applications of ``call`` that ``viewer`` (by default the person of
        the request) may read and that match, unsorted; joined to their applicants, but
        when ``counting`` without a search (every dossier has its applicant)."""
        viewer = current_user if viewer is None else viewer
        query = visible_applications(viewer, call)
        if self.q or not counting:
            query = query.join(Application.applicant)
        if self.status:
            query = query.where(Application.status == self.status)
        if self.answers:
            query = query.where(answers_hold(self.answers))
        if self.q:
            pattern = f"%{self.q.lower()}%"
            query = query.where(
                or_(
                    func.lower(Application.reference).like(pattern),
                    func.lower(User.full_name).like(pattern),
                )
            )
        return query
