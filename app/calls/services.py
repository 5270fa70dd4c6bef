"""Every write about calls: creating and editing them with their criteria, and the
wording of their letters and e-mails."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.application_forms.services import save_form
from app.applications.questions import call_template
from app.auth.models import User
from app.calls.models import DEFAULT_ELIGIBILITY, Call, Criterion, new_calendar_key
from app.calls.sandbox import WordingError, check_text
from app.calls.wording import LANGUAGES, MAX_SUBJECT, OUTCOMES, PART_LABELS, default_text
from app.common.errors import Refusal, message_of
from app.config import Config
from app.events import Event, announce
from app.extensions import db

#: Settings of how staff and the jury work on a call, optional in ``data``.
JURY_SETTINGS = (
    "four_eyes_ineligibility",
    "ranking_method",
    "disagreement_threshold",
    "jurors_see_others",
    "anonymous_reviews",
    "conflicts_confirmation_required",
    "scoring_closes_at",
    "scoring_reminder_days",
)
#: How the call's decision letters are signed and headed, optional in ``data``.
LETTER_SETTINGS = (
    "letter_signatory_name",
    "letter_signatory_role",
    "letter_place",
    "letter_partners",
)


class CallError(Refusal):
    """A refused change to a call; the message is shown to staff."""


def _apply(call: Call, data: dict) -> None:
    for field in (
        "reference",
        "name",
        "description",
        "opens_at",
        "closes_at",
        "quota",
        "jurors_per_dossier",
    ):
        setattr(call, field, data[field])
    for field in JURY_SETTINGS + LETTER_SETTINGS:
        if field in data:
            setattr(call, field, data[field])
    call.reserve_size = data.get("reserve_size") or 0
    if "translations" in data:
        call.translations = merge_translations(call.translations, data["translations"])
    if "faq" in data:
        call.faq = data["faq"]
    call.eligibility = {**DEFAULT_ELIGIBILITY, **(call.eligibility or {}), **data["eligibility"]}
    criteria = data["criteria"]
    if sum(row["weight"] for row in criteria) != 100:
        raise CallError(_l("The weights of the criteria must add up to 100."))
    call.criteria.clear()
    db.session.flush()
    for position, row in enumerate(criteria, start=1):
        call.criteria.append(Criterion(position=position, **row))


def merge_translations(stored: dict | None, changes: dict) -> dict:
    """``stored`` ({code: {field: text}}) with ``changes`` ({field: {code: text}}) applied:
    a text replaces, an empty text erases; fields not in ``changes`` (written elsewhere,
    such as a letter's signatory) stay."""
    merged = {code: dict(texts) for code, texts in (stored or {}).items()}
    for field, per_language in changes.items():
        for code, text in per_language.items():
            entry = merged.setdefault(code, {})
            if text:
                entry[field] = text
            else:
                entry.pop(field, None)
    return {code: texts for code, texts in merged.items() if texts}


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise CallError(_l("Dates must carry a time zone."))
    if closes_at <= opens_at:
        raise CallError(_l("The call must close after it opens."))


#: What an edit of a call records of each setting: its value, or for texts and lists
#: that may be long, a short summary of them.
SUMMARIES = {
    "description": lambda call: len(call.description or ""),
    "letter_partners": lambda call: len(call.letter_partners or ""),
    "translations": lambda call: sorted(call.translations or {}),
    "faq": lambda call: len(call.faq or []),
    "criteria": lambda call: [f"{c.name} ({c.weight})" for c in call.criteria],
    "scoring_closes_at": lambda call: (
        call.scoring_closes_at.isoformat() if call.scoring_closes_at else None
    ),
}


def _snapshot(call: Call) -> dict:
    """The call's settings as JSON-ready facts, to say what an edit changed."""
    facts = {name: summary(call) for name, summary in SUMMARIES.items()}
    for name in ("reference", "name", "quota", "reserve_size", "jurors_per_dossier"):
        facts[name] = getattr(call, name)
    for name in JURY_SETTINGS + LETTER_SETTINGS:
        if name not in SUMMARIES:
            facts[name] = getattr(call, name)
    facts["opens_at"], facts["closes_at"] = call.opens_at.isoformat(), call.closes_at.isoformat()
    facts["eligibility"] = dict(call.eligibility or {})
    return facts


#: The shipped template a call "started from an empty form" takes its form and rules from.
BLANK_TEMPLATE = "blank"


def create_call(data: dict, *, actor: User) -> Call:
    """Create a call from validated form data (dates aware, in UTC); announced as
    ``call_created``. With ``data["form"] == "empty"`` the call starts from an empty
    form (the ``blank`` template's: one step, one question, no document) and no rules,
    its first form version written with it; otherwise it uses the default form (MBI's)
    and the default rules.

    Raises CallError when the reference is taken or the data is inconsistent.
    """
    _check_dates(data["opens_at"], data["closes_at"])
    if db.session.scalar(select(Call.id).where(Call.reference == data["reference"])):
        raise CallError(_l("Another call already has this reference."))
    call = Call(eligibility=dict(DEFAULT_ELIGIBILITY))
    db.session.add(call)
    _apply(call, data)
    db.session.flush()
    announce(
        Event.CALL_CREATED,
        actor=actor,
        subject=call,
        data={"reference": call.reference, "name": call.name},
    )
    db.session.flush()
    if data.get("form") == "empty":
        _start_empty(call, actor)
    return call


def _start_empty(call: Call, actor: User) -> None:
    template = call_template(BLANK_TEMPLATE)
    save_form(call, template["form"], actor=actor)
    call.eligibility_rules = dict(template["eligibility"])
    db.session.flush()


def update_call(call: Call, data: dict, *, actor: User) -> Call:
    """Change a call's settings and criteria; announced as ``call_edited`` with each
    changed setting as [before, after]. Raises CallError as :func:`create_call`."""
    _check_dates(data["opens_at"], data["closes_at"])
    clash = db.session.scalar(
        select(Call.id).where(Call.reference == data["reference"], Call.id != call.id)
    )
    if clash:
        raise CallError(_l("Another call already has this reference."))
    if data["reference"] != call.reference and call.last_application_number:
        raise CallError(_l("The reference cannot change once applications have been numbered."))
    before = _snapshot(call)
    _apply(call, data)
    db.session.flush()
    after = _snapshot(call)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    announce(Event.CALL_EDITED, actor=actor, subject=call, call_id=call.id, data=changes)
    db.session.flush()
    return call


def _normalised(text: str | None, part: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    return " ".join(text.split()) if part == "subject" else text


def save_wording(call: Call, outcome: str, texts: dict, *, actor: User) -> list[str]:
    """Replace the call's texts of ``outcome`` with ``texts`` ({language: {part: text}},
    see app.calls.wording). A text left empty, or as the template says, is dropped: the
    template's wording applies (and follows its later corrections).

    Announced as ``call_wording_edited`` with the texts changed (``["fr.letter"...]``),
    when one changed. Raises WordingError, naming the language and the part, for the
    first text that uses an unknown placeholder or anything but placeholders and
    conditions, or does not parse; nothing is saved then. Returns the texts changed.
    """
    spec = OUTCOMES.get(outcome)
    if spec is None:
        raise WordingError(_l("There is no such outcome."))
    kept: dict[str, dict] = {}
    for language in LANGUAGES:
        for part in spec.parts:
            text = _normalised((texts.get(language) or {}).get(part), part)
            if not text or text == _normalised(default_text(outcome, part, language), part):
                continue
            try:
                if part == "subject" and len(text) > MAX_SUBJECT:
                    raise WordingError(
                        _l("A subject may be %(count)s characters long at most.", count=MAX_SUBJECT)
                    )
                check_text(text, spec.placeholders(part))
            except WordingError as error:
                raise WordingError(
                    _l(
                        "%(part)s (%(language)s): %(problem)s",
                        part=PART_LABELS[part],
                        language=Config.LANGUAGES[language],
                        problem=message_of(error),
                    )
                ) from error
            kept.setdefault(language, {})[part] = text
    stored = (call.wording or {}).get(outcome) or {}
    changed = [
        f"{language}.{part}"
        for language in LANGUAGES
        for part in spec.parts
        if (stored.get(language) or {}).get(part) != (kept.get(language) or {}).get(part)
    ]
    if changed:
        wording = {key: value for key, value in (call.wording or {}).items() if key != outcome}
        if kept:
            wording[outcome] = kept
        call.wording = wording
        announce(
            Event.CALL_WORDING_EDITED,
            actor=actor,
            subject=call,
            call_id=call.id,
            data={"outcome": outcome, "changed": changed},
        )
        db.session.flush()
    return changed


def renew_calendar_link(call: Call, *, actor: User) -> Call:
    """Give the call's calendar feed a new link (a new key): the old link stops working at
    once, for every calendar subscribed to it (a link shared too widely). Announced as
    ``calendar_link_renewed`` (the key itself stays out of the log)."""
    call.calendar_key = new_calendar_key()
    announce(Event.CALENDAR_LINK_RENEWED, actor=actor, subject=call, call_id=call.id)
    db.session.flush()
    return call
