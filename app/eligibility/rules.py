"""What a rule says of a dossier, and the day it is judged: the vocabulary of the rules.

The rules themselves are data (app.eligibility.conditions, a call's set in
app.eligibility.rule_sets). A result is ``pass``, ``fail`` or ``needs_information``
with a reason that cites the values it used ("Born Mar 2, 2009: 17 years old on
Mar 31, 2026, minimum 18."); the reason is kept as a message and its values (dates
in ISO, written for the reader when shown), so it can be stored and shown later in
any language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from flask_babel import LazyString, format_date, gettext


class Outcome(StrEnum):
    """What a rule says of a dossier; the worst of them is the dossier's verdict."""

    PASS = "pass"  # noqa: S105 - a rule's outcome, not a credential
    NEEDS_INFORMATION = "needs_information"
    FAIL = "fail"


PASS, FAIL, NEEDS_INFORMATION = Outcome.PASS, Outcome.FAIL, Outcome.NEEDS_INFORMATION
#: How bad each outcome is, for sorting and filtering the queue (0: every rule passes).
SEVERITY = {PASS: 0, NEEDS_INFORMATION: 1, FAIL: 2}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown (RuleResult.reason)."""
    return message


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: str
    #: The reason's message: an English msgid with %(name)s placeholders...
    template: str
    #: ... and the values it cites.
    values: dict = field(default_factory=dict)

    @property
    def reason(self):
        """The reason in the reader's language, its dates written for that language too
        (values are stored with ISO dates, read when shown)."""
        return LazyString(_reason, self.template, self.values)


def _reason(template: str, values: dict) -> str:
    return gettext(template, **{name: _readable(value) for name, value in values.items()})


def _readable(value):
    """An ISO date ("2009-03-02") as the reader writes dates; any other value as it is."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value), "medium")
    return value


@dataclass(frozen=True)
class Context:
    """When the rules are judged: ages on the closing date, residence before applying."""

    closing_date: date
    application_date: date


def years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (a birthday counts on its day)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _minus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def verdict(results) -> str:
    """fail if any rule fails, else needs_information if any does, else pass."""
    outcomes = {result.outcome for result in results}
    for outcome in (FAIL, NEEDS_INFORMATION):
        if outcome in outcomes:
            return outcome
    return PASS
