"""The e-mails an applicant gets when their dossier changes state (see app.events)."""

from flask_babel import lazy_gettext as _l

from app.calls.wording import EMAIL_OF_TRIGGER, email_texts
from app.common.urls import external_url
from app.events import transitioned
from app.outbox import invitations  # noqa: F401 - the next coaching session's invitation
from app.outbox.services import queue_email
from workflows.application import Trigger
from workflows.letters import OUTCOME_OF_TRIGGER

#: trigger -> (subject, template in templates/email/).
TRANSITION_EMAILS = {
    Trigger.SUBMIT: (
        _l("We received your application %(reference)s"),
        "application_submitted",
    ),
    Trigger.RESUBMIT: (
        _l("We received the completed application %(reference)s"),
        "application_submitted",
    ),
    Trigger.REQUEST_INFORMATION: (
        _l("Information needed for your application %(reference)s"),
        "information_requested",
    ),
    Trigger.WITHDRAW: (
        _l("Your application %(reference)s is withdrawn"),
        "application_withdrawn",
    ),
    Trigger.LAPSE: (
        _l("Your place for %(reference)s went to the reserve list"),
        "place_lapsed",
    ),
    Trigger.SELECT: (_l("Your application %(reference)s is selected"), "selection_decision"),
    Trigger.PLACE_ON_RESERVE: (
        _l("Your application %(reference)s is on the reserve list"),
        "selection_decision",
    ),
    Trigger.REJECT: (
        _l("The decision on your application %(reference)s"),
        "selection_decision",
    ),
    Trigger.PROMOTE: (
        _l("A place is free: your application %(reference)s is selected"),
        "selection_decision",
    ),
}


@transitioned.connect
def email_the_applicant(application, *, trigger, note, context, **_) -> None:
    """Queue the applicant's e-mail for the change (sent after the commit), in their
    language, with ``context`` from the service (the request's items, the rank...) and
    the call's own subject and message where it wrote them (app.calls.wording)."""
    email = applicant_email(application, trigger, note=note, context=context)
    if email is not None:
        queue_email(*email[0], **email[1])


def applicant_email(application, trigger, *, note=None, context=None):
    """The arguments of :func:`queue_email` (a pair: positional, keyword) for the
    applicant's e-mail about ``trigger``, or None when the trigger sends none. The demo
    loader renders them itself (``rendered_email``) to insert many rows at once."""
    if trigger not in TRANSITION_EMAILS:
        return None
    context = context or {}
    subject, template = TRANSITION_EMAILS[trigger]
    custom_subject, custom_message = None, None
    if trigger in EMAIL_OF_TRIGGER:
        custom_subject, custom_message = email_texts(
            application, EMAIL_OF_TRIGGER[trigger], note=note, context=context
        )
    applicant = application.applicant
    return (applicant.email, custom_subject or subject, template), {
        "subject_params": {"reference": application.reference or application.title or "-"},
        "locale": applicant.locale,
        "application_id": application.id,
        "application": application,
        "applicant": applicant,
        "call": application.call,
        "note": note,
        "outcome": OUTCOME_OF_TRIGGER.get(trigger),
        "home_url": external_url("applications.my_applications"),
        "custom_message": custom_message,
        **context,
    }
