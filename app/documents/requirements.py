"""Which documents a dossier's form asks of its applicant, and which are still missing.

Pure rules on a dossier's form (``application.form``: its ``documents``, see
app.application_forms.definition) and answers: the application model asks them what
prevents submission (``Application.missing_items``), so nothing here imports it.
"""

from __future__ import annotations

from app.applications.questions import condition_wording

#: Every kind of document a form may ask for, in display order.
DOCUMENT_KINDS = (
    "identity",
    "cv",
    "business_plan",
    "criminal_record",
    "trade_register_certificate",
    "statutes",
    "balance_sheets",
)


def asked_kinds(application) -> list[str]:
    """Every kind the dossier's form lists, required or not, in the form's order."""
    return [request.kind for request in application.form.documents]


def required_kinds(application) -> list[str]:
    """The kinds of document this applicant owes, in the form's order: those the form
    requires of everyone, and those whose condition the answers meet (a company's
    statutes when ``stage`` is ``company``, for MBI)."""
    answers = application.answers or {}
    return [
        request.kind
        for request in application.form.documents
        if request.required and request.applies(answers)
    ]


def missing_documents(application) -> list[str]:
    """The required kinds (see :func:`required_kinds`) without a current document."""
    present = {document.kind for document in application.documents}
    return [kind for kind in required_kinds(application) if kind not in present]


def documents_to_prepare(form) -> list[tuple[dict | None, list[str]]]:
    """What the call's public page lists: the kinds ``form`` requires of everyone (no
    condition: None), then those required on each condition, in the reader's words
    ({"question": ..., "answer": ...}), in form order."""
    groups: dict = {}
    for request in form.documents:
        if request.required:
            groups.setdefault(request.condition, []).append(request)
    return [
        (condition_wording(requests[0], form) if condition else None, [r.kind for r in requests])
        for condition, requests in sorted(groups.items(), key=lambda item: item[0] is not None)
    ]
