"""Each eligibility rule on boundary values; every reason names the values it used.

The rules are judged as a call judges them: the default rules as data with the call's
simple parameters in place (app.eligibility.rule_sets), one rule picked by its name.
"""

import re
from datetime import date

import pytest
from flask_babel import force_locale, format_date

from app.application_forms.versions import default_form
from app.calls.models import DEFAULT_ELIGIBILITY
from app.eligibility.conditions import InvalidRules, evaluate_rules, load_rules
from app.eligibility.rule_sets import rules_from_parameters
from app.eligibility.rules import FAIL, NEEDS_INFORMATION, PASS, Context, verdict


def evaluate(facts: dict, params: dict, context: Context) -> list:
    """Every rule of a call with these parameters, judged on these facts."""
    return evaluate_rules(load_rules(rules_from_parameters(params, default_form())), facts, context)


def _rule(name: str):
    def judge(facts: dict, params: dict, context: Context):
        return next((r for r in evaluate(facts, params, context) if r.rule == name), None)

    return judge


minimum_age, nationality, residence, language = map(
    _rule, ("minimum_age", "nationality", "residence", "language")
)
declarations, documents, company_age, ownership = map(
    _rule, ("declarations", "documents", "company_age", "ownership")
)

PARAMS = dict(DEFAULT_ELIGIBILITY)
CONTEXT = Context(closing_date=date(2026, 3, 31), application_date=date(2026, 3, 1))


def _reason(result) -> str:
    with force_locale("en"):
        return str(result.reason)


def _english(expected: str) -> str:
    """``expected`` with its ISO dates as an English reader sees them ("Mar 31, 2026")."""
    with force_locale("en"):
        return re.sub(
            r"\d{4}-\d{2}-\d{2}",
            lambda match: format_date(date.fromisoformat(match.group()), "medium"),
            str(expected),
        )


@pytest.mark.parametrize(
    ("born", "outcome", "words"),
    [
        (
            "2008-03-31",
            PASS,
            ["2008-03-31", "18 years", "2026-03-31", "18"],
        ),  # 18th birthday: the day
        ("2008-04-01", FAIL, ["2008-04-01", "17 years", "2026-03-31", "minimum 18"]),
        ("2009-03-02", FAIL, ["2009-03-02", "17 years old on 2026-03-31, minimum 18"]),
        ("1960-01-01", PASS, ["66 years"]),
        (None, NEEDS_INFORMATION, ["Date of birth"]),
    ],
)
def test_minimum_age(app, born, outcome, words):
    result = minimum_age({"birth_date": born}, PARAMS, CONTEXT)
    assert result.outcome == outcome
    for word in words:
        assert _english(word) in _reason(result)


@pytest.mark.parametrize(
    ("held", "ties", "outcome"),
    [
        (["MA"], False, PASS),
        (["BE"], True, PASS),
        (["BE"], False, NEEDS_INFORMATION),
        (["MA", "BE"], False, PASS),
        (["FR"], True, FAIL),
        ([], False, NEEDS_INFORMATION),
    ],
)
def test_nationality(app, held, ties, outcome):
    result = nationality({"nationalities": held, "moroccan_ties": ties}, PARAMS, CONTEXT)
    assert result.outcome == outcome
    if held:
        assert ", ".join(sorted(held)) in _reason(result)


@pytest.mark.parametrize(
    ("start", "end", "outcome"),
    [
        ("2015-01-01", None, PASS),  # lives in Belgium now
        ("2015-01-01", "2023-03-01", PASS),  # left 3 years ago, but 2 of the last 5 in Belgium
        ("2015-01-01", "2023-03-02", PASS),
        ("2015-01-01", "2023-02-28", FAIL),  # one day short of 2 years within the window
        ("2024-03-01", "2026-02-28", FAIL),  # 2 years minus a day
        ("2024-03-01", "2026-03-01", PASS),  # ends today: still resident
        (None, None, NEEDS_INFORMATION),
    ],
)
def test_residence_exactly_two_of_five_years(app, start, end, outcome):
    facts = {"belgium_residence_start": start, "belgium_residence_end": end}
    result = residence(facts, PARAMS, CONTEXT)
    assert result.outcome == outcome, _reason(result)
    if start:
        assert _english(start) in _reason(result)
    if end and end < "2026-03-01":
        assert "2 years required" in _reason(result) and "last 5 years" in _reason(result)


def test_language(app):
    assert language({"languages": ["nl"]}, PARAMS, CONTEXT).outcome == FAIL
    assert "nl" in _reason(language({"languages": ["nl"]}, PARAMS, CONTEXT))
    assert language({"languages": ["nl", "ar"]}, PARAMS, CONTEXT).outcome == PASS


def test_declarations(app):
    assert (
        declarations(
            {"no_banking_ban": True, "no_legal_proceedings": True}, PARAMS, CONTEXT
        ).outcome
        == PASS
    )
    assert (
        declarations(
            {"no_banking_ban": False, "no_legal_proceedings": True}, PARAMS, CONTEXT
        ).outcome
        == FAIL
    )
    assert declarations({}, PARAMS, CONTEXT).outcome == NEEDS_INFORMATION


@pytest.mark.parametrize(
    ("created", "outcome"),
    [
        ("2021-04-01", PASS),  # 4 full years on 2026-03-31
        ("2021-03-31", FAIL),  # exactly 5 years before the reference date
        ("2020-01-01", FAIL),
    ],
)
def test_company_age(app, created, outcome):
    result = company_age({"stage": "company", "company_created_on": created}, PARAMS, CONTEXT)
    assert result.outcome == outcome
    assert _english(created) in _reason(result) and _english("2026-03-31") in _reason(result)


@pytest.mark.parametrize(("share", "outcome"), [(50, FAIL), (50.5, PASS), (51, PASS), (0, FAIL)])
def test_ownership_needs_a_majority(app, share, outcome):
    result = ownership({"stage": "company", "eligible_share_percent": share}, PARAMS, CONTEXT)
    assert result.outcome == outcome
    assert f"{share}%" in _reason(result) and "50%" in _reason(result)


def test_company_rules_apply_only_to_companies(app):
    facts = {"stage": "idea"}
    assert company_age(facts, PARAMS, CONTEXT) is None and ownership(facts, PARAMS, CONTEXT) is None


def test_the_verdict(app):
    from tests.helpers import COMPLETE_ANSWERS

    results = evaluate(COMPLETE_ANSWERS, PARAMS, CONTEXT)
    assert verdict(results) == PASS
    assert (
        verdict(evaluate({**COMPLETE_ANSWERS, "birth_date": None}, PARAMS, CONTEXT))
        == NEEDS_INFORMATION
    )
    assert (
        verdict(
            evaluate({**COMPLETE_ANSWERS, "languages": ["nl"], "birth_date": None}, PARAMS, CONTEXT)
        )
        == FAIL
    )


def test_a_parameter_set_by_staff_is_used(app):
    params = {**PARAMS, "minimum_age": 21}
    result = minimum_age({"birth_date": "2006-01-01"}, params, CONTEXT)
    assert result.outcome == FAIL and "minimum 21" in _reason(result)


def test_a_rule_without_its_value_is_refused_whole_not_assumed(app):
    data = rules_from_parameters(PARAMS, default_form())
    del data["rules"][0]["condition"]["years"]
    with pytest.raises(InvalidRules) as refused:
        load_rules(data)
    assert "rules[0].condition.years" in str(refused.value)


def test_documents_rule(app):
    facts = {"documents": ["identity", "cv"], "stage": "idea"}
    result = documents(facts, PARAMS, CONTEXT)
    assert result.outcome == NEEDS_INFORMATION
    assert "business_plan" in _reason(result) and "criminal_record" in _reason(result)
    facts["documents"] += ["business_plan", "criminal_record"]
    assert documents(facts, PARAMS, CONTEXT).outcome == PASS
    facts["stage"] = "company"
    assert "statutes" in _reason(documents(facts, PARAMS, CONTEXT))


@pytest.mark.parametrize(
    "rule", [minimum_age, nationality, residence, language, company_age, ownership]
)
def test_every_reason_names_the_values_it_used(app, rule):
    from tests.helpers import COMPLETE_ANSWERS

    facts = {
        **COMPLETE_ANSWERS,
        "stage": "company",
        "company_created_on": "2023-01-01",
        "eligible_share_percent": 60,
        "belgium_residence_end": "2024-01-01",
    }
    result = rule(facts, PARAMS, CONTEXT)
    text = _reason(result)
    assert result.values, rule.__name__
    for value in result.values.values():
        assert _english(value) in text, (rule.__name__, value, text)


def test_a_reason_writes_its_dates_for_the_reader(app):
    result = minimum_age({"birth_date": "2009-03-02"}, PARAMS, CONTEXT)
    with force_locale("fr"):
        french = str(result.reason)
    assert "2 mars 2009" in french and "31 mars 2026" in french
    assert result.values["born"] == "2009-03-02"  # stored as ISO, written when shown
