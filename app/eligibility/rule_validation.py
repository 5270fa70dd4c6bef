"""Checking eligibility rules written as data before any of them is used.

Staff see every problem at once, each at its place in the data:
"rules[2].condition.all[1].op: unknown operator 'regex'", "rules[0].condition.question:
no question named 'birthdate'", a reason without a text in the call's default language,
a reason citing a value its rule does not give, a negative number of years. Each problem
is written in the reader's language (in English outside a request, as on the command line);
what staff typed (an operator, a key, a language code) is quoted as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.common.problems import (
    expected_either,
    expected_keys,
    expected_one_of,
    listed,
    shown,
    unknown_key,
    unknown_language,
)
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
    #: What is wrong, in the reader's language.
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
                self.problem(f"{path}.{key}" if path else str(key), unknown_key(key))

    # The set and its rules.

    def rule_set(self, data) -> None:
        if not isinstance(data, dict):
            self.problem("", expected_keys(("default_language", "rules")))
            return
        self.unknown_keys(data, {"default_language", "rules"}, "")
        self.default = data.get("default_language")
        if self.default not in LANGUAGES:
            self.problem("default_language", expected_one_of(LANGUAGES))
        rules = data.get("rules")
        if not isinstance(rules, list):  # empty: a call whose rules are not written yet
            self.problem("rules", _("expected a list of rules"))
            return
        names = set()
        for index, rule in enumerate(rules):
            path = f"rules[{index}]"
            if not isinstance(rule, dict):
                self.problem(path, _("expected an object"))
                continue
            name = rule.get("name")
            if not isinstance(name, str) or not NAME.fullmatch(name):
                self.problem(f"{path}.name", _("expected a name of letters, digits and _"))
            elif name in names:
                self.problem(f"{path}.name", _("a second rule named %(name)s", name=shown(name)))
            names.add(name)
            self.rule(rule, path)

    def rule(self, rule: dict, path: str) -> None:
        self.unknown_keys(rule, RULE_KEYS, path)
        self.texts(rule.get("title"), f"{path}.title", set(), set())
        if rule.get("when_failed") not in WHEN_FAILED:
            self.problem(f"{path}.when_failed", expected_either("'fail'", "'needs_information'"))
        if "applies_if" in rule:
            self.condition(rule["applies_if"], f"{path}.applies_if", judged=False, root=True)
        if "condition" not in rule:
            self.problem(f"{path}.condition", _("missing"))
            return
        judged = []  # (condition, path, the conditions around it, nearest first)
        self.condition(rule["condition"], f"{path}.condition", root=True, collect=judged)
        names, numbers = set(), set()
        for node, _path, _around in judged:
            if "op" in node and node.get("op") in OPERATORS:
                operator, renamed = OPERATORS[node["op"]], node.get("cite_as") or {}
                if isinstance(renamed, dict):
                    names |= {renamed.get(name, name) for name in operator.values}
                    numbers |= {renamed.get(name, name) for name in operator.numbers}
        for node, node_path, _around in [(rule, path, ()), *judged]:
            self.reasons(node.get("reasons"), f"{node_path}.reasons", names, numbers)
        self.coverage(rule, judged)

    # Conditions.

    def condition(self, node, path, *, judged=True, root=False, collect=None, around=()):
        if not isinstance(node, dict):
            self.problem(path, _("expected an object"))
            return
        kinds = [key for key in ("op", *COMPOSITES) if key in node]
        if len(kinds) != 1:
            keys = listed(("'op'", "'all'", "'any'"))
            self.problem(path, _("expected exactly one of %(keys)s", keys=keys))
            return
        if "applies_if" in node:
            if root:
                self.problem(f"{path}.applies_if", _("put it on the rule itself"))
            else:
                self.condition(node["applies_if"], f"{path}.applies_if", judged=False, root=True)
        if not judged:
            for key in ("when_failed", "reasons", "cite_as"):
                if key in node:
                    self.problem(
                        f"{path}.{key}", _("has no effect inside %(key)s", key="applies_if")
                    )
        if "when_failed" in node and node["when_failed"] not in WHEN_FAILED:
            self.problem(f"{path}.when_failed", expected_either("'fail'", "'needs_information'"))
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
            self.problem(f"{path}.{kind}", _("expected a non-empty list of conditions"))
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
            self.problem(f"{path}.op", _("unknown operator %(operator)s", operator=shown(op)))
            return
        operator = OPERATORS[op]
        fields = {name.lstrip("?"): kind for name, kind in operator.fields.items()}
        self.unknown_keys(node, CONDITION_KEYS | {"op"} | set(fields), path)
        for name, kind in operator.fields.items():
            optional, name = name.startswith("?"), name.lstrip("?")
            if name in node:
                self.field(node[name], kind, f"{path}.{name}")
            elif not optional:
                self.problem(
                    f"{path}.{name}", _("missing (operator %(operator)s)", operator=shown(op))
                )
        if op == "years_living_in_at_least" and all(
            isinstance(node.get(k), int) for k in ("years", "window")
        ):
            if not 1 <= node["years"] <= node["window"]:
                self.problem(f"{path}.years", _("expected from 1 to the window's years"))
        if "cite_as" in node:
            self.cite_as(node["cite_as"], op, f"{path}.cite_as")

    def field(self, value, kind: str, path: str) -> None:
        message = None
        if kind == "question":
            if not isinstance(value, str):
                message = _("expected a question's name")
            elif self.questions is not None and value not in self.questions:
                message = _("no question named %(name)s", name=shown(value))
        elif kind == "plain" and not is_plain(value):
            message = _("expected a text, a number or true/false")
        elif kind == "plain_list" and (
            not isinstance(value, list) or not value or not all(map(is_plain, value))
        ):
            message = _("expected a non-empty list of texts, numbers or true/false")
        elif kind == "number" and not is_number(value):
            message = _("expected a number")
        elif kind == "count" and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_YEARS
        ):
            message = _("expected a whole number from %(low)d to %(high)d", low=0, high=MAX_YEARS)
        elif kind == "text" and not (isinstance(value, str) and value.strip()):
            message = _("expected a non-empty text")
        elif kind == "measured_to" and value not in ("closing", "application"):
            message = expected_either("'closing'", "'application'")
        if message:
            self.problem(path, message)

    def cite_as(self, renamed, op: str, path: str) -> None:
        operator = OPERATORS[op]
        if op == "document_present":
            self.problem(
                path,
                _(
                    "%(operator)s always cites %(first)s and %(second)s",
                    operator=op,
                    first="'missing'",
                    second="'count'",
                ),
            )
        elif not isinstance(renamed, dict):
            self.problem(path, _("expected an object {value: new name}"))
        else:
            for name, new in renamed.items():
                if name not in operator.values:
                    self.problem(
                        f"{path}.{name}", _("this operator cites no %(name)s", name=shown(name))
                    )
                elif not isinstance(new, str) or not NAME.fullmatch(new):
                    self.problem(f"{path}.{name}", _("expected a name of letters, digits and _"))

    # Reasons.

    def reasons(self, reasons, path: str, names: set, numbers: set) -> None:
        if reasons is None:
            return
        if not isinstance(reasons, dict):
            self.problem(path, _("expected an object keyed by %(keys)s", keys=listed(SITUATIONS)))
            return
        for situation, texts in reasons.items():
            if situation not in SITUATIONS:
                self.problem(
                    f"{path}.{situation}",
                    _("unknown situation %(situation)s", situation=shown(situation)),
                )
            self.texts(texts, f"{path}.{situation}", names, numbers)

    def texts(self, texts, path: str, names: set, numbers: set) -> None:
        if not isinstance(texts, dict):
            example = '{"fr": ..., "en": ...}'
            self.problem(path, _("expected texts by language: %(example)s", example=example))
            return
        if self.default in LANGUAGES and not texts.get(self.default):
            language = shown(self.default)
            self.problem(path, _("no text in the default language %(language)s", language=language))
        for language, text in texts.items():
            where = f"{path}.{language}"
            if language not in LANGUAGES:
                self.problem(where, unknown_language(language, LANGUAGES))
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, _("expected a non-empty text"))
            else:
                self.placeholders(text, where, names, numbers)

    def placeholders(self, text: str, path: str, names: set, numbers: set) -> None:
        if "%" in PLACEHOLDER.sub("", text):
            self.problem(
                path,
                _(
                    "write %(percent)s as %(escaped)s (placeholders: %(text)s, or %(number)s "
                    "for numbers)",
                    percent="%",
                    escaped="%%",
                    text="%(name)s",
                    number="%(name)d",
                ),
            )
        for match in PLACEHOLDER.finditer(text):
            name = match["name"]
            if name is None:
                continue
            if name not in names and names:
                given = listed(sorted(names))
                self.problem(
                    path,
                    _(
                        "cites %(name)s, a value this rule does not give (%(given)s)",
                        name=shown(name),
                        given=given,
                    ),
                )
            elif name not in names:
                self.problem(
                    path, _("cites %(name)s, but this rule gives no value", name=shown(name))
                )
            elif match["conversion"] == "d" and name not in numbers:
                self.problem(
                    path,
                    _(
                        "%(name)s is not a number: write %(placeholder)s",
                        name=shown(name),
                        placeholder=f"%({name})s",
                    ),
                )

    def coverage(self, rule: dict, judged: list) -> None:
        """Each way a condition can decide has a reason, on it or a condition around it."""
        for node, path, around in judged:
            for situation in _situations(node):
                chain = (node, *around, rule)
                if not any(_has_reason(other, situation) for other in chain):
                    self.problem(
                        path,
                        _(
                            "no reason for %(situation)s here, around it or on the rule",
                            situation=shown(situation),
                        ),
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
