"""The operators of eligibility rules written as data (app.eligibility.conditions).

Each operator judges one condition on the applicant's answers and documents: true,
false, or unknown when the answer it needs is missing (the rule then needs
information), with the values its reason may cite. This is the whole, fixed list of
what a rule can test: a rule names an operator, it never brings code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.applications.questions import parse_iso_date
from app.eligibility.rules import FAIL, NEEDS_INFORMATION, Context, _minus_years, years_between

LANGUAGES = ("fr", "nl", "ar", "en")
WHEN_FAILED = {"fail": FAIL, "needs_information": NEEDS_INFORMATION}
COMPOSITES = ("all", "any")
#: Why a condition decided; a reason is written for each (see Operator.situations).
SITUATIONS = ("passed", "failed", "missing", "living_now", "ends_before_start")
#: %(name)s, %(name)d or %%: the only placeholders a reason may hold.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[A-Za-z_]\w*)\)(?P<conversion>[sd])|(?P<percent>%))")
NAME = re.compile(r"[A-Za-z_]\w*")


# --- Judging one condition ------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """What one operator says: true, false or None (an answer is missing), and why."""

    state: bool | None
    situation: str
    values: dict = field(default_factory=dict)
    #: For document_present: (kind, present).
    document: tuple[str, bool] | None = None


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return False


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_plain(value) -> bool:
    return isinstance(value, str | bool) or is_number(value)


def _key(value):
    """``True`` and ``1`` are different answers."""
    return (isinstance(value, bool), value)


def _joined(values) -> str:
    return ", ".join(sorted(str(value) for value in values))


def _outcome(ok: bool, values: dict) -> Leaf:
    return Leaf(ok, "passed" if ok else "failed", values)


def _equals(node, facts, context) -> Leaf:
    answer, value = facts.get(node["question"]), node["value"]
    if is_missing(answer):
        return Leaf(None, "missing", {"value": value})
    shown = _joined(answer) if isinstance(answer, list) else answer
    ok = is_plain(answer) and _key(answer) == _key(value)
    return _outcome(ok, {"answer": shown if is_plain(shown) else str(shown), "value": value})


def _held(answer) -> set:
    items = answer if isinstance(answer, list | tuple) else [answer]
    return {_key(item) for item in items if is_plain(item)}


def _choices(node, facts, context, *, wanted: bool) -> Leaf:
    answer, values = facts.get(node["question"]), node["values"]
    if is_missing(answer):
        return Leaf(None, "missing", {"values": _joined(values)})
    held, accepted = _held(answer), {_key(value) for value in values}
    common = held & accepted
    cited = {
        "held": _joined(value for _, value in held),
        "values": _joined(values),
        "common": _joined(value for _, value in common),
    }
    return _outcome(bool(common) == wanted, cited)


def _compare(test: Callable[[float, float], bool]):
    def judge(node, facts, context) -> Leaf:
        answer, limit = facts.get(node["question"]), node["value"]
        if not is_number(answer):
            return Leaf(None, "missing", {"limit": limit})
        return _outcome(test(answer, limit), {"answer": answer, "limit": limit})

    return judge


def _age_at_closing(node, facts, context) -> Leaf:
    minimum, on = node["years"], context.closing_date
    born = parse_iso_date(facts.get(node["question"]))
    if born is None:
        return Leaf(None, "missing", {"on": on.isoformat(), "minimum": minimum})
    age = years_between(born, on)
    values = {"born": born.isoformat(), "age": age, "on": on.isoformat(), "minimum": minimum}
    return _outcome(age >= minimum, values)


def _years_since(*, strict: bool):
    def judge(node, facts, context) -> Leaf:
        maximum = node["years"]
        on = context.application_date if node.get("to") == "application" else context.closing_date
        since = parse_iso_date(facts.get(node["question"]))
        if since is None:
            return Leaf(None, "missing", {"on": on.isoformat(), "maximum": maximum})
        years = years_between(since, on)
        values = {"since": since.isoformat(), "years": years, "on": on.isoformat()}
        return _outcome(
            years < maximum if strict else years <= maximum, values | {"maximum": maximum}
        )

    return judge


def _years_living(node, facts, context) -> Leaf:
    """Living there now (no end, or an end not before the application date), or for at
    least ``years`` of the ``window`` years before the application date."""
    needed, window, today = node["years"], node["window"], context.application_date
    limits = {"needed": needed, "window": window}
    start = parse_iso_date(facts.get(node["since"]))
    if start is None:
        return Leaf(None, "missing", limits)
    end = parse_iso_date(facts.get(node["until"]))
    if end is None or end >= today:
        return Leaf(True, "living_now", limits | {"start": start.isoformat()})
    dates = {"start": start.isoformat(), "end": end.isoformat()}
    if end < start:
        return Leaf(None, "ends_before_start", limits | dates)
    counted_from, counted_to = max(start, _minus_years(today, window)), min(end, today)
    days = max((counted_to - counted_from).days, 0)
    enough = days > 0 and counted_from <= _minus_years(counted_to, needed)
    return _outcome(enough, limits | dates | {"days": days})


def _document_present(node, facts, context) -> Leaf:
    present = node["kind"] in set(facts.get("documents") or [])
    return Leaf(present, "passed" if present else "failed", document=(node["kind"], present))


def _answered(node, facts, context) -> Leaf:
    return _outcome(not is_missing(facts.get(node["question"])), {})


def _documents_known(node, facts, context) -> Leaf:
    return _outcome("documents" in facts, {})


@dataclass(frozen=True)
class Operator:
    judge: Callable[[dict, dict, Context], Leaf]
    #: Its fields and what each must be (see _FIELD_CHECKS).
    fields: dict
    #: The values it can cite; those usable with %(name)d.
    values: tuple = ()
    numbers: tuple = ()
    #: Situations other than passed/failed/missing its reasons may need.
    situations: tuple = ()


_NUMERIC = {"question": "question", "value": "number"}
_SINCE = {"question": "question", "years": "count", "?to": "measured_to"}
OPERATORS: dict[str, Operator] = {
    "equals": Operator(_equals, {"question": "question", "value": "plain"}, ("answer", "value")),
    "one_of": Operator(
        lambda n, f, c: _choices(n, f, c, wanted=True),
        {"question": "question", "values": "plain_list"},
        ("held", "values", "common"),
    ),
    "none_of": Operator(
        lambda n, f, c: _choices(n, f, c, wanted=False),
        {"question": "question", "values": "plain_list"},
        ("held", "values", "common"),
    ),
    "at_least": Operator(
        _compare(lambda a, b: a >= b), _NUMERIC, ("answer", "limit"), ("answer", "limit")
    ),
    "at_most": Operator(
        _compare(lambda a, b: a <= b), _NUMERIC, ("answer", "limit"), ("answer", "limit")
    ),
    "more_than": Operator(
        _compare(lambda a, b: a > b), _NUMERIC, ("answer", "limit"), ("answer", "limit")
    ),
    "less_than": Operator(
        _compare(lambda a, b: a < b), _NUMERIC, ("answer", "limit"), ("answer", "limit")
    ),
    "age_at_closing_at_least": Operator(
        _age_at_closing,
        {"question": "question", "years": "count"},
        ("born", "age", "on", "minimum"),
        ("age", "minimum"),
    ),
    "years_since_at_most": Operator(
        _years_since(strict=False),
        _SINCE,
        ("since", "years", "on", "maximum"),
        ("years", "maximum"),
    ),
    "years_since_less_than": Operator(
        _years_since(strict=True), _SINCE, ("since", "years", "on", "maximum"), ("years", "maximum")
    ),
    "years_living_in_at_least": Operator(
        _years_living,
        {"since": "question", "until": "question", "years": "count", "window": "count"},
        ("start", "end", "needed", "window", "days"),
        ("needed", "window", "days"),
        ("living_now", "ends_before_start"),
    ),
    "document_present": Operator(
        _document_present, {"kind": "text"}, ("missing", "count"), ("count",)
    ),
    "answered": Operator(_answered, {"question": "question"}),
    "documents_known": Operator(_documents_known, {}),
}
#: Operators that never find an answer missing.
NEVER_MISSING = {"document_present", "answered", "documents_known"}
