"""The built-in eligibility rules as they were written in Python before the rules
became data (app.eligibility.conditions): kept here only so that
test_engines_agree.py can show, on 5,000 generated dossiers, that MBI's rules as data
judge exactly as these did. Not used by the application.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from app.applications.questions import parse_iso_date
from app.eligibility.rules import (
    FAIL,
    N_,
    NEEDS_INFORMATION,
    PASS,
    Context,
    RuleResult,
    _minus_years,
    years_between,
)


def minimum_age(facts: dict, params: dict, context: Context) -> RuleResult:
    minimum = params["minimum_age"]
    born = parse_iso_date(facts.get("birth_date"))
    if born is None:
        return RuleResult("minimum_age", NEEDS_INFORMATION, N_("Date of birth not given."))
    age = years_between(born, context.closing_date)
    values = {
        "born": born.isoformat(),
        "age": age,
        "on": context.closing_date.isoformat(),
        "minimum": minimum,
    }
    return RuleResult(
        "minimum_age",
        PASS if age >= minimum else FAIL,
        N_("Born %(born)s: %(age)d years old on %(on)s, minimum %(minimum)d."),
        values,
    )


def nationality(facts: dict, params: dict, context: Context) -> RuleResult:
    accepted = set(params["accepted_nationalities"])
    held = set(facts.get("nationalities") or [])
    if not held:
        return RuleResult("nationality", NEEDS_INFORMATION, N_("Nationality not given."))
    values = {"held": ", ".join(sorted(held)), "accepted": ", ".join(sorted(accepted))}
    if not held & accepted:
        return RuleResult(
            "nationality", FAIL, N_("Nationality %(held)s: the call accepts %(accepted)s."), values
        )
    needs_ties = params.get("belgian_nationals_need_moroccan_ties", False)
    if held & accepted == {"BE"} and needs_ties and not facts.get("moroccan_ties"):
        return RuleResult(
            "nationality",
            NEEDS_INFORMATION,
            N_("Nationality %(held)s: Belgian nationals need ties with Morocco; none declared."),
            values,
        )
    return RuleResult("nationality", PASS, N_("Nationality %(held)s: accepted."), values)


def residence(facts: dict, params: dict, context: Context) -> RuleResult:
    needed, window = params["residence_min_years"], params["residence_window_years"]
    start = parse_iso_date(facts.get("belgium_residence_start"))
    if start is None:
        return RuleResult("residence", NEEDS_INFORMATION, N_("Residence in Belgium not given."))
    end = parse_iso_date(facts.get("belgium_residence_end"))
    today = context.application_date
    if end is None or end >= today:
        return RuleResult(
            "residence",
            PASS,
            N_("Living in Belgium since %(start)s: resident now."),
            {"start": start.isoformat()},
        )
    if end < start:
        return RuleResult(
            "residence",
            NEEDS_INFORMATION,
            N_("Residence in Belgium ends (%(end)s) before it starts (%(start)s)."),
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    counted_from, counted_to = max(start, _minus_years(today, window)), min(end, today)
    days = max((counted_to - counted_from).days, 0)
    enough = days > 0 and counted_from <= _minus_years(counted_to, needed)
    values = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "needed": needed,
        "window": window,
        "days": days,
    }
    return RuleResult(
        "residence",
        PASS if enough else FAIL,
        N_(
            "Lived in Belgium from %(start)s to %(end)s: %(days)d days within the last "
            "%(window)d years, %(needed)d years required."
        ),
        values,
    )


def language(facts: dict, params: dict, context: Context) -> RuleResult:
    accepted = set(params["accepted_languages"])
    spoken = set(facts.get("languages") or [])
    if not spoken:
        return RuleResult("language", NEEDS_INFORMATION, N_("Languages not given."))
    common = sorted(spoken & accepted)
    if common:
        return RuleResult("language", PASS, N_("Speaks %(common)s."), {"common": ", ".join(common)})
    return RuleResult(
        "language",
        FAIL,
        N_("Speaks %(spoken)s: the call needs one of %(accepted)s."),
        {"spoken": ", ".join(sorted(spoken)), "accepted": ", ".join(sorted(accepted))},
    )


def declarations(facts: dict, params: dict, context: Context) -> RuleResult:
    required = [
        name
        for name in ("no_banking_ban", "no_legal_proceedings")
        if name in params["required_declarations"]
    ]
    if all(facts.get(name) is True for name in required):
        return RuleResult(
            "declarations", PASS, N_("No banking ban and no legal proceedings declared.")
        )
    if any(facts.get(name) is False for name in required):
        return RuleResult(
            "declarations", FAIL, N_("A banking ban or legal proceedings were declared.")
        )
    return RuleResult(
        "declarations",
        NEEDS_INFORMATION,
        N_("The declarations on banking ban and legal proceedings are missing."),
    )


def documents(facts: dict, params: dict, context: Context) -> RuleResult | None:
    if "documents" not in facts:  # the self-check asks for no document
        return None
    required = params["required_documents"]
    wanted = list(required.get("all", []))
    if facts.get("stage") == "company":
        wanted += required.get("company", [])
    missing = [kind for kind in wanted if kind not in set(facts["documents"])]
    if missing:
        return RuleResult(
            "documents",
            NEEDS_INFORMATION,
            N_("Documents missing: %(missing)s."),
            {"missing": ", ".join(missing)},
        )
    return RuleResult(
        "documents",
        PASS,
        N_("Every required document is there (%(count)d)."),
        {"count": len(wanted)},
    )


def company_age(facts: dict, params: dict, context: Context) -> RuleResult | None:
    if facts.get("stage") != "company":
        return None
    maximum = params["company_max_age_years"]
    created = parse_iso_date(facts.get("company_created_on"))
    if created is None:
        return RuleResult("company_age", NEEDS_INFORMATION, N_("Company creation date not given."))
    age = years_between(created, context.closing_date)
    values = {
        "created": created.isoformat(),
        "age": age,
        "on": context.closing_date.isoformat(),
        "maximum": maximum,
    }
    return RuleResult(
        "company_age",
        PASS if age < maximum else FAIL,
        N_(
            "Company created %(created)s: %(age)d full years on %(on)s, it must be "
            "less than %(maximum)d."
        ),
        values,
    )


def ownership(facts: dict, params: dict, context: Context) -> RuleResult | None:
    if facts.get("stage") != "company":
        return None
    threshold = params["ownership_min_percent"]
    share = facts.get("eligible_share_percent")
    if share is None:
        return RuleResult("ownership", NEEDS_INFORMATION, N_("Share of the capital not given."))
    return RuleResult(
        "ownership",
        PASS if share > threshold else FAIL,
        N_("%(share)s%% of the capital held by eligible people; more than %(threshold)s%% needed."),
        {"share": share, "threshold": threshold},
    )


#: Every rule, in the order they are shown.
RULES: list[Callable[[dict, dict, Context], RuleResult | None]] = [
    minimum_age,
    nationality,
    residence,
    language,
    declarations,
    documents,
    company_age,
    ownership,
]

RULE_LABELS = {
    "minimum_age": _l("Age"),
    "nationality": _l("Nationality"),
    "residence": _l("Residence in Belgium"),
    "language": _l("Language"),
    "declarations": _l("Banking ban and legal proceedings"),
    "documents": _l("Documents"),
    "company_age": _l("Age of the company"),
    "ownership": _l("Ownership of the company"),
}


def evaluate(facts: dict, params: dict, context: Context) -> list[RuleResult]:
    """Every rule that applies to these facts, judged with the call's parameters."""
    results = []
    for rule in RULES:
        try:
            result = rule(facts, params, context)
        except KeyError as missing:
            result = RuleResult(
                rule.__name__,
                NEEDS_INFORMATION,
                N_("The call does not set the parameter “%(parameter)s”."),
                {"parameter": missing.args[0]},
            )
        if result is not None:
            results.append(result)
    return results
