"""Running the eligibility rules on dossiers, and staff's decisions on them.

Services flush; the caller commits. Every state change goes through
app.applications.services.apply_transition (audit row, emails).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select

from app.applications.models import Application
from app.applications.services import ApplicationError, ConcurrentUpdate, apply_transition
from app.auth.models import User
from app.calls.models import Call
from app.common.access import external_url
from app.common.clock import BRUSSELS, utcnow
from app.documents.models import Document
from app.eligibility.models import EligibilityDecision, InformationRequest, RuleOutcome
from app.eligibility.rules import FAIL, NEEDS_INFORMATION, PASS, Context, evaluate, verdict
from app.extensions import db
from app.outbox.services import queue_email

#: Dossiers waiting for staff's eligibility decision.
TO_CHECK = ("submitted", "info_requested")


class EligibilityError(ApplicationError):
    """A refused eligibility decision; the message is shown to staff."""


@dataclass(frozen=True)
class CheckSummary:
    dossiers: int
    passed: int
    failed: int
    needs_information: int
    seconds: float


def _context(call: Call, application: Application) -> Context:
    applied = application.submitted_at or utcnow()
    return Context(
        closing_date=call.closes_at.astimezone(BRUSSELS).date(),
        application_date=applied.astimezone(BRUSSELS).date(),
    )


def _facts(application: Application, kinds: list[str]) -> dict:
    return {**(application.answers or {}), "documents": kinds}


def check_application(application: Application) -> str:
    """Run every rule on one dossier and store the outcomes (replacing earlier ones).

    Returns the verdict. Idempotent: the same dossier gives the same rows.
    """
    kinds = [document.kind for document in application.documents]
    results = evaluate(
        _facts(application, kinds),
        application.call.eligibility,
        _context(application.call, application),
    )
    _store(application.id, results)
    return verdict(results)


def _store(application_id: int, results) -> None:
    db.session.execute(delete(RuleOutcome).where(RuleOutcome.application_id == application_id))
    now = utcnow()
    db.session.add_all(
        RuleOutcome(
            application_id=application_id,
            rule=r.rule,
            outcome=r.outcome,
            template=r.template,
            values=r.values,
            checked_at=now,
        )
        for r in results
    )
    db.session.flush()


def check_call(call: Call) -> CheckSummary:
    """Run the rules on every dossier of ``call`` waiting for a decision, in bulk.

    Reads the dossiers and their document kinds in two queries, replaces their rule
    outcomes with one DELETE and one multi-row INSERT. Idempotent.
    """
    started = time.perf_counter()
    applications = db.session.execute(
        select(Application.id, Application.answers, Application.submitted_at).where(
            Application.call_id == call.id, Application.status.in_(TO_CHECK)
        )
    ).all()
    ids = [row.id for row in applications]
    kinds: dict[int, list[str]] = {}
    for application_id, kind in db.session.execute(
        select(Document.application_id, Document.kind)
        .join(Application)
        .where(Application.call_id == call.id, Application.status.in_(TO_CHECK))
    ):
        kinds.setdefault(application_id, []).append(kind)
    closing = call.closes_at.astimezone(BRUSSELS).date()
    params, now, rows, tally = (
        call.eligibility,
        utcnow(),
        [],
        {PASS: 0, FAIL: 0, NEEDS_INFORMATION: 0},
    )
    for row in applications:
        applied = (row.submitted_at or now).astimezone(BRUSSELS).date()
        results = evaluate(
            {**(row.answers or {}), "documents": kinds.get(row.id, [])},
            params,
            Context(closing, applied),
        )
        tally[verdict(results)] += 1
        rows.extend(
            {
                "application_id": row.id,
                "rule": r.rule,
                "outcome": r.outcome,
                "template": r.template,
                "values": r.values,
                "checked_at": now,
            }
            for r in results
        )
    if ids:
        db.session.execute(delete(RuleOutcome).where(RuleOutcome.application_id.in_(ids)))
    if rows:
        db.session.execute(insert(RuleOutcome), rows)
    return CheckSummary(
        len(ids), tally[PASS], tally[FAIL], tally[NEEDS_INFORMATION], time.perf_counter() - started
    )


def verdicts(application_ids: list[int]) -> dict[int, str]:
    """The stored verdict of each dossier (None when never checked), in one query."""
    outcomes: dict[int, set[str]] = {}
    for application_id, outcome in db.session.execute(
        select(RuleOutcome.application_id, RuleOutcome.outcome).where(
            RuleOutcome.application_id.in_(application_ids)
        )
    ):
        outcomes.setdefault(application_id, set()).add(outcome)
    return {
        application_id: (
            FAIL if FAIL in found else NEEDS_INFORMATION if NEEDS_INFORMATION in found else PASS
        )
        for application_id, found in outcomes.items()
    }


def outcomes_of(application: Application) -> list[RuleOutcome]:
    from app.eligibility.rules import RULES

    order = {rule.__name__: index for index, rule in enumerate(RULES)}
    rows = db.session.scalars(
        select(RuleOutcome).where(RuleOutcome.application_id == application.id)
    ).all()
    return sorted(rows, key=lambda row: order.get(row.rule, 99))


def pending_proposal(application: Application) -> EligibilityDecision | None:
    return db.session.scalar(
        select(EligibilityDecision).where(
            EligibilityDecision.application_id == application.id,
            EligibilityDecision.status == "proposed",
        )
    )


def _check_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and application.version != expected_version:
        raise ConcurrentUpdate()


def declare_eligible(
    application: Application,
    *,
    actor: User,
    justification: str = "",
    expected_version: int | None = None,
) -> EligibilityDecision:
    """Declare the dossier eligible.

    When the automatic verdict is not "pass", a written justification is required
    (kept on the decision and in the audit trail). Side effects: a final
    EligibilityDecision, the ``declare_eligible`` transition (audit row).
    Raises EligibilityError, ConcurrentUpdate, TransitionRefused.
    """
    _check_version(application, expected_version)
    automatic = check_application(application)
    justification = (justification or "").strip()
    if automatic != PASS and not justification:
        raise EligibilityError(
            _l("The rules do not all pass: write why you declare this dossier eligible anyway.")
        )
    decision = EligibilityDecision(
        application=application,
        outcome="eligible",
        status="final",
        override_justification=justification,
        decided_by_id=actor.id,
        confirmed_at=utcnow(),
    )
    db.session.add(decision)
    apply_transition(application, "declare_eligible", actor=actor, note=justification or None)
    return decision


def declare_ineligible(
    application: Application,
    *,
    actor: User,
    reason: str,
    failed_rules: list[str],
    expected_version: int | None = None,
) -> EligibilityDecision:
    """Declare the dossier ineligible, with the reason the applicant will read.

    With the call's four-eyes option, this only proposes: the dossier stays
    "submitted" until another staff member confirms (:func:`confirm_ineligibility`).
    Side effects: an EligibilityDecision (proposed or final); when final, the
    ``declare_ineligible`` transition with the reason as its note.
    Raises EligibilityError (no reason, a proposal already waits), ConcurrentUpdate,
    TransitionRefused.
    """
    _check_version(application, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise EligibilityError(_l("Write the reason the applicant will read."))
    if pending_proposal(application) is not None:
        raise EligibilityError(
            _l("An ineligibility is already proposed for this dossier: confirm or cancel it.")
        )
    four_eyes = application.call.four_eyes_ineligibility
    decision = EligibilityDecision(
        application=application,
        outcome="ineligible",
        reason=reason,
        failed_rules=list(failed_rules),
        decided_by_id=actor.id,
        status="proposed" if four_eyes else "final",
        confirmed_at=None if four_eyes else utcnow(),
    )
    db.session.add(decision)
    if four_eyes:
        db.session.flush()
    else:
        apply_transition(application, "declare_ineligible", actor=actor, note=reason)
    return decision


def confirm_ineligibility(decision: EligibilityDecision, *, actor: User) -> None:
    """Second pair of eyes: make a proposed ineligibility final.

    Raises EligibilityError when the proposer confirms their own proposal or the
    proposal is no longer waiting. Side effect: the ``declare_ineligible`` transition.
    """
    if decision.status != "proposed":
        raise EligibilityError(_l("This proposal was already handled."))
    if decision.decided_by_id == actor.id:
        raise EligibilityError(_l("Another staff member must confirm your proposal."))
    decision.status, decision.confirmed_by_id, decision.confirmed_at = "final", actor.id, utcnow()
    apply_transition(decision.application, "declare_ineligible", actor=actor, note=decision.reason)


def cancel_proposal(decision: EligibilityDecision, *, actor: User) -> None:
    """Withdraw a proposed ineligibility; the dossier goes back to the queue."""
    if decision.status != "proposed":
        raise EligibilityError(_l("This proposal was already handled."))
    decision.status = "cancelled"
    db.session.flush()


def request_information(
    application: Application,
    *,
    actor: User,
    fields: list[str],
    documents: list[str],
    message: str,
    reply_by: date,
    expected_version: int | None = None,
) -> InformationRequest:
    """Ask the applicant for named answers and documents by ``reply_by``.

    The applicant may then change only those, and submits again. Side effects: an
    InformationRequest (with the answers as they were, to highlight changes), the
    ``request_information`` transition, an email listing exactly what is asked.
    Raises EligibilityError (nothing named, no message, a date in the past).
    """
    _check_version(application, expected_version)
    message = (message or "").strip()
    if not fields and not documents:
        raise EligibilityError(_l("Name at least one answer or document to complete."))
    if not message:
        raise EligibilityError(_l("Write a message to the applicant."))
    if reply_by <= utcnow().astimezone(BRUSSELS).date():
        raise EligibilityError(_l("The reply-by date must be in the future."))
    request = InformationRequest(
        application=application,
        fields=list(fields),
        documents=list(documents),
        message=message,
        reply_by=reply_by,
        answers_before=dict(application.answers or {}),
        requested_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    from app.applications.questions import QUESTIONS
    from app.documents.wording import KIND_LABELS

    apply_transition(
        application,
        "request_information",
        actor=actor,
        note=message,
        email_context={
            "request": request,
            "question_labels": {n: q.label for n, q in QUESTIONS.items()},
            "document_labels": KIND_LABELS,
        },
    )
    return request


def bulk_confirm(call: Call, application_ids: list[int], *, actor: User) -> int:
    """Declare eligible, in one transaction, the listed dossiers whose rules all pass.

    Dossiers that changed state or verdict since the list was shown are refused as a
    whole (EligibilityError), so nothing is confirmed half-way.
    """
    applications = db.session.scalars(
        select(Application).where(
            Application.id.in_(application_ids), Application.call_id == call.id
        )
    ).all()
    if len(applications) != len(set(application_ids)):
        raise EligibilityError(_l("Some dossiers are not of this call. Reload the page."))
    for application in applications:
        if application.status != "submitted" or check_application(application) != PASS:
            raise EligibilityError(
                _l(
                    "Dossier %(reference)s changed since the list was shown. Reload the page.",
                    reference=application.reference,
                )
            )
        declare_eligible(application, actor=actor)
    return len(applications)


def publish_decisions(call: Call, *, actor: User) -> int:
    """Let applicants see their eligibility outcome; email each decided applicant.

    Returns the number of applicants told. Publishing again tells only those decided
    since (each applicant is told once).
    """
    already = call.eligibility_published_at
    decided = db.session.scalars(
        select(EligibilityDecision)
        .join(Application)
        .where(
            Application.call_id == call.id,
            EligibilityDecision.status == "final",
            *([EligibilityDecision.confirmed_at > already] if already else []),
        )
    ).all()
    for decision in decided:
        applicant = decision.application.applicant
        queue_email(
            applicant.email,
            _l("Eligibility of your application %(reference)s"),
            "eligibility_published",
            locale=applicant.locale,
            application_id=decision.application_id,
            subject_params={"reference": decision.application.reference},
            application=decision.application,
            decision=decision,
            applicant=applicant,
            home_url=external_url("applications.my_applications"),
        )
    call.eligibility_published_at = utcnow()
    db.session.flush()
    return len(decided)


def published_decision(application: Application) -> EligibilityDecision | None:
    """The final eligibility decision, once published to the applicant."""
    if application.call.eligibility_published_at is None:
        return None
    return db.session.scalar(
        select(EligibilityDecision)
        .where(
            EligibilityDecision.application_id == application.id,
            EligibilityDecision.status == "final",
        )
        .order_by(EligibilityDecision.id.desc())
    )
