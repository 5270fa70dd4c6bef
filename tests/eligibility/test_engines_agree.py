"""The rules as data (the "eligibility" of app/calls/call_templates/mbi.json) judge MBI
dossiers exactly as the built-in rules do.

5,000 generated dossiers, the same every run (seeded), with the edges on purpose: 17 or
18 on the closing date, births and company creations on 29 February, residence ending
around the 2-of-5-years limit, Belgian-only nationals with and without ties, companies
4, 5 and 6 years old, 49/50/51 % ownership, missing answers and documents. For each:
the same rules, outcomes, messages and reasons (in the four languages), and verdict.
"""

import random
from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.application_forms.versions import default_form
from app.applications.questions import call_template
from app.calls.models import DEFAULT_ELIGIBILITY
from app.demo.services import demo_answers
from app.documents.requirements import DOCUMENT_KINDS
from app.eligibility.conditions import evaluate_rules, load_rules
from app.eligibility.rules import Context, _minus_years, _readable, verdict
from tests.eligibility.legacy_rules import evaluate

QUESTIONS = default_form().questions

DOSSIERS = 5000
SEED = 17
#: The reasons are compared in each language of the app, not only English and French.
LANGUAGES = ("en", "fr", "nl", "ar")
ROOT = Path(__file__).parents[2]
MBI_RULES = {key: call_template("mbi")["eligibility"][key] for key in ("default_language", "rules")}
CONTEXTS = (
    Context(closing_date=date(2026, 3, 31), application_date=date(2026, 3, 1)),
    Context(closing_date=date(2028, 2, 29), application_date=date(2028, 2, 29)),
    Context(closing_date=date(2027, 3, 1), application_date=date(2027, 2, 28)),
)
ABSENT = object()


def _days(day: date, days: int) -> str:
    return (day + timedelta(days=days)).isoformat()


def _random_day(rng: random.Random, first_year: int, last_year: int) -> str:
    return _days(date(first_year, 1, 1), rng.randrange((last_year - first_year) * 366))


def _birth_date(rng, context):
    adult = _minus_years(context.closing_date, 18)
    return rng.choice(
        [
            adult.isoformat(),  # 18 on the closing date
            _days(adult, 1),  # 17 until the day after
            _days(adult, -1),
            "2008-02-29",
            "2010-02-28",
            "2009-03-01",
            _random_day(rng, 1955, 2012),
            _random_day(rng, 1955, 2012),
            None,
            ABSENT,
            "",
            "not a date",
        ]
    )


def _nationality(rng):
    return {
        "nationalities": rng.choice(
            [["MA"], ["BE"], ["BE"], ["MA", "BE"], ["FR"], ["BE", "FR"], ["NL"], [], None, ABSENT]
        ),
        "moroccan_ties": rng.choice([True, False, None, ABSENT]),
    }


def _residence(rng, context):
    today = context.application_date
    two, five = _minus_years(today, 2), _minus_years(today, 5)
    start = rng.choice(
        [
            _random_day(rng, 1985, 2024),
            five.isoformat(),
            _days(five, -1),
            _days(five, 1),
            _days(two, -10),
            "2012-02-29",
            None,
            ABSENT,
        ]
    )
    end = rng.choice(
        [
            ABSENT,
            None,
            "",
            today.isoformat(),
            _days(today, -1),
            _days(today, 30),
            _minus_years(today, 3).isoformat(),  # exactly 2 of the last 5 years left
            _days(_minus_years(today, 3), 1),
            _days(_minus_years(today, 3), -1),
            _days(five, 10),  # straddles the window's start
            _days(five, -10),  # ended before the window
            "1980-01-01",  # before any start: inconsistent
            _random_day(rng, 2015, 2027),
        ]
    )
    return {"belgium_residence_start": start, "belgium_residence_end": end}


def _company(rng, context):
    closing = context.closing_date
    created = rng.choice(
        [
            _minus_years(closing, 4).isoformat(),
            _minus_years(closing, 5).isoformat(),  # 5 full years on the closing date: too old
            _days(_minus_years(closing, 5), 1),
            _days(_minus_years(closing, 5), -1),
            _minus_years(closing, 6).isoformat(),
            "2024-02-29",
            "2023-02-28",
            _random_day(rng, 2015, 2027),
            None,
            ABSENT,
        ]
    )
    share = rng.choice([49, 50, 51, 50.5, 0, 100, 75, None, ABSENT])
    return {"company_created_on": created, "eligible_share_percent": share}


def _documents(rng):
    roll = rng.random()
    if roll < 0.1:
        return ABSENT  # the self-check: no documents
    if roll < 0.5:
        return list(DOCUMENT_KINDS)
    return [kind for kind in DOCUMENT_KINDS if rng.random() < 0.8]


def generated_dossier(rng: random.Random, context: Context) -> dict:
    """One applicant's facts; every fifth is the demo's own applicant, documents varied."""
    if rng.random() < 0.2:
        facts = demo_answers(rng, "Demo Applicant", rng.choice("FM"))
    else:
        facts = {
            "birth_date": _birth_date(rng, context),
            **_nationality(rng),
            **_residence(rng, context),
            "languages": rng.choice(
                [["fr"], ["nl"], ["nl", "en"], ["ar", "nl"], ["fr", "nl", "ar"], [], ABSENT]
            ),
            "no_banking_ban": rng.choice([True, True, False, None, ABSENT]),
            "no_legal_proceedings": rng.choice([True, True, False, None, ABSENT]),
            "stage": rng.choice(["company", "company", "idea", None, ABSENT]),
            **_company(rng, context),
        }
    facts["documents"] = _documents(rng)
    return {name: value for name, value in facts.items() if value is not ABSENT}


@cache
def _catalogue(language: str):
    """The built-in rules' translations, as the catalogues keep them (obsolete entries
    since the rules became data)."""
    with (ROOT / f"app/translations/{language}/LC_MESSAGES/messages.po").open("rb") as po:
        return read_po(po)


def _legacy_reason(result, language: str) -> str:
    """A built-in rule's reason in ``language``, as it read before the rules were data."""
    catalogue = _catalogue(language)
    message = catalogue.get(result.template) or catalogue.obsolete.get(result.template)
    text = message.string if message is not None and message.string else result.template
    with force_locale(language):
        return text % {name: _readable(value) for name, value in result.values.items()}


def _disagreement(facts, context, old, new) -> str | None:
    if [r.rule for r in old] != [r.rule for r in new]:
        return f"rules {[r.rule for r in old]} != {[r.rule for r in new]}"
    for before, after in zip(old, new, strict=True):
        if (before.outcome, before.template) != (after.outcome, after.template):
            return f"{before.rule}: {before.outcome} {before.template!r} != {after!r}"
        for language in LANGUAGES:
            shown = _legacy_reason(before, language)
            if shown != after.reason_in(language):
                return f"{before.rule} ({language}): {shown!r} != {after.reason_in(language)!r}"
    if verdict(old) != verdict(new):
        return f"verdict {verdict(old)} != {verdict(new)}"
    return None


def test_both_engines_judge_5000_dossiers_alike(app):
    rules = load_rules(MBI_RULES, set(QUESTIONS))
    rng = random.Random(SEED)
    compared, disagreements, seen = 0, [], Counter()
    for _ in range(DOSSIERS):
        context = rng.choice(CONTEXTS)
        facts = generated_dossier(rng, context)
        old = evaluate(facts, DEFAULT_ELIGIBILITY, context)
        new = evaluate_rules(rules, facts, context)
        problem = _disagreement(facts, context, old, new)
        if problem:
            disagreements.append(f"{problem}\n  facts={facts} context={context}")
        seen.update((result.rule, result.template) for result in old)
        compared += 1
    assert not disagreements, f"{len(disagreements)} disagree; first:\n" + "\n".join(
        disagreements[:5]
    )
    assert compared == DOSSIERS
    # The dossiers reach every reason of every rule, hence every outcome.
    every_reason = {
        (rule["name"], texts["en"]) for rule in MBI_RULES["rules"] for texts in _reasons(rule)
    }
    assert every_reason <= set(seen), every_reason - set(seen)


def _reasons(node):
    yield from node.get("reasons", {}).values()
    for key in ("condition", "all", "any"):
        children = node.get(key, [])
        for child in [children] if isinstance(children, dict) else children:
            yield from _reasons(child)
