"""Exports of the applications area (``flask --app wsgi export <name> --call REF --as EMAIL``)."""

from sqlalchemy.orm import joinedload

from app.access.scopes import visible_applications
from app.applications.filters import filter_questions
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db


def applications(call: Call, *, viewer: User):
    """The call's applications the account given by --as may read: reference, status,
    applicant, the answers the call's list filters on (sector, region, channel for MBI)."""
    filtered = list(filter_questions(call))
    header = ["reference", "status", "applicant", "email", *filtered, "submitted_at"]
    rows = (
        [
            application.reference or "",
            application.status,
            application.applicant.full_name,
            application.applicant.email,
            *((application.answers or {}).get(name) or "" for name in filtered),
            application.submitted_at,
        ]
        for application in db.session.scalars(
            visible_applications(viewer, call)
            .options(joinedload(Application.applicant))
            .order_by(Application.number.is_(None), Application.number, Application.id)
        )
    )
    return header, rows


EXPORTS = {"applications": applications}
