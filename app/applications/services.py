"""Every write about applications, and the one entry point that changes their state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.applications.models import Application, AuditEntry
from app.auth.models import User
from app.calls.models import Call
from app.common.access import external_url
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.extensions import db
from app.outbox.services import queue_email
from workflows import application as lifecycle
from workflows.application import TransitionRefused


class ApplicationError(Refusal):
    """A refused application operation; the message is shown to the user."""


class ConcurrentUpdate(ApplicationError):
    """Someone else changed the application since it was loaded."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This application was changed by someone else in the meantime. "
                "Reload the page and try again."
            )
        )


class NotPermitted(ApplicationError):
    """The user may not take this action on this application (shown as 404)."""


def start_application(call: Call, applicant: User) -> Application:
    """Open a draft for ``applicant`` on ``call``, or return the one they already have.

    Raises ApplicationError when the call is not open.
    """
    existing = db.session.scalar(
        select(Application).where(
            Application.call_id == call.id, Application.applicant_id == applicant.id
        )
    )
    if existing is not None:
        return existing
    if not call.is_open(utcnow()):
        raise ApplicationError(_l("This call is not open for applications."))
    application = Application(call=call, applicant=applicant, answers={})
    db.session.add(application)
    db.session.flush()
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
    if application.status == "info_requested":
        from app.eligibility.services import open_request

        request = open_request(application)
        allowed = set(request.fields) if request else set()
        answers = {name: value for name, value in answers.items() if name in allowed}
    application.answers = {**(application.answers or {}), **answers}
    _flush()


def _next_number(call_id: int) -> int:
    """Take the next gap-free number of a call; the row lock serialises concurrent submits."""
    with db.session.no_autoflush:
        return db.session.execute(
            update(Call)
            .where(Call.id == call_id)
            .values(last_application_number=Call.last_application_number + 1)
            .returning(Call.last_application_number)
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
    flush: bool = True,
) -> AuditEntry:
    """Fire ``trigger`` on ``application``: the only way an application changes state.

    Checks, in order: the version the user saw (``expected_version``), that ``actor``
    may fire this trigger (``actor=None`` is the system itself), and the lifecycle
    (source state and guards). Then, in the caller's transaction:

    - moves ``status`` and writes one :class:`AuditEntry` (from, to, trigger, actor, note);
    - ``submit``: gives the application its gap-free number and reference, stamps
      ``submitted_at``, queues the acknowledgement email;
    - ``resubmit``: marks the open information request answered, queues an
      acknowledgement email;
    - ``submit`` and ``resubmit``: run the eligibility rules on the dossier;
    - ``request_information``: queues an email to the applicant with ``note``;
    - ``withdraw``: queues a confirmation email;
    - leaving a place (``decline``, ``lapse``, ``withdraw`` from selected or confirmed):
      the reserve fills it (app.selection.services.promote_from_reserve); the promoted
      applications are in ``entry.promoted``.

    ``flush=False`` lets a caller that moves many applications at once (the jury
    assignment) flush them together; it must then call :func:`flush_transitions`.

    Raises ConcurrentUpdate (stale version, or a concurrent writer at flush),
    NotPermitted (the actor may not fire it), TransitionRefused (the lifecycle
    refuses; nothing is changed).
    """
    if expected_version is not None and application.version != expected_version:
        raise ConcurrentUpdate()
    if actor is not None and not application.can_fire(actor, trigger):
        raise NotPermitted(_l("You cannot do this on this application."))
    now = utcnow()
    source, dest = lifecycle.fire(application, trigger, now=now)
    entry = AuditEntry(
        application=application,
        from_state=source,
        to_state=dest,
        trigger=trigger,
        actor_id=actor.id if actor is not None else None,
        created_at=now,
        note=(note or "").strip() or None,
    )
    db.session.add(entry)
    if trigger == "submit":
        application.number = _next_number(application.call_id)
        application.reference = f"{application.call.reference}-{application.number:04d}"
        application.submitted_at = now
    if trigger == "resubmit":
        from app.eligibility.services import open_request

        request = open_request(application)
        if request is not None:
            request.answered_at = now
    _queue_side_effect_email(application, trigger, note, email_context or {})
    from app.letters.services import request_letter

    request_letter(application, trigger, entry)  # decisions only; generated after commit
    if not flush:
        return entry
    _flush()
    if trigger in ("submit", "resubmit"):
        from app.eligibility.services import check_application

        check_application(application)
    entry.promoted = []
    if source in lifecycle.PLACE_STATES and dest not in lifecycle.PLACE_STATES:
        from app.selection.services import promote_from_reserve

        entry.promoted = promote_from_reserve(application.call, actor=None)
    return entry


_EMAILS = {
    "submit": (_l("We received your application %(reference)s"), "application_submitted"),
    "resubmit": (
        _l("We received the completed application %(reference)s"),
        "application_submitted",
    ),
    "request_information": (
        _l("Information needed for your application %(reference)s"),
        "information_requested",
    ),
    "withdraw": (_l("Your application %(reference)s is withdrawn"), "application_withdrawn"),
    "lapse": (_l("Your place for %(reference)s went to the reserve list"), "place_lapsed"),
}


def _queue_side_effect_email(
    application: Application, trigger: str, note: str | None, extra: dict
) -> None:
    if trigger not in _EMAILS:
        return
    subject, template = _EMAILS[trigger]
    applicant = application.applicant
    reference = application.reference or application.title or "-"
    queue_email(
        applicant.email,
        subject,
        template,
        subject_params={"reference": reference},
        locale=applicant.locale,
        application_id=application.id,
        application=application,
        applicant=applicant,
        note=note,
        home_url=external_url("applications.my_applications"),
        **extra,
    )


__all__ = [
    "ApplicationError",
    "ConcurrentUpdate",
    "NotPermitted",
    "TransitionRefused",
    "apply_transition",
    "save_answers",
    "start_application",
]
