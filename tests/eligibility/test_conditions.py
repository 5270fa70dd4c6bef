"""Rules as data: each operator on its edges, validation naming each problem's place,
and reasons that substitute plain values and never run what a rule's text holds."""

import copy
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.application_forms.versions import default_form
from app.applications.questions import call_template
from app.eligibility.conditions import (
    InvalidRules,
    evaluate_rules,
    load_rules,
    render,
    validate_rules,
)
from app.eligibility.rules import FAIL, NEEDS_INFORMATION, PASS, Context

QUESTIONS = default_form().questions

CONTEXT = Context(closing_date=date(2026, 3, 31), application_date=date(2026, 3, 1))
ROOT = Path(__file__).parents[2]
MBI = {key: call_template("mbi")["eligibility"][key] for key in ("default_language", "rules")}
REASONS = {
    "passed": {"en": "Passed %(x)s.", "fr": "Réussi."},
    "failed": {"en": "Failed.", "fr": "Échoué."},
    "missing": {"en": "Missing.", "fr": "Manquant."},
    "living_now": {"en": "Living there now.", "fr": "Y vit."},
    "ends_before_start": {"en": "Ends before it starts.", "fr": "Incohérent."},
}


def _rule(condition, when_failed="fail", **extra) -> dict:
    return {
        "name": "rule",
        "title": {"fr": "Règle"},
        "condition": condition,
        "when_failed": when_failed,
        "reasons": {key: {"fr": text["fr"]} for key, text in REASONS.items()},
        **extra,
    }


def _judge(condition, facts, context=CONTEXT, when_failed="fail"):
    rules = load_rules({"default_language": "fr", "rules": [_rule(condition, when_failed)]})
    results = evaluate_rules(rules, facts, context)
    return results[0].outcome if results else None


AGE = {"op": "age_at_closing_at_least", "question": "birth_date", "years": 18}
LIVING = {
    "op": "years_living_in_at_least",
    "since": "start",
    "until": "end",
    "years": 2,
    "window": 5,
}


@pytest.mark.parametrize(
    ("condition", "facts", "outcome"),
    [
        ({"op": "equals", "question": "q", "value": "a"}, {"q": "a"}, PASS),
        ({"op": "equals", "question": "q", "value": "a"}, {"q": "b"}, FAIL),
        ({"op": "equals", "question": "q", "value": "a"}, {}, NEEDS_INFORMATION),
        ({"op": "equals", "question": "q", "value": True}, {"q": 1}, FAIL),  # 1 is not true
        ({"op": "equals", "question": "q", "value": True}, {"q": False}, FAIL),
        ({"op": "equals", "question": "q", "value": "a"}, {"q": "  "}, NEEDS_INFORMATION),
        ({"op": "one_of", "question": "q", "values": ["MA"]}, {"q": ["BE", "MA"]}, PASS),
        ({"op": "one_of", "question": "q", "values": ["MA"]}, {"q": "MA"}, PASS),
        ({"op": "one_of", "question": "q", "values": ["MA"]}, {"q": ["BE"]}, FAIL),
        ({"op": "one_of", "question": "q", "values": ["MA"]}, {"q": []}, NEEDS_INFORMATION),
        ({"op": "none_of", "question": "q", "values": ["FR"]}, {"q": ["BE"]}, PASS),
        ({"op": "none_of", "question": "q", "values": ["FR"]}, {"q": ["BE", "FR"]}, FAIL),
        ({"op": "none_of", "question": "q", "values": ["FR"]}, {}, NEEDS_INFORMATION),
        ({"op": "at_least", "question": "q", "value": 50}, {"q": 50}, PASS),
        ({"op": "at_least", "question": "q", "value": 50}, {"q": 49.9}, FAIL),
        ({"op": "at_least", "question": "q", "value": 50}, {"q": "60"}, NEEDS_INFORMATION),
        ({"op": "at_least", "question": "q", "value": 50}, {"q": True}, NEEDS_INFORMATION),
        ({"op": "at_most", "question": "q", "value": 50}, {"q": 50}, PASS),
        ({"op": "at_most", "question": "q", "value": 50}, {"q": 51}, FAIL),
        ({"op": "more_than", "question": "q", "value": 50}, {"q": 50}, FAIL),
        ({"op": "more_than", "question": "q", "value": 50}, {"q": 50.5}, PASS),
        ({"op": "less_than", "question": "q", "value": 50}, {"q": 0}, PASS),
        ({"op": "less_than", "question": "q", "value": 50}, {"q": None}, NEEDS_INFORMATION),
        (AGE, {"birth_date": "2008-03-31"}, PASS),  # 18th birthday on the closing date
        (AGE, {"birth_date": "2008-04-01"}, FAIL),
        (AGE, {"birth_date": "not a date"}, NEEDS_INFORMATION),
        (AGE, {}, NEEDS_INFORMATION),
        ({"op": "answered", "question": "q"}, {"q": False}, PASS),
        ({"op": "answered", "question": "q"}, {"q": ""}, FAIL),
        ({"op": "document_present", "kind": "cv"}, {"documents": ["cv"]}, PASS),
        ({"op": "document_present", "kind": "cv"}, {"documents": []}, FAIL),
        ({"op": "document_present", "kind": "cv"}, {}, FAIL),
        ({"op": "documents_known"}, {"documents": []}, PASS),
        ({"op": "documents_known"}, {}, FAIL),
    ],
)
def test_each_operator(condition, facts, outcome):
    assert _judge(condition, facts) == outcome


@pytest.mark.parametrize(
    ("born", "closing", "outcome"),
    [
        ("2008-02-29", date(2026, 2, 28), FAIL),  # born 29 February: 18 on 1 March
        ("2008-02-29", date(2026, 3, 1), PASS),
        ("2010-02-28", date(2028, 2, 29), PASS),  # 18 the day before a 29 February closing
        ("2010-03-01", date(2028, 2, 29), FAIL),
    ],
)
def test_age_on_29_february(born, closing, outcome):
    context = Context(closing_date=closing, application_date=closing)
    assert _judge(AGE, {"birth_date": born}, context) == outcome


@pytest.mark.parametrize(
    ("created", "condition", "outcome"),
    [
        ("2022-03-31", "years_since_at_most", PASS),  # 4 full years
        ("2021-03-31", "years_since_at_most", PASS),  # 5 full years: at most 5
        ("2021-03-31", "years_since_less_than", FAIL),  # ... but not less than 5
        ("2021-04-01", "years_since_less_than", PASS),
        ("2020-02-29", "years_since_at_most", FAIL),  # 6 years
        (None, "years_since_at_most", NEEDS_INFORMATION),
    ],
)
def test_years_since(created, condition, outcome):
    node = {"op": condition, "question": "created", "years": 5}
    assert _judge(node, {"created": created}) == outcome


def test_years_since_measured_to_the_application_date():
    node = {"op": "years_since_less_than", "question": "created", "years": 5}
    facts = {"created": "2021-03-15"}  # 5 years on the closing date, not yet on applying
    assert _judge(node, facts) == FAIL
    assert _judge({**node, "to": "application"}, facts) == PASS


@pytest.mark.parametrize(
    ("start", "end", "outcome"),
    [
        ("2015-01-01", None, PASS),
        ("2015-01-01", "2023-03-01", PASS),  # exactly 2 of the last 5 years
        ("2015-01-01", "2023-02-28", FAIL),  # a day short
        ("2020-03-01", "2022-03-01", FAIL),  # 2 years, but straddling the window's start
        ("2024-02-29", "2026-03-01", PASS),  # ends on the application date: lives there
        ("2024-03-01", "2023-01-01", NEEDS_INFORMATION),  # ends before it starts
        (None, "2023-01-01", NEEDS_INFORMATION),
    ],
)
def test_years_living_in(start, end, outcome):
    assert _judge(LIVING, {"start": start, "end": end}) == outcome


def test_all_fails_before_it_needs_information_and_any_passes_on_one():
    both = {
        "all": [
            {"op": "equals", "question": "a", "value": True},
            {"op": "equals", "question": "b", "value": True},
        ]
    }
    assert _judge(both, {"a": None, "b": False}) == FAIL
    assert _judge(both, {"a": None, "b": True}) == NEEDS_INFORMATION
    assert _judge(both, {"a": True, "b": True}) == PASS
    either = {"any": both["all"]}
    assert _judge(either, {"a": None, "b": True}) == PASS
    assert _judge(either, {"a": None, "b": False}) == NEEDS_INFORMATION
    assert _judge(either, {"a": False, "b": False}) == FAIL


def test_a_condition_that_does_not_apply_is_left_out():
    condition = {
        "all": [
            {"op": "document_present", "kind": "cv"},
            {
                "op": "document_present",
                "kind": "statutes",
                "applies_if": {"op": "equals", "question": "stage", "value": "company"},
            },
        ]
    }
    assert _judge(condition, {"documents": ["cv"]}) == PASS  # stage unknown: not asked
    assert _judge(condition, {"documents": ["cv"], "stage": "company"}) == FAIL


def test_a_sub_condition_gives_its_own_outcome_and_reason():
    rules = load_rules(MBI, set(QUESTIONS))
    facts = {"nationalities": ["BE"], "moroccan_ties": False}
    (result,) = [r for r in evaluate_rules(rules, facts, CONTEXT) if r.rule == "nationality"]
    assert result.outcome == NEEDS_INFORMATION
    assert result.reason_in("en") == (
        "Nationality BE: Belgian nationals need ties with Morocco; none declared."
    )
    assert result.reason_in("fr").startswith("Nationalité BE")


def test_reasons_cite_their_values_in_each_language_with_a_fallback():
    rules = load_rules(MBI)
    (age,) = evaluate_rules(rules, {"birth_date": "2009-03-02"}, CONTEXT)[:1]
    assert age.template == "Born %(born)s: %(age)d years old on %(on)s, minimum %(minimum)d."
    assert age.values == {"born": "2009-03-02", "age": 17, "on": "2026-03-31", "minimum": 18}
    assert age.reason_in("en") == "Born Mar 2, 2009: 17 years old on Mar 31, 2026, minimum 18."
    assert age.reason_in("fr") == "Né(e) le 2 mars 2009 : 17 ans au 31 mars 2026, minimum 18."
    assert "2009" in age.reason_in("ar") and "17" in age.reason_in("nl")
    only_french = load_rules({"default_language": "fr", "rules": [_rule(AGE)]})
    (result,) = evaluate_rules(only_french, {"birth_date": "2009-03-02"}, CONTEXT)
    assert result.template == "Échoué."  # no English: the default language's text
    assert result.reason_in("nl") == "Échoué."
    assert only_french.texts_for("rule", "Échoué.") == {"fr": "Échoué."}


def test_missing_birth_date_needs_information_as_today():
    (result, *_) = evaluate_rules(load_rules(MBI), {}, CONTEXT)
    assert (result.rule, result.outcome, result.template) == (
        "minimum_age",
        NEEDS_INFORMATION,
        "Date of birth not given.",
    )


def test_mbi_reasons_read_as_the_catalogues_translate_them():
    for language in ("fr", "nl", "ar"):
        with (ROOT / f"app/translations/{language}/LC_MESSAGES/messages.po").open("rb") as po:
            catalogue = read_po(po)
        for rule in MBI["rules"]:
            for texts in _texts(rule):
                # the built-in rules' messages stay in the catalogues as obsolete entries
                message = catalogue.get(texts["en"]) or catalogue.obsolete.get(texts["en"])
                assert texts[language] == message.string, texts["en"]


def _texts(node):
    if "title" in node:
        yield node["title"]
    yield from node.get("reasons", {}).values()
    for key in ("condition", "all", "any"):
        children = node.get(key, [])
        for child in [children] if isinstance(children, dict) else children:
            yield from _texts(child)


# Validation.


def _problems(change) -> list[str]:
    data = copy.deepcopy(MBI)
    change(data)
    return [str(problem) for problem in validate_rules(data, set(QUESTIONS))]


def test_mbi_rules_are_valid():
    assert validate_rules(MBI, set(QUESTIONS)) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: d["rules"][1]["condition"]["all"][1]["any"].__setitem__(0, {"op": "regex"}),
            "rules[1].condition.all[1].any[0].op: unknown operator 'regex'",
        ),
        (
            lambda d: d["rules"][0]["condition"].__setitem__("question", "birthdate"),
            "rules[0].condition.question: no question named 'birthdate'",
        ),
        (
            lambda d: d["rules"][0]["reasons"]["missing"].pop("fr"),
            "rules[0].reasons.missing: no text in the default language 'fr'",
        ),
        (
            lambda d: d["rules"][0]["condition"].__setitem__("years", -1),
            "rules[0].condition.years: expected a whole number from 0 to 150",
        ),
        (
            lambda d: d["rules"][7]["condition"].__setitem__("value", "fifty"),
            "rules[7].condition.value: expected a number",
        ),
        (
            lambda d: d["rules"][2]["condition"].__setitem__("years", 6),
            "rules[2].condition.years: expected from 1 to the window's years",
        ),
        (
            lambda d: d["rules"][0]["reasons"]["failed"].__setitem__("en", "Age %(agee)d."),
            "rules[0].reasons.failed.en: cites 'agee', a value this rule does not give "
            "(age, born, minimum, on)",
        ),
        (
            lambda d: d["rules"][0]["reasons"]["failed"].__setitem__("en", "%(born)d, 100%"),
            "rules[0].reasons.failed.en: write % as %% (placeholders: %(name)s, or %(name)d "
            "for numbers)",
        ),
        (
            lambda d: d["rules"][0]["reasons"].pop("missing"),
            "rules[0].condition: no reason for 'missing' here, around it or on the rule",
        ),
        (
            lambda d: d["rules"][2]["reasons"].pop("living_now"),
            "rules[2].condition: no reason for 'living_now' here, around it or on the rule",
        ),
        (
            lambda d: d["rules"][3].__setitem__("when_failed", "reject"),
            "rules[3].when_failed: expected 'fail' or 'needs_information'",
        ),
        (
            lambda d: d["rules"][3]["title"].__setitem__("de", "Sprache"),
            "rules[3].title.de: unknown language 'de' (one of fr, nl, ar, en)",
        ),
        (
            lambda d: d["rules"][4].__setitem__("name", "minimum_age"),
            "rules[4].name: a second rule named 'minimum_age'",
        ),
        (
            lambda d: d["rules"][5]["condition"]["all"][0].__setitem__("cite_as", {"count": "n"}),
            "rules[5].condition.all[0].cite_as: document_present always cites 'missing' and "
            "'count'",
        ),
        (
            lambda d: d["rules"][6].__setitem__("when_fail", "fail"),
            "rules[6].when_fail: unknown key 'when_fail'",
        ),
        (
            lambda d: d["rules"][6]["applies_if"].__setitem__("reasons", {}),
            "rules[6].applies_if.reasons: has no effect inside applies_if",
        ),
        (
            lambda d: d["rules"][4]["condition"].__setitem__("all", []),
            "rules[4].condition.all: expected a non-empty list of conditions",
        ),
    ],
)
def test_each_problem_is_named_at_its_place(change, problem):
    assert problem in _problems(change)


def test_nothing_is_evaluated_from_rules_with_problems():
    data = copy.deepcopy(MBI)
    data["rules"][3]["condition"] = {"op": "__import__", "question": "os"}
    with pytest.raises(InvalidRules) as refused:
        load_rules(data, set(QUESTIONS))
    assert "rules[3].condition.op: unknown operator '__import__'" in str(refused.value)
    with pytest.raises(TypeError):
        evaluate_rules(data, {}, CONTEXT)


@pytest.mark.parametrize(
    ("text", "values", "shown"),
    [
        ("{0.__class__} {age}", {"age": 3}, "{0.__class__} {age}"),  # braces are text
        ("%(x)s", {"x": {"a": 1}}, "%(x)s"),  # not a plain value: left as written
        ("%(x)s", {"x": object()}, "%(x)s"),
        ("%(x)d", {"x": "3"}, "%(x)d"),
        ("%(x)s", {}, "%(x)s"),
        ("%(x)d%%", {"x": 50.5}, "50%"),
        ("%(x)s", {"x": "2026-02-29"}, "2026-02-29"),  # not a date: as written
        ("%(x)s, %(y)s", {"x": "2024-02-29", "y": "a %(x)s"}, "Feb 29, 2024, a %(x)s"),
    ],
)
def test_reasons_substitute_plain_values_only(text, values, shown):
    assert render(text, values, "en") == shown


def test_a_reason_trying_code_is_refused_or_shown_as_text():
    rule = _rule(AGE)
    rule["reasons"]["failed"]["fr"] = "{0.__class__.__mro__} %(born.__class__)s"
    problems = validate_rules({"default_language": "fr", "rules": [rule]})
    assert [str(p) for p in problems] == [
        "rules[0].reasons.failed.fr: write % as %% (placeholders: %(name)s, or %(name)d "
        "for numbers)"
    ]
    rule["reasons"]["failed"]["fr"] = "{0.__class__.__mro__} %(born)s"
    (result,) = evaluate_rules(
        load_rules({"default_language": "fr", "rules": [rule]}),
        {"birth_date": "2010-01-01"},
        CONTEXT,
    )
    assert result.reason_in("fr") == "{0.__class__.__mro__} 1 janv. 2010"
