"""Eligibility rules as data: conditions over answers and documents, from a fixed set.

A call's staff can write a rule without code: a condition ("18 or more on the closing
date", "Moroccan, or Belgian with ties to Morocco", "identity document present"), the
outcome when it fails (``fail`` or ``needs_information``) and a reason per language
that cites the values it used, exactly as the built-in rules (app.eligibility.rules)
give them. A missing answer leaves its condition unknown, which needs information
(unless the rest decides: ``all`` with a failing part fails): nothing is assumed.

Rule sets are checked by :func:`validate_rules`, which names every problem with its
place in the data ("rules[2].condition.all[1].op: unknown operator 'regex'"); only a
set that passed (:func:`load_rules`) can be evaluated. Conditions are looked up in
app.eligibility.operators.OPERATORS and reasons are filled by :func:`render`, which
substitutes named plain values and nothing else: no rule text is ever run as code.

The data, for example::

    {"default_language": "fr", "rules": [{
        "name": "minimum_age",
        "title": {"en": "Age", "fr": "Âge"},
        "condition": {"op": "age_at_closing_at_least", "question": "birth_date", "years": 18},
        "when_failed": "fail",
        "reasons": {
            "passed": {"en": "Born %(born)s: %(age)d years old on %(on)s.", "fr": "..."},
            "failed": {"en": "...", "fr": "..."},
            "missing": {"en": "Date of birth not given.", "fr": "..."}}}]}

``all`` and ``any`` are written ``{"all": [...]}``; any condition inside them may carry
its own ``when_failed`` and ``reasons`` (used when it is the one that decides),
``applies_if`` (left out when that condition is not true) and ``cite_as`` (renames
the values it cites).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date

from app.eligibility.operators import (
    COMPOSITES,
    LANGUAGES,
    OPERATORS,
    PLACEHOLDER,
    WHEN_FAILED,
    is_number,
    is_plain,
)
from app.eligibility.rule_validation import Problem, validate_rules
from app.eligibility.rules import (
    ISO_DATE,
    NEEDS_INFORMATION,
    PASS,
    Context,
    RuleResult,
    verdict,
)

__all__ = [
    "OPERATORS",
    "DataRuleResult",
    "InvalidRules",
    "Problem",
    "RuleSet",
    "evaluate_rules",
    "load_rules",
    "render",
    "validate_rules",
    "verdict",
]


# --- Judging a rule -------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    state: bool | None
    situation: str
    #: The condition that decided, then each condition around it.
    chain: tuple


def _applies(node: dict, facts: dict, context: Context) -> bool:
    """A condition or rule applies unless its ``applies_if`` is false or unknown."""
    if "applies_if" not in node:
        return True
    judged = _judge(node["applies_if"], facts, context, [])
    return judged is not None and judged.state is True


def _judge(node: dict, facts: dict, context: Context, leaves: list) -> Judgement | None:
    """Judge ``node`` (None: it does not apply); each operator judged goes to ``leaves``."""
    if not _applies(node, facts, context):
        return None
    for name in COMPOSITES:
        if name in node:
            judged = [_judge(child, facts, context, leaves) for child in node[name]]
            return _combine(name, node, [j for j in judged if j is not None])
    leaf = OPERATORS[node["op"]].judge(node, facts, context)
    leaves.append((node, leaf))
    return Judgement(leaf.state, leaf.situation, (node,))


def _combine(name: str, node: dict, judged: list[Judgement]) -> Judgement:
    """``all``: false if one is false, else unknown if one is, else true; ``any``: true if
    one is true, else unknown if one is, else false. The first such condition decides."""

    def first(state):
        return next((j for j in judged if j.state is state), None)

    if name == "all":
        decisive = first(False) or first(None)
        if decisive is None:
            return Judgement(True, "passed", (node,))
    else:
        decisive = first(True) or first(None)
        if decisive is None:
            return Judgement(False, "failed", (node,))
    return Judgement(decisive.state, decisive.situation, (*decisive.chain, node))


def _values(leaves: list) -> dict:
    """What the judged operators cite, the first one naming a value giving it; every
    document_present together cites ``missing`` (kinds absent, in order) and ``count``."""
    values = {}
    documents = [leaf.document for _, leaf in leaves if leaf.document]
    if documents:
        values["missing"] = ", ".join(kind for kind, present in documents if not present)
        values["count"] = len(documents)
    for node, leaf in leaves:
        renamed = node.get("cite_as", {})
        for name, value in leaf.values.items():
            values.setdefault(renamed.get(name, name), value)
    return values


def _cited_names(texts: dict) -> set[str]:
    return {match["name"] for text in texts.values() for match in PLACEHOLDER.finditer(text)} - {
        None
    }


def _judge_rule(rule: dict, facts: dict, context: Context, default_language: str):
    if not _applies(rule, facts, context):
        return None
    leaves = []
    judged = _judge(rule["condition"], facts, context, leaves)
    chain = (*judged.chain, rule)
    if judged.state is None:
        outcome = NEEDS_INFORMATION
    elif judged.state:
        outcome = PASS
    else:
        outcome = WHEN_FAILED[next(node["when_failed"] for node in chain if "when_failed" in node)]
    texts = next(
        node["reasons"][judged.situation]
        for node in chain
        if judged.situation in node.get("reasons", {})
    )
    values = _values(leaves)
    cited = {name: values[name] for name in sorted(_cited_names(texts)) if name in values}
    return DataRuleResult(
        rule["name"],
        outcome,
        texts.get("en") or texts[default_language],
        cited,
        texts=texts,
        default_language=default_language,
    )


# --- Results and their reasons ----------------------------------------------------------


@dataclass(frozen=True)
class DataRuleResult(RuleResult):
    """A :class:`RuleResult` (stored the same way: rule, outcome, template, values) that
    also carries its reason in each language the rule was written in."""

    texts: dict = field(default_factory=dict, compare=False)
    default_language: str = field(default="fr", compare=False)

    def reason_in(self, language: str) -> str:
        """The reason in ``language``, else in the rule set's default language."""
        text = self.texts.get(language) or self.texts.get(self.default_language) or self.template
        return render(text, self.values, language)


def render(text: str, values: dict, language: str) -> str:
    """``text`` with each %(name)s / %(name)d replaced by the plain value of that name
    (ISO dates written for ``language``) and %% by %. A placeholder without a plain value
    stays as it is written: nothing else is looked up, called or formatted."""

    def substitute(match: re.Match) -> str:
        if match["percent"]:
            return "%"
        value = values.get(match["name"])
        if match["conversion"] == "d":
            return str(int(value)) if is_number(value) else match.group()
        return _readable(value, language) if is_plain(value) else match.group()

    return PLACEHOLDER.sub(substitute, text)


def _readable(value, language: str) -> str:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return format_date(day, "medium", locale=language if language in LANGUAGES else "en")
    return str(value)


# --- Rule sets --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """Rules that passed :func:`validate_rules`; made by :func:`load_rules` only."""

    rules: tuple
    default_language: str
    #: The questions of the form the rules judge, by name: how the values they cite are
    #: written for a reader (app.eligibility.names). Empty: values as they are stored.
    questions: dict = field(default_factory=dict, compare=False)

    def rule(self, name: str) -> dict | None:
        """The definition of the rule ``name``, if the set has it."""
        return next((rule for rule in self.rules if rule["name"] == name), None)

    def title(self, rule: str, language: str) -> str:
        titles = next(r["title"] for r in self.rules if r["name"] == rule)
        return titles.get(language) or titles[self.default_language]

    def texts_for(self, rule: str, template: str) -> dict | None:
        """The reason texts of a stored result (its rule and template), to show it in
        any language; None if the rule no longer gives that reason."""
        for definition in self.rules:
            if definition["name"] == rule:
                for texts in _all_reasons(definition):
                    if template in (texts.get("en"), texts.get(self.default_language)):
                        return texts
        return None


def _all_reasons(node: dict):
    yield from node.get("reasons", {}).values()
    for key in ("condition", *COMPOSITES):
        children = node.get(key, [])
        for child in [children] if isinstance(children, dict) else children:
            yield from _all_reasons(child)


class InvalidRules(ValueError):
    """The rule data has problems; nothing of it is evaluated."""

    def __init__(self, problems: list):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def load_rules(data: dict, questions: set[str] | None = None) -> RuleSet:
    """The rule set ``data`` describes, once :func:`validate_rules` finds no problem.

    Raises :class:`InvalidRules` listing every problem otherwise: a set with one broken
    rule is refused whole, as leaving that rule out would let dossiers pass it.
    """
    problems = validate_rules(data, questions)
    if problems:
        raise InvalidRules(problems)
    data = copy.deepcopy(data)
    return RuleSet(tuple(data["rules"]), data["default_language"])


def evaluate_rules(rules: RuleSet, facts: dict, context: Context) -> list[DataRuleResult]:
    """Every rule of ``rules`` that applies to these facts, in order (see
    :func:`~app.eligibility.rules.verdict` for the dossier's verdict)."""
    if not isinstance(rules, RuleSet):
        raise TypeError("evaluate_rules takes a RuleSet from load_rules, never raw data")
    judged = (_judge_rule(rule, facts, context, rules.default_language) for rule in rules.rules)
    return [result for result in judged if result is not None]
