"""The words of coaching: milestones, topics, modes and places, with their labels.

A call's coaching settings list milestone and topic keys; the standard ones are
labelled here (so that they follow the reader's language), the programme's own
carry the label staff typed.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from app.coaching.models import ItemOwner
from app.events import Event
from workflows.coaching import CoachingOutcome, CoachRole

#: The standard milestones and the facts each records beside its dates and evidence.
STANDARD_MILESTONES = {
    "company_registered": {
        "label": _l("Company registered in Morocco"),
        "facts": ("register_number",),
    },
    "bank_account": {"label": _l("Bank account opened"), "facts": ()},
    "financing_secured": {"label": _l("Financing secured"), "facts": ("amount_eur", "source")},
    "premises_found": {"label": _l("Premises found"), "facts": ()},
    "first_hire": {"label": _l("First hire"), "facts": ()},
    "first_sale": {"label": _l("First sale"), "facts": ()},
    "jobs_created": {"label": _l("Jobs created"), "facts": ("jobs",)},
}

FACT_LABELS = {
    "register_number": _l("Register number (RC)"),
    "amount_eur": _l("Amount (EUR)"),
    "source": _l("Source of the financing"),
    "jobs": _l("Number of jobs created"),
}

STANDARD_TOPICS = {
    "business_plan": _l("Business plan"),
    "financing": _l("Financing"),
    "legal": _l("Legal and administrative steps"),
    "marketing": _l("Marketing and sales"),
    "operations": _l("Operations and suppliers"),
    "hiring": _l("Hiring and team"),
    "network": _l("Network in Morocco"),
    "personal": _l("Personal organisation"),
}

MODE_LABELS = {"in_person": _l("In person"), "video": _l("Video call"), "phone": _l("Phone")}
PLACE_LABELS = {"belgium": _l("Belgium"), "morocco": _l("Morocco"), "online": _l("Online")}
LOCATION_LABELS = {"belgium": _l("Belgium"), "morocco": _l("Morocco")}
ROLE_LABELS = {CoachRole.PRIMARY: _l("Main coach"), CoachRole.MOROCCO: _l("Coach in Morocco")}
OWNER_LABELS = {ItemOwner.ENTREPRENEUR: _l("Entrepreneur"), ItemOwner.COACH: _l("Coach")}
OUTCOME_LABELS = {
    CoachingOutcome.COMPLETED: _l("Completed"),
    CoachingOutcome.DROPPED_OUT: _l("Dropped out"),
}

#: How the entrepreneur is told who follows them and who wrote or ticked something: by
#: role, never by name.
YOUR_COACH = {CoachRole.PRIMARY: _l("your coach"), CoachRole.MOROCCO: _l("your coach in Morocco")}
YOU = _l("you")
PROGRAMME_STAFF = _l("programme staff")

DEFAULT_MILESTONES = [{"key": key} for key in STANDARD_MILESTONES]
DEFAULT_TOPICS = [{"key": key} for key in STANDARD_TOPICS]


def slug(text: str) -> str:
    """A key for a label typed by staff: ``Export licence`` -> ``export_licence``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:40]


def milestone_label(entry: dict) -> str:
    standard = STANDARD_MILESTONES.get(entry["key"])
    return str(standard["label"]) if standard else entry.get("label") or entry["key"]


def milestone_facts(key: str) -> tuple[str, ...]:
    standard = STANDARD_MILESTONES.get(key)
    return standard["facts"] if standard else ()


def topic_label(entry: dict) -> str:
    standard = STANDARD_TOPICS.get(entry["key"])
    return str(standard) if standard else entry.get("label") or entry["key"]


def party_for_entrepreneur(person_id: int | None, reader_id: int, coach_roles: dict) -> str:
    """Who ``person_id`` is, as the entrepreneur ``reader_id`` is told: "you", "your
    coach", "your coach in Morocco" (``coach_roles``: coach id -> their role on the
    project), otherwise "programme staff". Never a name."""
    if person_id == reader_id:
        return str(YOU)
    role = coach_roles.get(person_id)
    return str(YOUR_COACH[role]) if role is not None else str(PROGRAMME_STAFF)


def followed_by(roles) -> str:
    """Who follows the entrepreneur's project, as they are told: by role, never by name."""
    if CoachRole.MOROCCO in roles:
        return str(_l("Your coach and your coach in Morocco follow your project."))
    if roles:
        return str(_l("Your coach follows your project."))
    return str(_l("Your coach will be assigned soon."))


#: Audit events of coaching whose data are the fields an edit changed: {field: [old,
#: new]}, or "changed" for words typed (app.coaching.services.common.changes).
EDITS = (Event.COACHING_SESSION_EDITED, Event.MILESTONE_SAVED)


def changed_fields(entry) -> list[tuple[str, list | None]]:
    """What an edit (an audit row of EDITS) changed: (field, [old, new]), or (field,
    None) for words that only say that they changed. Nothing for other events."""
    if entry.event not in EDITS:
        return []
    return [
        (name, change if isinstance(change, list) else None)
        for name, change in (entry.data or {}).items()
        if name != "key"
    ]
