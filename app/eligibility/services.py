"""Staff's eligibility decisions on dossiers, and their publication to applicants.

Running the rules is app.eligibility.checks; every change of state goes through
app.applications.services.apply_transition (one audit row, the applicant's email and
letter through its subscribers). Services flush; the caller commits.

Two staff deciding one dossier at once take turns: a decision takes the dossier's row
lock before it compares the version the page showed, and settling a proposal takes the
proposal's, so the second of them is told the dossier changed meanwhile (409).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import apply_transition
from app.auth.models import User
from app.calls.models import Call
from app.calls.wording import email_texts
from app.common.clock import BRUSSELS, utcnow
from app.common.errors import ConcurrentUpdate, Conflict, Refusal
from app.common.locking import lock
from app.common.urls import external_url
from app.documents.wording import KIND_LABELS
from app.eligibility.checks import check_application
from app.eligibility.models import DecisionStatus, EligibilityDecision, InformationRequest
from app.eligibility.rules import PASS
from app.events import Event, announce
from app.extensions import db
from app.outbox.services import queue_email
from workflows.application import ApplicationStatus, Trigger


class EligibilityError(Refusal):
    """A refused eligibility decision; the message is shown to staff."""


class EligibilityConflict(EligibilityError, Conflict):
    """Another staff member decided on the dossier since the page was shown: 409, reload."""


def pending_proposal(application: Application) -> EligibilityDecision | None:
    """The proposed ineligibility waiting for a second staff member, if any."""
    return db.session.scalar(
        select(EligibilityDecision).where(
            EligibilityDecision.application_id == application.id,
            EligibilityDecision.status == DecisionStatus.PROPOSED,
        )
    )


def _check_version(application: Application, expected_version: int | None) -> None:
    """Take the dossier's row lock (a second decision waits for the first to commit),
    then refuse when it changed since the page showed ``expected_version``."""
    lock(application)
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

    When a rule does not pass, a written justification is required: the transition is
    then announced as ``eligibility_overridden``, with the rules that do not pass (one
    audit row either way). Side effects: a final EligibilityDecision, the
    ``declare_eligible`` transition. Raises EligibilityError, ConcurrentUpdate,
    TransitionRefused.
    """
    _check_version(application, expected_version)
    not_passing = [r.rule for r in check_application(application) if r.outcome != PASS]
    justification = (justification or "").strip()
    if not_passing and not justification:
        raise EligibilityError(
            _l("The rules do not all pass: write why you declare this dossier eligible anyway.")
        )
    decision = EligibilityDecision(
        application=application,
        outcome=ApplicationStatus.ELIGIBLE,
        status=DecisionStatus.FINAL,
        override_justification=justification,
        decided_by_id=actor.id,
        confirmed_at=utcnow(),
    )
    db.session.add(decision)
    apply_transition(
        application,
        Trigger.DECLARE_ELIGIBLE,
        actor=actor,
        note=justification or None,
        event=Event.ELIGIBILITY_OVERRIDDEN if not_passing else None,
        data={"rules_not_passing": not_passing} if not_passing else None,
    )
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

    With the call's four-eyes option, this only proposes (announced as
    ``ineligibility_proposed``): the dossier stays submitted until another staff member
    confirms (:func:`confirm_ineligibility`). Otherwise the ``declare_ineligible``
    transition, with the reason as its note. Side effect: an EligibilityDecision
    (proposed or final). Raises EligibilityError (no reason), EligibilityConflict (a
    proposal already waits), ConcurrentUpdate, TransitionRefused.
    """
    _check_version(application, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise EligibilityError(_l("Write the reason the applicant will read."))
    if pending_proposal(application) is not None:
        raise EligibilityConflict(
            _l("An ineligibility is already proposed for this dossier: confirm or cancel it.")
        )
    four_eyes = application.call.four_eyes_ineligibility
    decision = EligibilityDecision(
        application=application,
        outcome=ApplicationStatus.INELIGIBLE,
        reason=reason,
        failed_rules=list(failed_rules),
        decided_by_id=actor.id,
        status=DecisionStatus.PROPOSED if four_eyes else DecisionStatus.FINAL,
        confirmed_at=None if four_eyes else utcnow(),
    )
    db.session.add(decision)
    facts = {"failed_rules": list(failed_rules)}
    if not four_eyes:
        apply_transition(
            application, Trigger.DECLARE_INELIGIBLE, actor=actor, note=reason, data=facts
        )
        return decision
    db.session.flush()
    _announce_proposal(Event.INELIGIBILITY_PROPOSED, decision, actor, {**facts, "note": reason})
    db.session.flush()
    return decision


def _announce_proposal(event: Event, decision: EligibilityDecision, actor: User, data: dict):
    announce(
        event,
        actor=actor,
        subject=decision,
        call_id=decision.application.call_id,
        data=data,
    )


def _check_waiting(decision: EligibilityDecision) -> None:
    """Take the proposal's row lock (of two staff settling it at once, the second waits),
    then refuse unless it still waits."""
    lock(decision)
    if decision.status != DecisionStatus.PROPOSED:
        raise EligibilityConflict(_l("This proposal was already handled."))


def confirm_ineligibility(decision: EligibilityDecision, *, actor: User) -> None:
    """Second pair of eyes: make a proposed ineligibility final.

    Raises EligibilityError when the proposer confirms their own proposal,
    EligibilityConflict when it is no longer waiting (another staff member settled it
    meanwhile). Side effect: the ``declare_ineligible`` transition
    (its audit row names who proposed it).
    """
    _check_waiting(decision)
    if decision.decided_by_id == actor.id:
        raise EligibilityError(_l("Another staff member must confirm your proposal."))
    decision.status = DecisionStatus.FINAL
    decision.confirmed_by_id, decision.confirmed_at = actor.id, utcnow()
    apply_transition(
        decision.application,
        Trigger.DECLARE_INELIGIBLE,
        actor=actor,
        note=decision.reason,
        data={"failed_rules": decision.failed_rules, "proposed_by": decision.decided_by_id},
    )


def cancel_proposal(decision: EligibilityDecision, *, actor: User) -> None:
    """Withdraw a proposed ineligibility (announced as
    ``ineligibility_proposal_cancelled``); the dossier goes back to the queue.

    Raises EligibilityConflict when it is no longer waiting (settled meanwhile)."""
    _check_waiting(decision)
    decision.status = DecisionStatus.CANCELLED
    _announce_proposal(
        Event.INELIGIBILITY_PROPOSAL_CANCELLED,
        decision,
        actor,
        {"proposed_by": decision.decided_by_id},
    )
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
    apply_transition(
        application,
        Trigger.REQUEST_INFORMATION,
        actor=actor,
        note=message,
        data={"fields": list(fields), "documents": list(documents)},
        email_context={
            "request": request,
            "question_labels": {n: q.label for n, q in application.form.questions.items()},
            "document_labels": KIND_LABELS,
        },
    )
    return request


def bulk_confirm(call: Call, application_ids: list[int], *, actor: User) -> int:
    """Declare eligible, in one transaction, the listed dossiers whose rules all pass.

    One audit row per dossier (its transition), and one for the operation
    (``eligible_in_bulk``). Dossiers that changed state or verdict since the list was
    shown are refused as a whole (EligibilityError), so nothing is confirmed half-way.
    """
    applications = db.session.scalars(
        select(Application).where(
            Application.id.in_(application_ids), Application.call_id == call.id
        )
    ).all()
    if len(applications) != len(set(application_ids)):
        raise EligibilityError(_l("Some dossiers are not of this call. Reload the page."))
    for application in applications:
        if application.status != ApplicationStatus.SUBMITTED or any(
            result.outcome != PASS for result in check_application(application)
        ):
            raise EligibilityError(
                _l(
                    "Dossier %(reference)s changed since the list was shown. Reload the page.",
                    reference=application.reference,
                )
            )
        declare_eligible(application, actor=actor)
    announce(
        Event.ELIGIBLE_IN_BULK,
        actor=actor,
        subject=call,
        data={"applications": sorted(application.id for application in applications)},
    )
    db.session.flush()
    return len(applications)


def publish_decisions(call: Call, *, actor: User) -> int:
    """Let applicants see their eligibility outcome; email each decided applicant.

    Announced as ``eligibility_published`` (how many were told). Returns the number of
    applicants told. Publishing again tells only those decided since (each applicant
    is told once).
    """
    already = call.eligibility_published_at
    decided = db.session.scalars(
        select(EligibilityDecision)
        .join(Application)
        .where(
            Application.call_id == call.id,
            EligibilityDecision.status == DecisionStatus.FINAL,
            *([EligibilityDecision.confirmed_at > already] if already else []),
        )
    ).all()
    for decision in decided:
        _tell(decision)
    call.eligibility_published_at = utcnow()
    announce(
        Event.ELIGIBILITY_PUBLISHED,
        actor=actor,
        subject=call,
        data={"told": len(decided)},
    )
    db.session.flush()
    return len(decided)


def _tell(decision: EligibilityDecision) -> None:
    """Queue the applicant's email about the published decision (in the call's own
    wording where it wrote one, app.calls.wording)."""
    applicant = decision.application.applicant
    outcome = "eligible" if decision.is_eligible else "ineligible"
    subject, message = email_texts(decision.application, outcome, context={"decision": decision})
    queue_email(
        applicant.email,
        subject or _l("Eligibility of your application %(reference)s"),
        "eligibility_published",
        locale=applicant.locale,
        application_id=decision.application_id,
        subject_params={"reference": decision.application.reference},
        application=decision.application,
        decision=decision,
        applicant=applicant,
        home_url=external_url("applications.my_applications"),
        custom_message=message,
    )
