"""A call's definition, to start a new call from an old one: its export and its import.

The definition is everything a call is made of except its dates, its reference and what
happened in it: name and texts, settings, criteria, the selection's tie-breaks and
balance rules, the letters' settings and wording, the application form and the
eligibility rules. Its file format is documented, and versioned, in
docs/call-definition.md (``schema``: 1); :func:`export_definition` writes it in a fixed
order, so that exporting a call imported from a file gives the same file again.

"New call from this one" (the call's page), the import page and
``flask --app wsgi calls import`` all create the call with :func:`import_definition`.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.application_forms.reader import read_form
from app.application_forms.services import save_form
from app.application_forms.versions import DEFAULT_TEMPLATE, current_definition
from app.applications.questions import call_template
from app.auth.models import User
from app.calls.definition_checks import (
    LETTERS,
    SCHEMA_VERSION,
    SETTINGS,
    definition_problems,
)
from app.calls.models import DEFAULT_ELIGIBILITY, Call, Criterion
from app.common.clock import BRUSSELS, to_brussels, utcnow
from app.common.errors import Refusal
from app.eligibility.rule_sets import rules_from_parameters
from app.events import Event, announce
from app.extensions import db

#: Without dates given, an imported call opens this many days from today, at this hour
#: (Brussels time), and closes after this many days, at that hour.
OPENS_IN_DAYS, OPENS_AT = 30, time(9, 0)
OPEN_FOR_DAYS, CLOSES_AT = 60, time(17, 0)


class DefinitionRefused(Refusal):
    """A definition that cannot be imported; ``problems`` name each as (path, what), what
    in the reader's language."""

    def __init__(self, problems: list[tuple[str, str]]):
        listed = "; ".join(f"{path}: {what}" for path, what in problems)
        super().__init__(_l("The call cannot be imported: %(problems)s", problems=listed))
        self.problems = list(problems)


def export_definition(call: Call) -> dict:
    """The definition of ``call`` as JSON-ready data, keys in the documented order."""
    parameters = {**DEFAULT_ELIGIBILITY, **(call.eligibility or {})}
    eligibility = {"parameters": {key: parameters[key] for key in DEFAULT_ELIGIBILITY}}
    if call.eligibility_rules is None:
        eligibility["rules"] = None
    else:
        eligibility["default_language"] = call.eligibility_rules.get("default_language")
        eligibility["rules"] = call.eligibility_rules.get("rules")
    data = {
        "schema": SCHEMA_VERSION,
        "name": call.name,
        "description": call.description or "",
        "translations": call.translations or {},
        "faq": call.faq or [],
        "settings": {key: getattr(call, key) for key in SETTINGS},
        "criteria": [
            {
                "name": criterion.name,
                "description": criterion.description or "",
                "weight": criterion.weight,
                "scale_min": criterion.scale_min,
                "scale_max": criterion.scale_max,
                "translations": criterion.translations or {},
            }
            for criterion in call.criteria
        ],
        "selection": {
            "tie_breaks": call.tie_breaks or [],
            "balance_rules": call.balance_rules or [],
        },
        "letters": {key: getattr(call, column) for key, (column, *_rest) in LETTERS.items()},
        "wording": call.wording or {},
        "form": current_definition(call),
        "eligibility": eligibility,
    }
    return copy.deepcopy(data)


def definition_json(call: Call) -> str:
    """The definition of ``call`` as the text of its file (UTF-8, indented, stable)."""
    return json.dumps(export_definition(call), ensure_ascii=False, indent=2) + "\n"


def read_definition(text: str | bytes) -> tuple[object, list[tuple[str, str]]]:
    """The data of a definition file, or the problem that stops it being read."""
    try:
        return json.loads(text), []
    except UnicodeDecodeError:
        return None, [("(file)", _("not a text file in UTF-8"))]
    except json.JSONDecodeError as error:
        message = _(
            "not valid JSON: %(error)s (line %(line)d, column %(column)d)",
            error=error.msg,
            line=error.lineno,
            column=error.colno,
        )
        return None, [("(file)", message)]


def default_dates(now: datetime | None = None) -> tuple[datetime, datetime]:
    """When a call imported without dates opens and closes (aware, UTC)."""
    today = to_brussels(now or utcnow()).date()
    opens = datetime.combine(today + timedelta(days=OPENS_IN_DAYS), OPENS_AT, BRUSSELS)
    closes = datetime.combine(opens.date() + timedelta(days=OPEN_FOR_DAYS), CLOSES_AT, BRUSSELS)
    return opens.astimezone(UTC), closes.astimezone(UTC)


def import_definition(
    data,
    *,
    reference: str,
    name: str | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    source: dict | None = None,
    actor: User | None,
) -> Call:
    """Create a call ``reference`` from the definition ``data``, with its criteria, its
    form (a first form version when it is not the default form) and its eligibility
    rules. ``name`` replaces the definition's; without dates, the call opens and closes
    as :func:`default_dates` says.

    Announced as ``call_created`` with ``source`` (what it was made from:
    ``{"copied_from": "MBI-2026"}`` or ``{"imported_from": "mbi.json"}``), and as
    ``form_edited`` when the form is the call's own. Raises DefinitionRefused naming
    every problem of the definition or the reference, the dates' problems included;
    nothing is written then (the caller rolls back on any refusal).
    """
    problems = definition_problems(data, reference)
    if name is not None and not 0 < len(name.strip()) <= 200:
        problems.append(("name", _("expected a text of at most %(limit)d characters", limit=200)))
    if opens_at is None and closes_at is None:
        opens_at, closes_at = default_dates()
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        problems.append(("closes", _("The call must close after it opens.")))
    if problems:
        raise DefinitionRefused(problems)
    data = copy.deepcopy(data)
    call = Call(reference=reference, opens_at=opens_at, closes_at=closes_at)
    _apply(call, data, name.strip() if name else data["name"])
    db.session.add(call)
    db.session.flush()
    announce(
        Event.CALL_CREATED,
        actor=actor,
        subject=call,
        data={"reference": call.reference, "name": call.name, **(source or {})},
    )
    if data["form"] != call_template(DEFAULT_TEMPLATE)["form"]:
        save_form(call, data["form"], actor=actor)
    db.session.flush()
    return call


def _part(node: dict, key: str, default):
    """``node[key]``; its default when left out or null (the checks allow both)."""
    value = node.get(key)
    return default if value is None else value


def _apply(call: Call, data: dict, name: str) -> None:
    """Set the call's columns and criteria from a checked definition."""
    call.name = name
    call.description = _part(data, "description", "")
    call.translations = _part(data, "translations", {})
    call.faq = _part(data, "faq", [])
    settings = _part(data, "settings", {})
    for key, (*_kind, default) in SETTINGS.items():
        setattr(call, key, _part(settings, key, default))
    letters = _part(data, "letters", {})
    for key, (column, _limit, default) in LETTERS.items():
        setattr(call, column, _part(letters, key, default))
    selection = _part(data, "selection", {})
    call.tie_breaks = _part(selection, "tie_breaks", [])
    call.balance_rules = _part(selection, "balance_rules", [])
    call.wording = _part(data, "wording", {})
    eligibility = _part(data, "eligibility", {})
    call.eligibility = {**DEFAULT_ELIGIBILITY, **_part(eligibility, "parameters", {})}
    given = eligibility.get("rules")
    if given is None or given == _default_rules(call.eligibility, data["form"]):
        call.eligibility_rules = None  # the default rules with the call's parameters
    else:
        call.eligibility_rules = {
            "default_language": eligibility["default_language"],
            "rules": eligibility["rules"],
        }
    call.criteria = [
        Criterion(
            position=position,
            name=row["name"],
            description=_part(row, "description", ""),
            weight=row["weight"],
            scale_min=_part(row, "scale_min", 0),
            scale_max=_part(row, "scale_max", 10),
            translations=_part(row, "translations", {}),
        )
        for position, row in enumerate(data["criteria"], start=1)
    ]


def _default_rules(parameters: dict, form: dict) -> list:
    """The rules a call with these parameters and this form has by default: a file that
    writes them out (a shipped template) keeps the call in the simple mode."""
    return rules_from_parameters(parameters, read_form(form))["rules"]
