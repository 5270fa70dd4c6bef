"""Checking eligibility rules written as data before any of them is used.

Staff see every problem at once, each at its place in the data:
"rules[2].condition.all[1].op: unknown operator 'regex'", "rules[0].condition.question:
no question named 'birthdate'", a reason without a text in the call's default language,
a reason citing a value its rule does not give, a negative number of years.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.eligibility.operators import (
    COMPOSITES,
    LANGUAGES,
    NAME,
    NEVER_MISSING,
    OPERATORS,
    PLACEHOLDER,
    SITUATIONS,
    WHEN_FAILED,
    is_number,
    is_plain,
)

RULE_KEYS = {"name", "title", "applies_if", "condition", "when_failed", "reasons"}
CONDITION_KEYS = {"applies_if", "when_failed", "reasons", "cite_as"}
MAX_YEARS = 150


@dataclass(frozen=True)
class Problem:
    #: Where in the data: "rules[2].condition.all[1].op".
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def validate_rules(data, questions: set[str] | None = None) -> list[Problem]:
    """Every problem of the rule set ``data`` ({"default_language", "rules": [...]}), in
    order; none means it can be loaded. ``questions``: the answer names a rule may use
    (None: any name)."""
    checker = _Checker(questions)
    checker.rule_set(data)
    return checker.problems


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Checker:
    def __init__(self, questions: set[str] | None):
        self.questions = questions
        self.default = "fr"
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def unknown_keys(self, node: dict, allowed: set, path: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), f"unknown key {_shown(key)}")

    # The set and its rules.

    def rule_set(self, data) -> None:
        if not isinstance(data, dict):
            self.problem("", "expected an object with default_language and rules")
            return
        self.unknown_keys(data, {"default_language", "rules"}, "")
        self.default = data.get("default_language")
        if self.default not in LANGUAGES:
            self.problem("default_language", f"must be one of {', '.join(LANGUAGES)}")
        rules = data.get("rules")
        if not isinstance(rules, list):  # empty: a call whose rules are not written yet
            self.problem("rules", "expected a list of rules")
            return
        names = set()
        for index, rule in enumerate(rules):
            path = f"rules[{index}]"
            if not isinstance(rule, dict):
                self.problem(path, "a rule must be an object")
                continue
            name = rule.get("name")
            if not isinstance(name, str) or not NAME.fullmatch(name):
                self.problem(f"{path}.name", "expected a name of letters, digits and _")
            elif name in names:
                self.problem(f"{path}.name", f"a second rule named {name!r}")
            names.add(name)
            self.rule(rule, path)

    def rule(self, rule: dict, path: str) -> None:
        self.unknown_keys(rule, RULE_KEYS, path)
        self.texts(rule.get("title"), f"{path}.title", set(), set())
        if rule.get("when_failed") not in WHEN_FAILED:
            self.problem(f"{path}.when_failed", "expected 'fail' or 'needs_information'")
        if "applies_if" in rule:
            self.condition(rule["applies_if"], f"{path}.applies_if", judged=False, root=True)
        if "condition" not in rule:
            self.problem(f"{path}.condition", "missing")
            return
        judged = []  # (condition, path, the conditions around it, nearest first)
        self.condition(rule["condition"], f"{path}.condition", root=True, collect=judged)
        names, numbers = set(), set()
        for node, _, _ in judged:
            if "op" in node and node.get("op") in OPERATORS:
                operator, renamed = OPERATORS[node["op"]], node.get("cite_as") or {}
                if isinstance(renamed, dict):
                    names |= {renamed.get(name, name) for name in operator.values}
                    numbers |= {renamed.get(name, name) for name in operator.numbers}
        for node, node_path, _ in [(rule, path, ()), *judged]:
            self.reasons(node.get("reasons"), f"{node_path}.reasons", names, numbers)
        self.coverage(rule, judged)

    # Conditions.

    def condition(self, node, path, *, judged=True, root=False, collect=None, around=()):
        if not isinstance(node, dict):
            self.problem(path, "a condition must be an object")
            return
        kinds = [key for key in ("op", *COMPOSITES) if key in node]
        if len(kinds) != 1:
            self.problem(path, "expected exactly one of 'op', 'all', 'any'")
            return
        if "applies_if" in node:
            if root:
                self.problem(f"{path}.applies_if", "put it on the rule itself")
            else:
                self.condition(node["applies_if"], f"{path}.applies_if", judged=False, root=True)
        if not judged:
            for key in ("when_failed", "reasons", "cite_as"):
                if key in node:
                    self.problem(f"{path}.{key}", "has no effect inside applies_if")
        if "when_failed" in node and node["when_failed"] not in WHEN_FAILED:
            self.problem(f"{path}.when_failed", "expected 'fail' or 'needs_information'")
        if collect is not None:
            collect.append((node, path, around))
        if kinds[0] in COMPOSITES:
            self.composite(node, kinds[0], path, judged, collect, around)
        else:
            self.leaf(node, path)

    def composite(self, node, kind, path, judged, collect, around) -> None:
        self.unknown_keys(node, (CONDITION_KEYS - {"cite_as"}) | {kind}, path)
        children = node[kind]
        if not isinstance(children, list) or not children:
            self.problem(f"{path}.{kind}", "expected a non-empty list of conditions")
            return
        for index, child in enumerate(children):
            self.condition(
                child,
                f"{path}.{kind}[{index}]",
                judged=judged,
                collect=collect,
                around=(node, *around),
            )

    def leaf(self, node: dict, path: str) -> None:
        op = node["op"]
        if not isinstance(op, str) or op not in OPERATORS:
            self.problem(f"{path}.op", f"unknown operator {_shown(op)}")
            return
        operator = OPERATORS[op]
        fields = {name.lstrip("?"): kind for name, kind in operator.fields.items()}
        self.unknown_keys(node, CONDITION_KEYS | {"op"} | set(fields), path)
        for name, kind in operator.fields.items():
            optional, name = name.startswith("?"), name.lstrip("?")
            if name in node:
                self.field(node[name], kind, f"{path}.{name}")
            elif not optional:
                self.problem(f"{path}.{name}", f"missing (operator {op!r})")
        if op == "years_living_in_at_least" and all(
            isinstance(node.get(k), int) for k in ("years", "window")
        ):
            if not 1 <= node["years"] <= node["window"]:
                self.problem(f"{path}.years", "expected from 1 to the window's years")
        if "cite_as" in node:
            self.cite_as(node["cite_as"], op, f"{path}.cite_as")

    def field(self, value, kind: str, path: str) -> None:
        message = None
        if kind == "question":
            if not isinstance(value, str):
                message = "expected a question's name"
            elif self.questions is not None and value not in self.questions:
                message = f"no question named {value!r}"
        elif kind == "plain" and not is_plain(value):
            message = "expected a text, a number or true/false"
        elif kind == "plain_list" and (
            not isinstance(value, list) or not value or not all(map(is_plain, value))
        ):
            message = "expected a non-empty list of texts, numbers or true/false"
        elif kind == "number" and not is_number(value):
            message = "expected a number"
        elif kind == "count" and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_YEARS
        ):
            message = f"expected a whole number from 0 to {MAX_YEARS}"
        elif kind == "text" and not (isinstance(value, str) and value.strip()):
            message = "expected a non-empty text"
        elif kind == "measured_to" and value not in ("closing", "application"):
            message = "expected 'closing' or 'application'"
        if message:
            self.problem(path, message)

    def cite_as(self, renamed, op: str, path: str) -> None:
        operator = OPERATORS[op]
        if op == "document_present":
            self.problem(path, "document_present always cites 'missing' and 'count'")
        elif not isinstance(renamed, dict):
            self.problem(path, "expected an object {value: new name}")
        else:
            for name, new in renamed.items():
                if name not in operator.values:
                    self.problem(f"{path}.{name}", f"this operator cites no {name!r}")
                elif not isinstance(new, str) or not NAME.fullmatch(new):
                    self.problem(f"{path}.{name}", "expected a name of letters, digits and _")

    # Reasons.

    def reasons(self, reasons, path: str, names: set, numbers: set) -> None:
        if reasons is None:
            return
        if not isinstance(reasons, dict):
            self.problem(path, f"expected an object keyed by {', '.join(SITUATIONS)}")
            return
        for situation, texts in reasons.items():
            if situation not in SITUATIONS:
                self.problem(f"{path}.{situation}", f"unknown situation {_shown(situation)}")
            self.texts(texts, f"{path}.{situation}", names, numbers)

    def texts(self, texts, path: str, names: set, numbers: set) -> None:
        if not isinstance(texts, dict):
            self.problem(path, 'expected texts by language: {"fr": ..., "en": ...}')
            return
        if self.default in LANGUAGES and not texts.get(self.default):
            self.problem(path, f"no text in the default language {self.default!r}")
        for language, text in texts.items():
            where = f"{path}.{language}"
            if language not in LANGUAGES:
                self.problem(where, f"unknown language {_shown(language)}")
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, "expected a non-empty text")
            else:
                self.placeholders(text, where, names, numbers)

    def placeholders(self, text: str, path: str, names: set, numbers: set) -> None:
        if "%" in PLACEHOLDER.sub("", text):
            self.problem(path, "write % as %% (placeholders: %(name)s, or %(name)d for numbers)")
        for match in PLACEHOLDER.finditer(text):
            name = match["name"]
            if name is None:
                continue
            if name not in names:
                given = ", ".join(sorted(names)) or "none"
                self.problem(path, f"cites {name!r}, a value this rule does not give ({given})")
            elif match["conversion"] == "d" and name not in numbers:
                self.problem(path, f"{name!r} is not a number: write %({name})s")

    def coverage(self, rule: dict, judged: list) -> None:
        """Each way a condition can decide has a reason, on it or a condition around it."""
        for node, path, around in judged:
            for situation in _situations(node):
                chain = (node, *around, rule)
                if not any(_has_reason(other, situation) for other in chain):
                    self.problem(
                        path, f"no reason for {situation!r} here, around it or on the rule"
                    )


def _situations(node: dict) -> tuple:
    if "all" in node:
        return ("passed",)
    if "any" in node:
        return ("failed",)
    if node.get("op") not in OPERATORS:
        return ()
    missing = () if node["op"] in NEVER_MISSING else ("missing",)
    return ("passed", "failed", *missing, *OPERATORS[node["op"]].situations)


def _has_reason(node: dict, situation: str) -> bool:
    reasons = node.get("reasons")
    return isinstance(reasons, dict) and situation in reasons
