"""Eligibility rules: pure functions of an applicant's facts and a call's parameters.

Each rule returns a :class:`RuleResult` — ``pass``, ``fail`` or ``needs_information`` —
with a reason that cites the values it used. Adding a rule is adding one function
to :data:`RULES` and, if it needs one, its parameter to the call
(app.calls.models.DEFAULT_ELIGIBILITY).

Facts are the application's answers (app.applications.questions): ``birth_date``,
``nationalities``, ``moroccan_ties``, ``belgium_residence_start``/``_end``,
``languages``, ``no_banking_ban``, ``no_legal_proceedings``, ``stage``,
``company_created_on``, ``eligible_share_percent``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.applications.questions import parse_iso_date

PASS, FAIL, NEEDS_INFORMATION = "pass", "fail", "needs_information"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: str
    reason: object  # a lazy string, rendered in the reader's language


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


def minimum_age(facts: dict, params: dict, context: Context) -> RuleResult:
    minimum = params["minimum_age"]
    born = parse_iso_date(facts.get("birth_date"))
    if born is None:
        return RuleResult("minimum_age", NEEDS_INFORMATION, _l("Date of birth not given."))
    age = years_between(born, context.closing_date)
    values = {
        "born": born.isoformat(),
        "age": age,
        "on": context.closing_date.isoformat(),
        "minimum": minimum,
    }
    if age >= minimum:
        return RuleResult(
            "minimum_age",
            PASS,
            _l("Born %(born)s: %(age)d years old on %(on)s, minimum %(minimum)d.", **values),
        )
    return RuleResult(
        "minimum_age",
        FAIL,
        _l("Born %(born)s: %(age)d years old on %(on)s, minimum %(minimum)d.", **values),
    )


def nationality(facts: dict, params: dict, context: Context) -> RuleResult:
    accepted = set(params["accepted_nationalities"])
    held = set(facts.get("nationalities") or [])
    if not held:
        return RuleResult("nationality", NEEDS_INFORMATION, _l("Nationality not given."))
    shown = ", ".join(sorted(held))
    if "MA" in held and "MA" in accepted:
        return RuleResult("nationality", PASS, _l("Nationality %(held)s: accepted.", held=shown))
    if "BE" in held and "BE" in accepted:
        if params.get("belgian_nationals_need_moroccan_ties") and not facts.get("moroccan_ties"):
            return RuleResult(
                "nationality",
                FAIL,
                _l(
                    "Nationality %(held)s: Belgian nationals need ties with Morocco, "
                    "none declared.",
                    held=shown,
                ),
            )
        return RuleResult("nationality", PASS, _l("Nationality %(held)s: accepted.", held=shown))
    if held & accepted:
        return RuleResult("nationality", PASS, _l("Nationality %(held)s: accepted.", held=shown))
    return RuleResult(
        "nationality",
        FAIL,
        _l(
            "Nationality %(held)s: the call accepts %(accepted)s.",
            held=shown,
            accepted=", ".join(sorted(accepted)),
        ),
    )


def residence(facts: dict, params: dict, context: Context) -> RuleResult:
    needed, window = params["residence_min_years"], params["residence_window_years"]
    start = parse_iso_date(facts.get("belgium_residence_start"))
    if start is None:
        return RuleResult("residence", NEEDS_INFORMATION, _l("Residence in Belgium not given."))
    end = parse_iso_date(facts.get("belgium_residence_end"))
    today = context.application_date
    if end is None or end >= today:
        return RuleResult(
            "residence",
            PASS,
            _l("Living in Belgium since %(start)s: resident now.", start=start.isoformat()),
        )
    window_start = _minus_years(today, window)
    counted_from, counted_to = max(start, window_start), min(end, today)
    days = max((counted_to - counted_from).days, 0)
    enough = counted_from <= _minus_years(counted_to, needed) if days else False
    values = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "needed": needed,
        "window": window,
        "days": days,
    }
    outcome = PASS if enough else FAIL
    return RuleResult(
        "residence",
        outcome,
        _l(
            "Lived in Belgium from %(start)s to %(end)s: %(days)d days within the last %(window)d "
            "years, %(needed)d years required.",
            **values,
        ),
    )


def language(facts: dict, params: dict, context: Context) -> RuleResult:
    accepted = set(params["accepted_languages"])
    spoken = set(facts.get("languages") or [])
    if not spoken:
        return RuleResult("language", NEEDS_INFORMATION, _l("Languages not given."))
    common = sorted(spoken & accepted)
    if common:
        return RuleResult("language", PASS, _l("Speaks %(common)s.", common=", ".join(common)))
    return RuleResult(
        "language",
        FAIL,
        _l(
            "Speaks %(spoken)s: the call needs one of %(accepted)s.",
            spoken=", ".join(sorted(spoken)),
            accepted=", ".join(sorted(accepted)),
        ),
    )


def declarations(facts: dict, params: dict, context: Context) -> RuleResult:
    missing = [
        name
        for name in ("no_banking_ban", "no_legal_proceedings")
        if name in params.get("required_declarations", []) and facts.get(name) is not True
    ]
    if not missing:
        return RuleResult(
            "declarations", PASS, _l("No banking ban and no legal proceedings declared.")
        )
    if any(facts.get(name) is False for name in missing):
        return RuleResult(
            "declarations", FAIL, _l("A banking ban or legal proceedings were declared.")
        )
    return RuleResult(
        "declarations",
        NEEDS_INFORMATION,
        _l("The declarations on banking ban and legal proceedings are missing."),
    )


def company_age(facts: dict, params: dict, context: Context) -> RuleResult | None:
    if facts.get("stage") != "company":
        return None
    maximum = params["company_max_age_years"]
    created = parse_iso_date(facts.get("company_created_on"))
    if created is None:
        return RuleResult("company_age", NEEDS_INFORMATION, _l("Company creation date not given."))
    age = years_between(created, context.closing_date)
    values = {
        "created": created.isoformat(),
        "age": age,
        "on": context.closing_date.isoformat(),
        "maximum": maximum,
    }
    outcome = PASS if age < maximum else FAIL
    return RuleResult(
        "company_age",
        outcome,
        _l(
            "Company created %(created)s: %(age)d full years on %(on)s, it must be less than "
            "%(maximum)d.",
            **values,
        ),
    )


def ownership(facts: dict, params: dict, context: Context) -> RuleResult | None:
    if facts.get("stage") != "company":
        return None
    threshold = params["ownership_min_percent"]
    share = facts.get("eligible_share_percent")
    if share is None:
        return RuleResult("ownership", NEEDS_INFORMATION, _l("Share of the capital not given."))
    outcome = PASS if share > threshold else FAIL
    return RuleResult(
        "ownership",
        outcome,
        _l(
            "%(share)s%% of the capital held by eligible people; more than %(threshold)s%% needed.",
            share=share,
            threshold=threshold,
        ),
    )


#: Every rule, in the order they are shown.
RULES: list[Callable[[dict, dict, Context], RuleResult | None]] = [
    minimum_age,
    nationality,
    residence,
    language,
    declarations,
    company_age,
    ownership,
]

RULE_LABELS = {
    "minimum_age": _l("Age"),
    "nationality": _l("Nationality"),
    "residence": _l("Residence in Belgium"),
    "language": _l("Language"),
    "declarations": _l("Banking ban and legal proceedings"),
    "company_age": _l("Age of the company"),
    "ownership": _l("Ownership of the company"),
}


def evaluate(facts: dict, params: dict, context: Context) -> list[RuleResult]:
    """Every rule that applies to these facts, judged with the call's parameters."""
    results = [rule(facts, params, context) for rule in RULES]
    return [result for result in results if result is not None]


def verdict(results: list[RuleResult]) -> str:
    """fail if any rule fails, else needs_information if any does, else pass."""
    outcomes = {result.outcome for result in results}
    for outcome in (FAIL, NEEDS_INFORMATION):
        if outcome in outcomes:
            return outcome
    return PASS
