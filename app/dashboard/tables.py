"""The table of the staff applications list export (CSV or XLSX)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.applications.wording import STATE_LABELS

HEADER = (
    _l("Reference"),
    _l("Status"),
    _l("Status code"),
    _l("Applicant"),
    _l("Email address"),
    _l("Project"),
)


def applications_table(applications, questions) -> tuple[list, object]:
    """Header (in the reader's language) and rows of ``applications`` (machine-readable
    values: the status also as its code, the answers to ``questions`` (the call's list
    filters) as their values, the submission as a date-time)."""
    header = [*HEADER, *(question.label for question in questions), _l("Submitted")]
    rows = (
        [
            application.reference or "",
            str(STATE_LABELS.get(application.status, application.status)),
            application.status,
            application.applicant.full_name,
            application.applicant.email,
            application.title,
            *((application.answers or {}).get(question.name) or "" for question in questions),
            application.submitted_at,
        ]
        for application in applications
    )
    return [str(label) for label in header], rows
