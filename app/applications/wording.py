"""How states and actions read for people: plain words, never the internal names."""

import re

from flask_babel import lazy_gettext as _l

from app.common.errors import PARAMETER_WORDING

#: What staff, jurors and coaches read for a state.
STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "info_requested": _l("Information requested"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Not eligible"),
    "in_review": _l("In review"),
    "scored": _l("Scored"),
    "selected": _l("Selected"),
    "reserve": _l("Reserve list"),
    "not_selected": _l("Not selected"),
    "confirmed": _l("Place confirmed"),
    "declined": _l("Place declined"),
    "coaching": _l("In coaching"),
    "completed": _l("Coaching completed"),
    "dropped_out": _l("Dropped out"),
    "withdrawn": _l("Withdrawn"),
}

#: What an applicant reads: internal steps of the jury stay private until the decision.
APPLICANT_STATUS = {
    "draft": (_l("Draft"), _l("Complete every step, then submit before the closing date.")),
    "submitted": (
        _l("Eligibility check in progress"),
        _l("The programme team is checking your eligibility."),
    ),
    "info_requested": (
        _l("Information requested"),
        _l("The programme team needs more information: see the email we sent you."),
    ),
    "eligible": (_l("Under review"), _l("Your application is eligible and goes to the jury.")),
    "ineligible": (
        _l("Decision available"),
        _l("Your application does not meet the conditions of the call."),
    ),
    "in_review": (_l("Under review"), _l("The jury is reading your application.")),
    "scored": (_l("Under review"), _l("The jury is reading your application.")),
    "selected": (
        _l("Decision available"),
        _l("Congratulations, you are selected: confirm your place."),
    ),
    "reserve": (
        _l("Decision available"),
        _l("You are on the reserve list; we will tell you if a place frees up."),
    ),
    "not_selected": (_l("Decision available"), _l("Your project was not selected this time.")),
    "confirmed": (_l("Place confirmed"), _l("A coach will be assigned to you soon.")),
    "declined": (_l("Place declined"), _l("You declined your place.")),
    "coaching": (_l("In coaching"), _l("You are working with your coach.")),
    "completed": (_l("Coaching completed"), _l("Your coaching is complete.")),
    "dropped_out": (_l("Coaching ended"), _l("Your coaching ended early.")),
    "withdrawn": (_l("Withdrawn"), _l("You withdrew this application.")),
}

#: Button labels of the lifecycle's triggers.
TRIGGER_LABELS = {
    "submit": _l("Submit the application"),
    "request_information": _l("Request information"),
    "resubmit": _l("Submit again"),
    "declare_eligible": _l("Declare eligible"),
    "declare_ineligible": _l("Declare ineligible"),
    "start_review": _l("Send to the jury"),
    "complete_review": _l("Close the review"),
    "select": _l("Select"),
    "place_on_reserve": _l("Place on the reserve list"),
    "reject": _l("Do not select"),
    "promote": _l("Promote from the reserve"),
    "confirm": _l("Confirm my place"),
    "decline": _l("Decline my place"),
    "lapse": _l("Free the place: not confirmed in time"),
    "start_coaching": _l("Start coaching"),
    "complete_coaching": _l("Complete coaching"),
    "drop_out": _l("Record a drop-out"),
    "withdraw": _l("Withdraw the application"),
}

#: Triggers that ask for a written note (a justification or what is missing).
TRIGGERS_WITH_NOTE = {"request_information", "declare_ineligible", "drop_out", "promote"}

#: Triggers that ask for confirmation on a page of their own before they happen.
TRIGGERS_TO_CONFIRM = {"withdraw", "decline"}

PARAMETER_WORDING["state"] = STATE_LABELS


def status_for_applicant(application) -> tuple:
    """(label, what happens next, state) as the applicant may see it now.

    An eligibility outcome stays "check in progress" until staff publish the call's
    eligibility decisions.
    """
    status = application.status
    published = application.call.eligibility_published_at is not None
    if status == "ineligible" and not published:
        status = "submitted"
    if status in ("in_review", "scored"):
        status = "eligible"
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
