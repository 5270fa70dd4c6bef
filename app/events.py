"""Domain events: what happened, announced once by the service that did it.

A service that changes something calls :func:`announce` once per domain event, in the
transaction of the change. That writes one row of the audit log
(:class:`app.audit.models.AuditEvent`) and sends the blinker signal of the same name,
so that other areas react without being called: each area connects its receivers in
its own ``subscribers.py`` (imported by ``create_app``). No area imports another area's
services to cause a side effect.

Receivers run inside the same transaction, before the caller commits: what they write
is committed or rolled back with the change. Work that leaves the process (emails,
letters, jobs) is queued by them and sent after the commit.

Besides the named signals, every change of a dossier's state sends :data:`transitioned`
(sender: the application), which is what the lifecycle's subscribers listen to:

========================  ===========================================================
receiver                  reacts to
========================  ===========================================================
eligibility               ``submit``/``resubmit``: runs the rules, answers the request
letters                   the six decision triggers: requests the decision letter
outbox                    acknowledgements, information requests, withdrawals, lapses,
                          the selection's decisions: queues the applicant's email
selection                 a place left (decline, lapse, withdraw): fills it from reserve
========================  ===========================================================

Named events some areas react to besides the audit row:

========================  ===========================================================
receiver                  reacts to
========================  ===========================================================
jury                      ``assignment_run``, ``juror_assigned``, ``scoring_opened``,
                          ``scoring_reminders_due``: e-mails the jurors; ``recused``,
                          ``review_reopened``: e-mails the call's chairs (and the
                          juror whose review is reopened)
coaching                  ``start_coaching``, ``coach_assigned``: e-mails the coach
========================  ===========================================================
"""

from __future__ import annotations

import re
from enum import StrEnum

from blinker import Namespace
from flask import g, has_app_context

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.calls.models import Call
from app.common.clock import utcnow
from app.extensions import db
from workflows.application import Trigger


class Event(StrEnum):
    """Every kind of domain event. A dossier's transitions are named by their trigger
    (:class:`workflows.application.Trigger`); these are the others."""

    # Accounts
    USER_REGISTERED = "user_registered"
    USER_INVITED = "user_invited"
    ROLES_CHANGED = "roles_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    # Calls and their information sessions
    CALL_CREATED = "call_created"
    CALL_EDITED = "call_edited"
    FORM_EDITED = "form_edited"
    CALL_WORDING_EDITED = "call_wording_edited"
    CALENDAR_LINK_RENEWED = "calendar_link_renewed"
    INFO_SESSION_CREATED = "info_session_created"
    INFO_SESSION_EDITED = "info_session_edited"
    INFO_SESSION_DELETED = "info_session_deleted"
    # Applications and their documents
    APPLICATION_STARTED = "application_started"
    ANSWERS_SAVED = "answers_saved"
    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_REMOVED = "document_removed"
    # Eligibility
    ELIGIBILITY_OVERRIDDEN = "eligibility_overridden"
    INELIGIBILITY_PROPOSED = "ineligibility_proposed"
    INELIGIBILITY_PROPOSAL_CANCELLED = "ineligibility_proposal_cancelled"
    ELIGIBILITY_PUBLISHED = "eligibility_published"
    ELIGIBILITY_RULES_EDITED = "eligibility_rules_edited"
    ELIGIBLE_IN_BULK = "eligible_in_bulk"
    # Jury
    JURY_MEMBER_ADDED = "jury_member_added"
    JURY_MEMBER_REMOVED = "jury_member_removed"
    JURY_CHAIR_CHANGED = "jury_chair_changed"
    CONFLICT_DECLARED = "conflict_declared"
    CONFLICT_CHANGED = "conflict_changed"
    CONFLICT_RECORDED = "conflict_recorded"
    CONFLICT_WITHDRAWN = "conflict_withdrawn"
    NO_OTHER_CONFLICT_DECLARED = "no_other_conflict_declared"
    RECUSED = "recused"
    ASSIGNMENT_RUN = "assignment_run"
    JUROR_ASSIGNED = "juror_assigned"
    JUROR_UNASSIGNED = "juror_unassigned"
    REVIEW_DRAFT_SAVED = "review_draft_saved"
    REVIEW_SUBMITTED = "review_submitted"
    REVIEW_REOPENED = "review_reopened"
    SCORING_OPENED = "scoring_opened"
    SCORING_CLOSED = "scoring_closed"
    SCORING_REMINDERS_DUE = "scoring_reminders_due"
    # Selection
    SELECTION_RULES_CHANGED = "selection_rules_changed"
    SELECTION_COMPUTED = "selection_computed"
    SELECTION_MOVED = "selection_moved"
    SELECTION_PUBLISHED = "selection_published"
    # Letters
    LETTER_GENERATED = "letter_generated"
    LETTER_FAILED = "letter_failed"
    LETTER_REGENERATED = "letter_regenerated"
    LETTERS_RETRIED = "letters_retried"
    # Coaching
    COACHING_SETTINGS_SAVED = "coaching_settings_saved"
    COACH_PROFILE_SAVED = "coach_profile_saved"
    COACH_ASSIGNED = "coach_assigned"
    COACH_ENDED = "coach_ended"
    COACHING_SESSION_LOGGED = "coaching_session_logged"
    COACHING_SESSION_EDITED = "coaching_session_edited"
    COACHING_SESSION_UNLOCKED = "coaching_session_unlocked"
    ACTION_ITEM_ADDED = "action_item_added"
    ACTION_ITEM_DONE = "action_item_done"
    ACTION_ITEM_REOPENED = "action_item_reopened"
    ACTION_ITEM_COMMENTED = "action_item_commented"
    MILESTONE_SAVED = "milestone_saved"
    # Personal data
    PERSONAL_DATA_EXPORTED = "personal_data_exported"
    ERASURE_REQUESTED = "erasure_requested"
    ERASURE_REFUSED = "erasure_refused"
    PERSON_ERASED = "person_erased"
    DOCUMENTS_RETAINED = "documents_retention_applied"


#: Every name an audit row may carry: the lifecycle's triggers, then the other events.
EVENT_NAMES = tuple(str(name) for name in (*Trigger, *Event))

signals = Namespace()

#: A dossier changed state. Sender: the application. Keyword arguments: ``trigger``,
#: ``source``, ``dest`` (states), ``actor`` (None for the system), ``note``, ``entry``
#: (its audit row) and ``context`` (extra values for the applicant's email).
transitioned = signals.signal("transitioned")


#: A sensitive document was read (downloaded). Sender: the document. Keyword argument:
#: ``reader`` (the user). A read changes nothing, so it has no audit row: the privacy
#: area keeps its own access log, which the applicant sees.
document_read = signals.signal("document_read")


def signal(event: str):
    """The blinker signal of the domain event ``event`` (sent by :func:`announce`)."""
    return signals.signal(str(event))


def _where(subject) -> tuple[int | None, int | None]:
    """The call and the dossier a subject belongs to: a dossier is its own, a call is its
    own call, any other record says it by its ``call_id`` and ``application_id``."""
    if subject is None or isinstance(subject, tuple):
        return None, None
    if isinstance(subject, Call):
        return subject.id, None
    if isinstance(subject, Application):
        return subject.call_id, subject.id
    application_id = getattr(subject, "application_id", None)
    call_id = getattr(subject, "call_id", None)
    if call_id is None and application_id is not None:
        call_id = db.session.get(Application, application_id).call_id
    return call_id, application_id


def _subject(subject) -> tuple[str, int | None]:
    """("conflict_of_interest", 12) for a ConflictOfInterest row, a pair as it is."""
    if subject is None:
        return "", None
    if isinstance(subject, tuple):
        return subject
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(subject).__name__).lower(), subject.id


def announce(
    event: str,
    *,
    actor,
    subject=None,
    call_id: int | None = None,
    application_id: int | None = None,
    data: dict | None = None,
    **context,
) -> AuditEvent:
    """Record the domain event ``event`` and tell the subscribers.

    Writes one :class:`AuditEvent` (``actor``: a user, or None for the system;
    ``subject``: the record the event is about, or a ``(kind, id)`` pair; ``call_id`` and
    ``application_id``: where the call's audit viewer and the dossier's history find it,
    by default the subject's own (a dossier, a call, or a record of one);
    ``data``: JSON-ready facts) in the session (the caller's flush writes it), then sends
    ``signal(event)`` with the subject as sender and ``entry`` (the row), ``actor`` and
    ``context`` as keywords. Returns the row. Call it once per domain event, from the
    service that makes it.
    """
    kind, subject_id = _subject(subject)
    subject_call, subject_dossier = _where(subject)
    entry = AuditEvent(
        event=str(event),
        actor_id=actor.id if actor is not None else None,
        subject_kind=kind,
        subject_id=subject_id,
        call_id=call_id if call_id is not None else subject_call,
        application_id=application_id if application_id is not None else subject_dossier,
        data=data or {},
        created_at=utcnow(),
        request_id=g.get("request_id") if has_app_context() else None,
    )
    db.session.add(entry)
    signal(event).send(subject, entry=entry, actor=actor, **context)
    return entry
