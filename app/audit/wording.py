"""How the audit log reads for people: a label per event, the facts in plain words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.applications.wording import STATE_LABELS, TRIGGER_LABELS, audit_note
from app.auth.models import Role
from app.documents.wording import KIND_LABELS as DOCUMENT_KINDS
from app.events import Event
from app.jury.forms import KIND_LABELS as CONFLICT_KINDS
from app.selection.wording import MOVE_REASON_LABELS

#: What the audit viewer says for each event that is not a change of state (those read
#: as the lifecycle's own buttons, TRIGGER_LABELS).
EVENT_LABELS = {
    Event.USER_REGISTERED: _l("Account registered"),
    Event.USER_INVITED: _l("Person invited"),
    Event.ROLES_CHANGED: _l("Roles changed"),
    Event.USER_DEACTIVATED: _l("Account deactivated"),
    Event.USER_REACTIVATED: _l("Account reactivated"),
    Event.CALL_CREATED: _l("Call created"),
    Event.CALL_EDITED: _l("Call edited"),
    Event.FORM_EDITED: _l("Application form edited"),
    Event.ELIGIBILITY_RULES_EDITED: _l("Eligibility rules edited"),
    Event.CALL_WORDING_EDITED: _l("Wording of the letters and e-mails edited"),
    Event.CALENDAR_LINK_RENEWED: _l("Calendar link renewed (the old one stopped working)"),
    Event.INFO_SESSION_CREATED: _l("Information session created"),
    Event.INFO_SESSION_EDITED: _l("Information session edited"),
    Event.INFO_SESSION_DELETED: _l("Information session deleted"),
    Event.APPLICATION_STARTED: _l("Application started"),
    Event.ANSWERS_SAVED: _l("Answers saved"),
    Event.DOCUMENT_UPLOADED: _l("Document uploaded"),
    Event.DOCUMENT_REMOVED: _l("Document removed"),
    Event.ELIGIBILITY_OVERRIDDEN: _l("Declared eligible against the rules"),
    Event.INELIGIBILITY_PROPOSED: _l("Ineligibility proposed (second opinion asked)"),
    Event.INELIGIBILITY_PROPOSAL_CANCELLED: _l("Proposal of ineligibility cancelled"),
    Event.ELIGIBILITY_PUBLISHED: _l("Eligibility outcomes published"),
    Event.ELIGIBLE_IN_BULK: _l("Dossiers whose rules all pass declared eligible together"),
    Event.JURY_MEMBER_ADDED: _l("Jury member added"),
    Event.JURY_MEMBER_REMOVED: _l("Jury member removed"),
    Event.JURY_CHAIR_CHANGED: _l("Jury chair changed"),
    Event.CONFLICT_DECLARED: _l("Conflict of interest declared"),
    Event.CONFLICT_CHANGED: _l("Conflict of interest changed"),
    Event.CONFLICT_RECORDED: _l("Conflict of interest recorded by staff"),
    Event.CONFLICT_WITHDRAWN: _l("Conflict of interest withdrawn"),
    Event.NO_OTHER_CONFLICT_DECLARED: _l("No other conflict of interest declared"),
    Event.RECUSED: _l("Juror recused"),
    Event.ASSIGNMENT_RUN: _l("Automatic assignment run"),
    Event.JUROR_ASSIGNED: _l("Juror assigned"),
    Event.JUROR_UNASSIGNED: _l("Juror unassigned"),
    Event.REVIEW_DRAFT_SAVED: _l("Review draft saved"),
    Event.REVIEW_SUBMITTED: _l("Review submitted"),
    Event.REVIEW_REOPENED: _l("Review reopened"),
    Event.SCORING_OPENED: _l("Scoring opened"),
    Event.SCORING_CLOSED: _l("Scoring closed"),
    Event.SCORING_REMINDERS_DUE: _l("Jurors reminded that scoring closes soon"),
    Event.SELECTION_RULES_CHANGED: _l("Selection rules changed"),
    Event.SELECTION_COMPUTED: _l("Selection proposal computed"),
    Event.SELECTION_MOVED: _l("Dossier moved in the proposal"),
    Event.SELECTION_PUBLISHED: _l("Selection published"),
    Event.LETTER_GENERATED: _l("Letter generated"),
    Event.LETTER_FAILED: _l("Letter failed"),
    Event.LETTER_REGENERATED: _l("Letter generated again"),
    Event.LETTERS_RETRIED: _l("Failed letters retried"),
    Event.COACHING_SETTINGS_SAVED: _l("Coaching settings saved"),
    Event.COACH_PROFILE_SAVED: _l("Coach profile saved"),
    Event.COACH_ASSIGNED: _l("Coach assigned"),
    Event.COACH_ENDED: _l("Coach's follow-up ended"),
    Event.COACHING_SESSION_LOGGED: _l("Coaching session logged"),
    Event.COACHING_SESSION_EDITED: _l("Coaching session edited"),
    Event.COACHING_SESSION_UNLOCKED: _l("Coaching session unlocked"),
    Event.ACTION_ITEM_ADDED: _l("Action item added"),
    Event.ACTION_ITEM_DONE: _l("Action item done"),
    Event.ACTION_ITEM_REOPENED: _l("Action item reopened"),
    Event.ACTION_ITEM_COMMENTED: _l("Action item commented"),
    Event.MILESTONE_SAVED: _l("Milestone saved"),
    Event.PERSONAL_DATA_EXPORTED: _l("Personal data downloaded"),
    Event.ERASURE_REQUESTED: _l("Erasure requested"),
    Event.ERASURE_REFUSED: _l("Erasure refused"),
    Event.PERSON_ERASED: _l("Person erased"),
    Event.DOCUMENTS_RETAINED: _l("Documents deleted after the retention period"),
}


#: How a reader outside the programme is told who did something: by role, never by name.
ROLE_OF_ACTOR = (
    (Role.STAFF, _l("programme staff")),
    (Role.CHAIR, _l("the chair of the jury")),
    (Role.JUROR, _l("a member of the jury")),
    (Role.COACH, _l("a coach")),
)


def actor_role(entry, reader) -> str:
    """Who did ``entry``, as ``reader`` (an applicant) is told: "you", "the system", or
    the actor's role ("programme staff", "a member of the jury"...), never a name."""
    if entry.actor_id is None:
        return str(_l("the system"))
    if entry.actor_id == reader.id:
        return str(_l("you"))
    roles = entry.actor.roles if entry.actor is not None else set()
    for role, label in ROLE_OF_ACTOR:
        if role in roles:
            return str(label)
    return str(_l("programme staff"))


#: What the facts of an event (the keys of its data) are called for people.
FACT_LABELS = {
    "fields": _l("Answers"),
    "documents": _l("Documents"),
    "failed_rules": _l("Rules not met"),
    "rules_not_passing": _l("Rules not met"),
    "is_chair": _l("Chair"),
    "languages": _l("Languages"),
    "kind": _l("Kind"),
    "assignment": _l("Assignment"),
    "dossiers": _l("Dossiers"),
    "jurors": _l("Jurors"),
    "made": _l("Assignments made"),
    "released": _l("Assignments released"),
    "started_review": _l("Sent to the jury"),
    "prefer_language": _l("Language preferred"),
    "total": _l("Total"),
    "pending": _l("Pending"),
    "completed": _l("Completed"),
    "moves_kept": _l("Moves kept"),
    "selected": _l("Selected"),
    "reserve": _l("Reserve list"),
    "not_selected": _l("Not selected"),
    "reason": _l("Reason"),
    "outcome": _l("Outcome"),
    "version": _l("Version"),
    "decision": _l("Decision"),
    "previous": _l("Before"),
    "size": _l("Size"),
    "replaced": _l("Replaced"),
    "told": _l("People told"),
    "failed": _l("Failed"),
    "copied_from": _l("Copied from"),
    "declared": _l("Conflicts declared"),
    "closes_at": _l("Scoring closes"),
    "reminded": _l("Jurors reminded"),
    "imported_from": _l("Imported from"),
}

#: How the values of a fact read, by the fact's key ({"kind": {"family": "Family"...}}),
#: from the areas' own vocabularies.
VALUE_WORDING: dict[str, dict] = {
    "kind": {**CONFLICT_KINDS, **DOCUMENT_KINDS},
    "decision": STATE_LABELS,
    "previous": STATE_LABELS,
    "reason": MOVE_REASON_LABELS,
}


def fact_label(key: str) -> str:
    """A fact's name for people: its label, else the key in words."""
    return str(FACT_LABELS.get(key) or key.replace("_", " "))


def fact_value(key: str, value) -> object:
    """A fact's value in words when its area gave them, else the value itself."""
    wording = VALUE_WORDING.get(key, {})
    if isinstance(value, str) and value in wording:
        return str(wording[value])
    return value


def event_label(name: str) -> str:
    """What the event ``name`` is called for people."""
    label = TRIGGER_LABELS.get(name) or EVENT_LABELS.get(name)
    return str(label) if label is not None else name


def all_event_labels() -> dict[str, object]:
    """Every event name with its label: the changes of state, then the other events."""
    return {**TRIGGER_LABELS, **EVENT_LABELS}


def event_summary(entry) -> str:
    """One line for the facts of ``entry``: "Submitted → Eligible" for a change of state,
    the note if any."""
    parts = []
    if entry.from_state and entry.to_state:
        parts.append(
            f"{STATE_LABELS.get(entry.from_state, entry.from_state)} → "
            f"{STATE_LABELS.get(entry.to_state, entry.to_state)}"
        )
    if entry.note:
        parts.append(f"“{audit_note(entry.note)}”")
    return " · ".join(parts)
