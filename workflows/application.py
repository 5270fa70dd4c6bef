"""The lifecycle of a project application, the single authority on what may happen to it.

One machine is shared by every row (``model=None``): it reads and writes the row's
``status`` attribute and never keeps state of its own. Fire a trigger with
:func:`fire`; the application layer wraps it with permissions, the audit row and
side effects (``app.applications.services.apply_transition``).

A model handed to the machine provides:

- ``status``: the current state name;
- ``deadline``: the closing time of its call (aware datetime, or ``None``);
- ``missing_items()``: what still prevents submission (an empty list when complete).

Guards get the current time from the ``now`` keyword, so that a frozen clock in
tests and the real clock in production go through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from transitions import EventData, Machine, MachineError

from workflows.errors import N_, Conflict


class ApplicationStatus(StrEnum):
    """Every state of a dossier, in the order of the lifecycle."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_REVIEW = "in_review"
    SCORED = "scored"
    SELECTED = "selected"
    RESERVE = "reserve"
    NOT_SELECTED = "not_selected"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    COACHING = "coaching"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    WITHDRAWN = "withdrawn"


class Trigger(StrEnum):
    """Every action of the lifecycle."""

    SUBMIT = "submit"
    REQUEST_INFORMATION = "request_information"
    RESUBMIT = "resubmit"
    DECLARE_ELIGIBLE = "declare_eligible"
    DECLARE_INELIGIBLE = "declare_ineligible"
    START_REVIEW = "start_review"
    COMPLETE_REVIEW = "complete_review"
    SELECT = "select"
    PLACE_ON_RESERVE = "place_on_reserve"
    REJECT = "reject"
    PROMOTE = "promote"
    CONFIRM = "confirm"
    DECLINE = "decline"
    LAPSE = "lapse"
    START_COACHING = "start_coaching"
    COMPLETE_COACHING = "complete_coaching"
    DROP_OUT = "drop_out"
    WITHDRAW = "withdraw"


S = ApplicationStatus
T = Trigger

#: Every state, in the order of the lifecycle.
STATES = [str(state) for state in ApplicationStatus]

# Groups of states: defined here once; every area names them, none spells them out.

#: The applicant may still change answers and documents.
EDITABLE = frozenset({S.DRAFT, S.INFO_REQUESTED})

#: Waiting for the eligibility check (rules run on them).
TO_CHECK = (S.SUBMITTED, S.INFO_REQUESTED)

#: No decision has been taken yet: the applicant may still withdraw.
BEFORE_DECISION = (S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.ELIGIBLE, S.IN_REVIEW, S.SCORED)

#: After the decision, an applicant may still give up a place or a place on the reserve.
WITHDRAWABLE_AFTER_DECISION = (S.SELECTED, S.CONFIRMED, S.RESERVE)

#: Before the jury: jurors declare conflicts on them, the board lists them.
JURY_STATES = (S.ELIGIBLE, S.IN_REVIEW, S.SCORED)

#: Dossiers that get jurors; while one of a call is here, no selection is proposed.
AWAITING_JURY = (S.ELIGIBLE, S.IN_REVIEW)

#: A dossier in one of these holds one of the call's places: leaving them for declined
#: or withdrawn frees it, and the reserve fills it.
PLACE_STATES = frozenset({S.SELECTED, S.CONFIRMED})

#: Dossiers counted against the call's quota (a place taken, then its coaching).
PLACE_HOLDERS = (S.SELECTED, S.CONFIRMED, S.COACHING, S.COMPLETED, S.DROPPED_OUT)

#: The coaching file of the dossier exists.
COACHING_STATES = (S.COACHING, S.COMPLETED, S.DROPPED_OUT)

#: A published selection decision explains these states to the applicant.
SELECTION_DECIDED = frozenset(
    {
        S.SELECTED,
        S.RESERVE,
        S.NOT_SELECTED,
        S.CONFIRMED,
        S.DECLINED,
        S.COACHING,
        S.COMPLETED,
        S.DROPPED_OUT,
        S.WITHDRAWN,
    }
)

#: Ended without a place: documents are deleted after the retention period.
ENDED_WITHOUT_PLACE = (S.NOT_SELECTED, S.INELIGIBLE, S.WITHDRAWN, S.DECLINED)

#: Final states: nothing leaves them.
FINAL_STATES = frozenset(
    {S.INELIGIBLE, S.NOT_SELECTED, S.DECLINED, S.COMPLETED, S.DROPPED_OUT, S.WITHDRAWN}
)

#: Triggers that announce a decision to the applicant (each gets a letter).
DECISION_TRIGGERS = (
    T.DECLARE_INELIGIBLE,
    T.REQUEST_INFORMATION,
    T.REJECT,
    T.PLACE_ON_RESERVE,
    T.SELECT,
    T.PROMOTE,
)

#: The selection's decision -> the trigger that applies it at publication.
TRIGGER_OF_DECISION = {
    S.SELECTED: T.SELECT,
    S.RESERVE: T.PLACE_ON_RESERVE,
    S.NOT_SELECTED: T.REJECT,
}

# Who may fire a trigger. "owner" is the applicant who owns the application; the
# other names are roles. The application layer maps a user to these names.
OWNER = "owner"
STAFF = "staff"
CHAIR = "chair"
COACH = "coach"


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    actors: frozenset[str]
    guards: tuple[str, ...] = ()


def is_open(event: EventData) -> bool:
    """Refuse submission once the call has closed."""
    deadline = event.model.deadline
    now: datetime = event.kwargs["now"]
    return deadline is None or now <= deadline


def is_complete(event: EventData) -> bool:
    """Refuse submission while something required is missing."""
    return not event.model.missing_items()


GUARDS = {"is_open": is_open, "is_complete": is_complete}

#: What a refusing guard means, for the person (translated by the application).
GUARD_REASONS = {
    "is_open": N_("The call is closed: applications can no longer be submitted."),
    "is_complete": N_("The application is incomplete: fill in every required item first."),
}

TRANSITIONS: list[TransitionSpec] = [
    TransitionSpec(
        T.SUBMIT, (S.DRAFT,), S.SUBMITTED, frozenset({OWNER}), ("is_open", "is_complete")
    ),
    TransitionSpec(T.REQUEST_INFORMATION, (S.SUBMITTED,), S.INFO_REQUESTED, frozenset({STAFF})),
    TransitionSpec(
        T.RESUBMIT, (S.INFO_REQUESTED,), S.SUBMITTED, frozenset({OWNER}), ("is_complete",)
    ),
    TransitionSpec(T.DECLARE_ELIGIBLE, (S.SUBMITTED,), S.ELIGIBLE, frozenset({STAFF})),
    TransitionSpec(T.DECLARE_INELIGIBLE, (S.SUBMITTED,), S.INELIGIBLE, frozenset({STAFF})),
    TransitionSpec(T.START_REVIEW, (S.ELIGIBLE,), S.IN_REVIEW, frozenset({STAFF})),
    TransitionSpec(T.COMPLETE_REVIEW, (S.IN_REVIEW,), S.SCORED, frozenset({STAFF, CHAIR})),
    TransitionSpec(T.SELECT, (S.SCORED,), S.SELECTED, frozenset({CHAIR})),
    TransitionSpec(T.PLACE_ON_RESERVE, (S.SCORED,), S.RESERVE, frozenset({CHAIR})),
    TransitionSpec(T.REJECT, (S.SCORED,), S.NOT_SELECTED, frozenset({CHAIR})),
    TransitionSpec(T.PROMOTE, (S.RESERVE,), S.SELECTED, frozenset({CHAIR, STAFF})),
    TransitionSpec(T.CONFIRM, (S.SELECTED,), S.CONFIRMED, frozenset({OWNER})),
    TransitionSpec(T.DECLINE, (S.SELECTED,), S.DECLINED, frozenset({OWNER})),
    # The confirmation deadline passed without an answer: the place is freed.
    TransitionSpec(T.LAPSE, (S.SELECTED,), S.DECLINED, frozenset({STAFF})),
    TransitionSpec(T.START_COACHING, (S.CONFIRMED,), S.COACHING, frozenset({STAFF})),
    TransitionSpec(T.COMPLETE_COACHING, (S.COACHING,), S.COMPLETED, frozenset({COACH, STAFF})),
    TransitionSpec(T.DROP_OUT, (S.COACHING,), S.DROPPED_OUT, frozenset({COACH, STAFF})),
    TransitionSpec(
        T.WITHDRAW,
        (*BEFORE_DECISION, *WITHDRAWABLE_AFTER_DECISION),
        S.WITHDRAWN,
        frozenset({OWNER}),
    ),
]

TRIGGERS = [spec.trigger for spec in TRANSITIONS]
SPECS = {spec.trigger: spec for spec in TRANSITIONS}

MACHINE = Machine(
    model=None,
    states=STATES,
    transitions=[
        {
            # Plain strings: `transitions` would name an Enum state by its member name.
            "trigger": str(spec.trigger),
            "source": [str(source) for source in spec.sources],
            "dest": str(spec.dest),
            "conditions": [GUARDS[name] for name in spec.guards],
        }
        for spec in TRANSITIONS
    ],
    initial=None,
    auto_transitions=False,
    send_event=True,
    model_attribute="status",
)


class TransitionRefused(Conflict):
    """A trigger that the lifecycle does not allow now (409); nothing is changed.

    ``guard`` names the refusing guard, or is ``None`` when the state itself refuses;
    the message says why, in words the application translates.
    """

    def __init__(self, trigger: str, state: str, guard: str | None = None) -> None:
        if guard is not None:
            super().__init__(GUARD_REASONS[guard])
        else:
            super().__init__(
                N_("This action is not possible now: the application is “%(state)s”."),
                state=state,
            )
        self.trigger = trigger
        self.state = state
        self.guard = guard


def available_triggers(state: str) -> list[str]:
    """The triggers that may leave ``state``, in lifecycle order (guards not evaluated)."""
    allowed = set(MACHINE.get_triggers(str(state)))
    return [trigger for trigger in TRIGGERS if trigger in allowed]


def failing_guards(model, trigger: str, *, now: datetime) -> list[str]:
    """Names of the guards of ``trigger`` that refuse ``model`` now."""
    event = EventData(None, None, MACHINE, model, args=(), kwargs={"now": now})
    return [name for name in SPECS[trigger].guards if not GUARDS[name](event)]


def fire(model, trigger: str, *, now: datetime) -> tuple[str, str]:
    """Fire ``trigger`` on ``model``; return ``(from_state, to_state)``.

    Raises :class:`TransitionRefused` (and leaves ``model.status`` untouched) when the
    trigger is unknown, does not leave the current state, or a guard refuses.
    """
    source = model.status = str(model.status)  # `transitions` names an Enum by its member
    if trigger not in SPECS or trigger not in available_triggers(source):
        raise TransitionRefused(trigger, source)
    refusing = failing_guards(model, trigger, now=now)
    if refusing:
        raise TransitionRefused(trigger, source, refusing[0])
    try:
        moved = MACHINE.events[trigger].trigger(model, now=now)
    except MachineError as error:  # defensive: the checks above should have caught it
        raise TransitionRefused(trigger, source) from error
    if not moved:
        raise TransitionRefused(trigger, source)
    return ApplicationStatus(source), ApplicationStatus(model.status)


def mermaid_diagram() -> str:
    """The lifecycle as a Mermaid state diagram, generated from :data:`TRANSITIONS`."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for spec in TRANSITIONS:
        label = spec.trigger
        if spec.guards:
            label += " [" + ", ".join(spec.guards) + "]"
        for source in spec.sources:
            lines.append(f"    {source} --> {spec.dest}: {label}")
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"
