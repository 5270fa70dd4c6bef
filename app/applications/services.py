"""Every write about applications, and the one entry point that changes their state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.access.policy import may_fire
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.errors import ConcurrentUpdate, NotPermitted, Refusal
from app.eligibility.models import open_request
from app.events import Event, announce, transitioned
from app.extensions import db
from workflows import application as lifecycle
from workflows.application import ApplicationStatus, TransitionRefused, Trigger


class ApplicationError(Refusal):
    """A refused application operation; the message is shown to the user."""


def start_application(call: Call, *, actor: User) -> Application:
    """Open a draft for the applicant ``actor`` on ``call`` (announced as
    ``application_started``), or return the one they already have (nothing written).
    The draft starts with what the account knows, in the questions of the call's form
    that ask for it (``prefill``: the name, the e-mail address).

    Raises ApplicationError when the call is not open.
    """
    existing = db.session.scalar(
        select(Application).where(
            Application.call_id == call.id, Application.applicant_id == actor.id
        )
    )
    if existing is not None:
        return existing
    if not call.is_open(utcnow()):
        raise ApplicationError(_l("This call is not open for applications."))
    application = Application(
        call=call,
        applicant=actor,
        answers=call_form(call).prefilled_answers(actor),
        form_version_id=call.form_version_id,
    )
    db.session.add(application)
    db.session.flush()
    announce(
        Event.APPLICATION_STARTED,
        actor=actor,
        subject=application,
    )
    return application


def save_answers(
    application: Application, answers: dict, *, actor: User, expected_version: int
) -> None:
    """Store validated answers of one step; other answers stay as they were.

    Raises ConcurrentUpdate when the application changed since ``expected_version``
    (another tab, another device), ApplicationError when it can no longer be edited.
    """
    if application.version != expected_version:
        raise ConcurrentUpdate()
    if not application.is_editable or actor.id != application.applicant_id:
        raise ApplicationError(_l("This application was submitted and can no longer be edited."))
    if application.status == ApplicationStatus.INFO_REQUESTED:
        request = open_request(application)
        allowed = set(request.fields) if request else set()
        answers = {name: value for name, value in answers.items() if name in allowed}
    before = application.answers or {}
    changed = sorted(name for name, value in answers.items() if before.get(name) != value)
    application.answers = {**(application.answers or {}), **answers}
    announce(
        Event.ANSWERS_SAVED,
        actor=actor,
        subject=application,
        data={"fields": changed},
    )
    _flush()


def _next_number(call_id: int) -> int:
    """Take the next gap-free number of a call; the row lock serialises concurrent submits."""
    with db.session.no_autoflush:
        return db.session.execute(
            update(Call)
            .where(Call.id == call_id)
            .values(last_application_number=Call.last_application_number + 1)
            .returning(Call.last_application_number),
            # "fetch": the call's object is matched by its id, not by scanning every object
            # the session holds ("evaluate", quadratic in the demo's long session).
            execution_options={"synchronize_session": "fetch"},
        ).scalar_one()


def flush_transitions() -> None:
    """Write the transitions fired with ``flush=False`` (ConcurrentUpdate if one lost)."""
    _flush()


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError as error:
        raise ConcurrentUpdate() from error


def apply_transition(
    application: Application,
    trigger: str,
    *,
    actor: User | None,
    note: str | None = None,
    expected_version: int | None = None,
    email_context: dict | None = None,
    data: dict | None = None,
    event: str | None = None,
    flush: bool = True,
) -> AuditEvent:
    """Fire ``trigger`` on ``application``: the only way an application changes state.

    Checks, in order: the version the user saw (``expected_version``), that ``actor``
    may fire this trigger (``actor=None`` is the system itself; the access policy says
    who may), and the lifecycle (source state and guards). Then, in the caller's
    transaction:

    - moves ``status``; ``submit`` also gives the gap-free number and reference and
      stamps ``submitted_at``;
    - announces the event named by the trigger (or ``event``, when the service names
      what happened more exactly, e.g. ``eligibility_overridden``): one audit row (from,
      to, note, and ``data``), then the :data:`app.events.transitioned` signal, whose
      subscribers
      (see app.events) run the eligibility rules on a submission, request the decision
      letter, queue the applicant's email and fill a freed place from the reserve.

    ``flush=False`` lets a caller that moves many applications at once (the jury
    assignment, the publication) flush them together with :func:`flush_transitions`;
    the subscribers run the same either way.

    Returns the audit row. Raises ConcurrentUpdate (stale version, or a concurrent
    writer at flush), NotPermitted (the actor may not fire it), TransitionRefused (the
    lifecycle refuses; nothing is changed).
    """
    if expected_version is not None and application.version != expected_version:
        raise ConcurrentUpdate()
    if actor is not None and not may_fire(actor, application, trigger):
        raise NotPermitted(_l("You cannot do this on this application."))
    now = utcnow()
    source, dest = lifecycle.fire(application, trigger, now=now)
    if trigger == Trigger.SUBMIT:
        application.number = _next_number(application.call_id)
        application.reference = f"{application.call.reference}-{application.number:04d}"
        application.submitted_at = now
    note = (note or "").strip() or None
    entry = announce(
        event or trigger,
        actor=actor,
        subject=application,
        data={"from": str(source), "to": str(dest), "note": note, **(data or {})},
    )
    entry.created_at = now
    if flush:
        _flush()
    transitioned.send(
        application,
        trigger=Trigger(trigger),
        source=source,
        dest=dest,
        actor=actor,
        note=note,
        entry=entry,
        context=email_context or {},
    )
    if flush:
        _flush()
    return entry


__all__ = [
    "ApplicationError",
    "ConcurrentUpdate",
    "NotPermitted",
    "TransitionRefused",
    "apply_transition",
    "save_answers",
    "start_application",
]
