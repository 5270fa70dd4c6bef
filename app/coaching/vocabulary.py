"""The words of coaching: milestones, topics, modes and places, with their labels.

A call's coaching settings list milestone and topic keys; the standard ones are
labelled here (so that they follow the reader's language), the programme's own
carry the label staff typed.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

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
ROLE_LABELS = {"primary": _l("Main coach"), "morocco": _l("Coach in Morocco")}
OWNER_LABELS = {"entrepreneur": _l("Entrepreneur"), "coach": _l("Coach")}
OUTCOME_LABELS = {"completed": _l("Completed"), "dropped_out": _l("Dropped out")}
AUDIT_LABELS = {
    "coach_assigned": _l("Coach assigned"),
    "coach_ended": _l("Coach's assignment ended"),
    "session_logged": _l("Session logged"),
    "session_edited": _l("Session changed"),
    "session_unlocked": _l("Session unlocked"),
    "item_added": _l("Action item added"),
    "item_done": _l("Action item done"),
    "item_reopened": _l("Action item open again"),
    "item_commented": _l("Action item commented"),
    "milestone_saved": _l("Milestone updated"),
    "coaching_closed": _l("Coaching ended"),
}

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
