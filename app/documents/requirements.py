"""Which documents a call asks of an applicant, and which are still missing.

Pure rules on a dossier's call and answers: the application model asks them what
prevents submission (``Application.missing_items``), so nothing here imports it.
"""

from __future__ import annotations

from app.calls.models import DEFAULT_ELIGIBILITY

#: Every kind of document a call may ask for, in display order.
DOCUMENT_KINDS = (
    "identity",
    "cv",
    "business_plan",
    "criminal_record",
    "trade_register_certificate",
    "statutes",
    "balance_sheets",
)


def required_kinds(application) -> list[str]:
    """The kinds of document the call asks of this applicant, in DOCUMENT_KINDS order.

    Everyone owes the call's ``required_documents["all"]``; an applicant whose answers
    say ``stage == "company"`` also owes ``required_documents["company"]``. A call
    without the parameter asks what DEFAULT_ELIGIBILITY asks.
    """
    rules = {**DEFAULT_ELIGIBILITY, **(application.call.eligibility or {})}
    required = rules.get("required_documents") or {}
    wanted = set(required.get("all", []))
    if (application.answers or {}).get("stage") == "company":
        wanted |= set(required.get("company", []))
    return [kind for kind in DOCUMENT_KINDS if kind in wanted]


def missing_documents(application) -> list[str]:
    """The required kinds (see :func:`required_kinds`) without a current document."""
    present = {document.kind for document in application.documents}
    return [kind for kind in required_kinds(application) if kind not in present]
