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

from transitions import EventData, Machine, MachineError

#: Every state, in the order of the lifecycle.
STATES = [
    "draft",
    "submitted",
    "info_requested",
    "eligible",
    "ineligible",
    "in_review",
    "scored",
    "selected",
    "reserve",
    "not_selected",
    "confirmed",
    "declined",
    "coaching",
    "completed",
    "dropped_out",
    "withdrawn",
]

#: States in which no decision has been taken yet: the applicant may still withdraw.
BEFORE_DECISION = ["draft", "submitted", "info_requested", "eligible", "in_review", "scored"]

#: After the decision, an applicant may still give up a place or a place on the reserve.
WITHDRAWABLE_AFTER_DECISION = ["selected", "confirmed", "reserve"]

#: States holding one of the call's places: leaving them for declined or withdrawn frees it.
PLACE_STATES = {"selected", "confirmed"}

#: Final states: nothing leaves them.
FINAL_STATES = {"ineligible", "not_selected", "declined", "completed", "dropped_out", "withdrawn"}

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

#: Human-readable reasons for a refusing guard, used by the application layer.
GUARD_REASONS = {
    "is_open": "The call is closed: applications can no longer be submitted.",
    "is_complete": "The application is incomplete.",
}

TRANSITIONS: list[TransitionSpec] = [
    TransitionSpec(
        "submit", ("draft",), "submitted", frozenset({OWNER}), ("is_open", "is_complete")
    ),
    TransitionSpec("request_information", ("submitted",), "info_requested", frozenset({STAFF})),
    TransitionSpec(
        "resubmit", ("info_requested",), "submitted", frozenset({OWNER}), ("is_complete",)
    ),
    TransitionSpec("declare_eligible", ("submitted",), "eligible", frozenset({STAFF})),
    TransitionSpec("declare_ineligible", ("submitted",), "ineligible", frozenset({STAFF})),
    TransitionSpec("start_review", ("eligible",), "in_review", frozenset({STAFF})),
    TransitionSpec("complete_review", ("in_review",), "scored", frozenset({STAFF, CHAIR})),
    TransitionSpec("select", ("scored",), "selected", frozenset({CHAIR})),
    TransitionSpec("place_on_reserve", ("scored",), "reserve", frozenset({CHAIR})),
    TransitionSpec("reject", ("scored",), "not_selected", frozenset({CHAIR})),
    TransitionSpec("promote", ("reserve",), "selected", frozenset({CHAIR, STAFF})),
    TransitionSpec("confirm", ("selected",), "confirmed", frozenset({OWNER})),
    TransitionSpec("decline", ("selected",), "declined", frozenset({OWNER})),
    # The confirmation deadline passed without an answer: the place is freed.
    TransitionSpec("lapse", ("selected",), "declined", frozenset({STAFF})),
    TransitionSpec("start_coaching", ("confirmed",), "coaching", frozenset({STAFF})),
    TransitionSpec("complete_coaching", ("coaching",), "completed", frozenset({COACH, STAFF})),
    TransitionSpec("drop_out", ("coaching",), "dropped_out", frozenset({COACH, STAFF})),
    TransitionSpec(
        "withdraw",
        (*BEFORE_DECISION, *WITHDRAWABLE_AFTER_DECISION),
        "withdrawn",
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
            "trigger": spec.trigger,
            "source": list(spec.sources),
            "dest": spec.dest,
            "conditions": [GUARDS[name] for name in spec.guards],
        }
        for spec in TRANSITIONS
    ],
    initial=None,
    auto_transitions=False,
    send_event=True,
    model_attribute="status",
)


class TransitionRefused(Exception):
    """A trigger that the lifecycle does not allow now. ``reason`` says why."""

    def __init__(self, trigger: str, state: str, reason: str, guard: str | None = None) -> None:
        super().__init__(reason)
        self.trigger = trigger
        self.state = state
        self.reason = reason
        #: The refusing guard's name, or ``None`` when the state itself refuses.
        self.guard = guard


def available_triggers(state: str) -> list[str]:
    """The triggers that may leave ``state``, in lifecycle order (guards not evaluated)."""
    allowed = set(MACHINE.get_triggers(state))
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
    source = model.status
    if trigger not in SPECS:
        raise TransitionRefused(trigger, source, f"Unknown action {trigger!r}.")
    if trigger not in available_triggers(source):
        raise TransitionRefused(
            trigger, source, f"Action {trigger!r} is not possible in state {source!r}."
        )
    refusing = failing_guards(model, trigger, now=now)
    if refusing:
        raise TransitionRefused(trigger, source, GUARD_REASONS[refusing[0]], refusing[0])
    try:
        moved = MACHINE.events[trigger].trigger(model, now=now)
    except MachineError as error:  # defensive: the checks above should have caught it
        raise TransitionRefused(trigger, source, str(error)) from error
    if not moved:
        raise TransitionRefused(trigger, source, f"Action {trigger!r} was refused.")
    return source, model.status


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
