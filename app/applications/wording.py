"""How states and actions read for people: plain words, never the internal names."""

import re

from flask_babel import lazy_gettext as _l

from app.common.errors import PARAMETER_WORDING
from workflows.application import ApplicationStatus as S
from workflows.application import Trigger as T

#: What staff, jurors and coaches read for a state.
STATE_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.INFO_REQUESTED: _l("Information requested"),
    S.ELIGIBLE: _l("Eligible"),
    S.INELIGIBLE: _l("Not eligible"),
    S.IN_REVIEW: _l("In review"),
    S.SCORED: _l("Scored"),
    S.SELECTED: _l("Selected"),
    S.RESERVE: _l("Reserve list"),
    S.NOT_SELECTED: _l("Not selected"),
    S.CONFIRMED: _l("Place confirmed"),
    S.DECLINED: _l("Place declined"),
    S.COACHING: _l("In coaching"),
    S.COMPLETED: _l("Coaching completed"),
    S.DROPPED_OUT: _l("Dropped out"),
    S.WITHDRAWN: _l("Withdrawn"),
}

#: What an applicant reads: internal steps of the jury stay private until the decision.
APPLICANT_STATUS = {
    S.DRAFT: (_l("Draft"), _l("Complete every step, then submit before the closing date.")),
    S.SUBMITTED: (
        _l("Eligibility check in progress"),
        _l("The programme team is checking your eligibility."),
    ),
    S.INFO_REQUESTED: (
        _l("Information requested"),
        _l("The programme team needs more information: see the email we sent you."),
    ),
    S.ELIGIBLE: (_l("Under review"), _l("Your application is eligible and goes to the jury.")),
    S.INELIGIBLE: (
        _l("Decision available"),
        _l("Your application does not meet the conditions of the call."),
    ),
    S.IN_REVIEW: (_l("Under review"), _l("The jury is reading your application.")),
    S.SCORED: (_l("Under review"), _l("The jury is reading your application.")),
    S.SELECTED: (
        _l("Decision available"),
        _l("Congratulations, you are selected: confirm your place."),
    ),
    S.RESERVE: (
        _l("Decision available"),
        _l("You are on the reserve list; we will tell you if a place frees up."),
    ),
    S.NOT_SELECTED: (_l("Decision available"), _l("Your project was not selected this time.")),
    S.CONFIRMED: (_l("Place confirmed"), _l("A coach will be assigned to you soon.")),
    S.DECLINED: (_l("Place declined"), _l("You declined your place.")),
    S.COACHING: (_l("In coaching"), _l("You are working with your coach.")),
    S.COMPLETED: (_l("Coaching completed"), _l("Your coaching is complete.")),
    S.DROPPED_OUT: (_l("Coaching ended"), _l("Your coaching ended early.")),
    S.WITHDRAWN: (_l("Withdrawn"), _l("You withdrew this application.")),
}

#: Button labels of the lifecycle's triggers.
TRIGGER_LABELS = {
    T.SUBMIT: _l("Submit the application"),
    T.REQUEST_INFORMATION: _l("Request information"),
    T.RESUBMIT: _l("Submit again"),
    T.DECLARE_ELIGIBLE: _l("Declare eligible"),
    T.DECLARE_INELIGIBLE: _l("Declare ineligible"),
    T.START_REVIEW: _l("Send to the jury"),
    T.COMPLETE_REVIEW: _l("Close the review"),
    T.SELECT: _l("Select"),
    T.PLACE_ON_RESERVE: _l("Place on the reserve list"),
    T.REJECT: _l("Do not select"),
    T.PROMOTE: _l("Promote from the reserve"),
    T.CONFIRM: _l("Confirm my place"),
    T.DECLINE: _l("Decline my place"),
    T.LAPSE: _l("Free the place: not confirmed in time"),
    T.START_COACHING: _l("Start coaching"),
    T.COMPLETE_COACHING: _l("Complete coaching"),
    T.DROP_OUT: _l("Record a drop-out"),
    T.WITHDRAW: _l("Withdraw the application"),
}

#: What the person who fired a trigger reads then: what happened, to which dossier
#: (``reference``) and, when the applicant is e-mailed about it (app.outbox.subscribers
#: TRANSITION_EMAILS), to which address (``email``).
TRIGGER_DONE = {
    T.SUBMIT: _l("Application %(reference)s submitted. A confirmation was sent to %(email)s."),
    T.REQUEST_INFORMATION: _l(
        "Information requested for application %(reference)s. The applicant was e-mailed "
        "at %(email)s."
    ),
    T.RESUBMIT: _l(
        "Application %(reference)s submitted again with the information requested. "
        "A confirmation was sent to %(email)s."
    ),
    T.DECLARE_ELIGIBLE: _l("Application %(reference)s declared eligible."),
    T.DECLARE_INELIGIBLE: _l(
        "Application %(reference)s declared ineligible. The applicant is told when the "
        "eligibility decisions are published."
    ),
    T.START_REVIEW: _l("Application %(reference)s sent to the jury."),
    T.COMPLETE_REVIEW: _l("Review of application %(reference)s closed."),
    T.SELECT: _l("Application %(reference)s selected. The applicant was e-mailed at %(email)s."),
    T.PLACE_ON_RESERVE: _l(
        "Application %(reference)s placed on the reserve list. The applicant was e-mailed "
        "at %(email)s."
    ),
    T.REJECT: _l(
        "Application %(reference)s not selected. The applicant was e-mailed at %(email)s."
    ),
    T.PROMOTE: _l(
        "Application %(reference)s promoted from the reserve list: it is selected. The "
        "applicant was e-mailed at %(email)s."
    ),
    T.CONFIRM: _l(
        "Your place for application %(reference)s is confirmed. A coach will be assigned to "
        "you soon."
    ),
    T.DECLINE: _l("You declined your place for application %(reference)s."),
    T.LAPSE: _l(
        "The place of application %(reference)s is freed: it was not confirmed in time. The "
        "applicant was e-mailed at %(email)s."
    ),
    T.START_COACHING: _l("Coaching of application %(reference)s started."),
    T.COMPLETE_COACHING: _l("Coaching of application %(reference)s completed."),
    T.DROP_OUT: _l("Drop-out of application %(reference)s recorded."),
    T.WITHDRAW: _l("Application %(reference)s withdrawn. A confirmation was sent to %(email)s."),
}

#: A draft has no reference yet: its withdrawal names the call.
DRAFT_WITHDRAWN = _l(
    "Your draft application to %(call)s is withdrawn. A confirmation was sent to %(email)s."
)


def done_message(application, trigger: str) -> str:
    """What happened to ``application`` once ``trigger`` fired, in the reader's language."""
    values = {"reference": application.reference, "email": application.applicant.email}
    if application.reference is None:
        return str(DRAFT_WITHDRAWN) % {**values, "call": application.call.name}
    return str(TRIGGER_DONE[trigger]) % values


#: Triggers that ask for a written note (a justification or what is missing).
TRIGGERS_WITH_NOTE = {T.REQUEST_INFORMATION, T.DECLARE_INELIGIBLE, T.DROP_OUT, T.PROMOTE}

#: Triggers that ask for confirmation on a page of their own before they happen.
TRIGGERS_TO_CONFIRM = {T.WITHDRAW, T.DECLINE}

PARAMETER_WORDING["state"] = STATE_LABELS


def status_for_applicant(application) -> tuple:
    """(label, what happens next, state) as the applicant may see it now.

    An eligibility outcome stays "check in progress" until staff publish the call's
    eligibility decisions.
    """
    status = application.status
    published = application.call.eligibility_published_at is not None
    if status == S.INELIGIBLE and not published:
        status = S.SUBMITTED
    if status in (S.IN_REVIEW, S.SCORED):
        status = S.ELIGIBLE
    label, next_step = APPLICANT_STATUS[status]
    return label, next_step, status


#: Notes the system writes in the audit trail (stored in English, like code), and how a
#: page says them in the reader's language: (pattern of the stored note, message).
SYSTEM_NOTES = (
    (
        re.compile(r"Promoted from reserve position (?P<position>\d+)\."),
        _l("Promoted from reserve position %(position)s."),
    ),
    (re.compile(r"The confirmation deadline passed\."), _l("The confirmation deadline passed.")),
)


def audit_note(note: str | None) -> str:
    """An audit note as the reader should see it: a system note translated, a person's
    note as they wrote it."""
    if not note:
        return ""
    for pattern, message in SYSTEM_NOTES:
        match = pattern.fullmatch(note)
        if match:
            return str(message) % match.groupdict() if match.groupdict() else str(message)
    return note
