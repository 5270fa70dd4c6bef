"""Checking a call's definition (docs/call-definition.md) before anything of it is used.

:func:`definition_problems` reads the whole file and names every problem at its place
in it: "criteria: the weights add up to 90; they must add up to 100",
"form.steps[1].questions[3].type: unknown type 'colour' ...",
"eligibility.rules[2].condition.question: no question named 'birthdate'",
"wording.selected.fr.letter: unknown placeholder ...". The form is checked by the form
reader (app.application_forms.reader), the rules by app.eligibility.rule_validation
against the form's own questions, the wording by app.calls.wording: each file is
judged by the same checks as the editors that write those parts. Problems are written
in the reader's language (in English outside a request, and on the command line, which
asks for it); what staff typed is quoted as typed.

The module is over 400 lines: one checker walks the whole file, a method for each part,
so that every path is built in one place; each translated problem takes a few lines.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.application_forms.reader import form_problems, read_form
from app.calls.models import DEFAULT_ELIGIBILITY, Call
from app.calls.sandbox import MAX_TEXT, WordingError, check_text
from app.calls.wording import LANGUAGES as WORDING_LANGUAGES
from app.calls.wording import MAX_SUBJECT, OUTCOMES
from app.common.errors import message_of
from app.common.problems import (
    expected_either,
    expected_keys,
    expected_one_of,
    listed,
    not_a_choice,
    shown,
    unknown_key,
)
from app.config import Config
from app.eligibility.rule_sets import rules_from_parameters
from app.eligibility.rule_validation import validate_rules
from app.extensions import db

#: The version of the file format this code writes and reads.
SCHEMA_VERSION = 1
#: A call's reference: capitals, digits and dashes (as the call editor asks).
REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
#: Languages a call's own texts are translated into, French being the base.
OTHER_LANGUAGES = tuple(code for code in Config.LANGUAGES if code != "fr")

TOP_KEYS = (
    "schema",
    "name",
    "description",
    "translations",
    "faq",
    "settings",
    "criteria",
    "selection",
    "letters",
    "wording",
    "form",
    "eligibility",
)
REQUIRED_TOP_KEYS = ("schema", "name", "criteria", "form")
#: Each setting with its default: (kind, lowest, highest, default).
SETTINGS = {
    "quota": ("int", 1, 10000, 30),
    "reserve_size": ("int", 0, 10000, 10),
    "jurors_per_dossier": ("int", 1, 50, 3),
    "confirmation_days": ("int", 1, 365, 14),
    "four_eyes_ineligibility": ("bool", None, None, False),
    "ranking_method": ("choice", ("raw", "normalised"), None, "raw"),
    "disagreement_threshold": ("number", 0, 100, 15.0),
    "jurors_see_others": ("bool", None, None, True),
    "anonymous_reviews": ("bool", None, None, True),
    "conflicts_confirmation_required": ("bool", None, None, False),
    "scoring_reminder_days": ("int", 0, 60, 3),
}
#: The letters' settings: the key in the file, its column, its longest text, its default.
LETTERS = {
    "signatory_name": ("letter_signatory_name", 200, ""),
    "signatory_role": ("letter_signatory_role", 200, ""),
    "place": ("letter_place", 100, "Bruxelles"),
    "partners": ("letter_partners", 2000, ""),
}
CRITERION_KEYS = ("name", "description", "weight", "scale_min", "scale_max", "translations")
TIE_BREAK_KINDS = ("criterion_mean", "lower_std", "earlier_submission")
BALANCE_KINDS = ("at_most", "at_least")


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return type(value).__name__


class _Checker:
    """Reads one definition, noting each problem with its path instead of stopping."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def keys(self, node, allowed, path: str, keyed: bool = False) -> bool:
        """Whether ``node`` is an object (``keyed``: by what is ``allowed``, as its
        languages), each of its keys ``allowed``."""
        if not isinstance(node, dict):
            if keyed:
                self.problem(path, _("expected an object keyed by %(keys)s", keys=listed(allowed)))
            else:
                self.problem(path, _("expected an object"))
            return False
        for key in node:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), unknown_key(key))
        return True

    def text(self, node: dict, key: str, path: str, *, limit: int, required=False) -> None:
        value = node.get(key)
        if value is None and not required:
            return
        if not isinstance(value, str) or (required and not value.strip()):
            expected = _("expected a non-empty text") if required else _("expected a text")
            self.problem(f"{path}.{key}" if path else key, expected)
        elif len(value) > limit:
            self.problem(f"{path}.{key}" if path else key, _at_most(limit))

    def whole(self, value, path: str, low: int, high: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, _("expected a whole number"))
        elif not low <= value <= high:
            self.problem(
                path, _("expected a whole number from %(low)d to %(high)d", low=low, high=high)
            )

    def translations(self, value, path: str, fields: tuple[str, ...] | None = None) -> None:
        """{language: {field: text}} for the languages besides French."""
        if value is None or not self.keys(value, OTHER_LANGUAGES, path, keyed=True):
            return
        for code, texts in value.items():
            if code not in OTHER_LANGUAGES:
                continue
            if not isinstance(texts, dict):
                self.problem(f"{path}.{code}", _("expected an object of texts"))
                continue
            for field, text in texts.items():
                if fields is not None and field not in fields:
                    self.problem(f"{path}.{code}.{field}", unknown_key(field))
                elif not isinstance(text, str):
                    self.problem(f"{path}.{code}.{field}", _("expected a text"))

    # The parts of a definition.

    def definition(self, data) -> None:
        if not isinstance(data, dict):
            self.problem("", expected_keys(REQUIRED_TOP_KEYS))
            return
        self.keys(data, TOP_KEYS, "")
        for key in REQUIRED_TOP_KEYS:
            if data.get(key) is None:
                self.problem(key, _("missing"))
        if "schema" in data and data["schema"] != SCHEMA_VERSION:
            self.problem(
                "schema",
                _(
                    "version %(version)s is not known (this Impulse reads %(known)d)",
                    version=shown(data["schema"]),
                    known=SCHEMA_VERSION,
                ),
            )
            return  # another version's keys would only add noise
        self.text(data, "name", "", limit=200, required="name" in data)
        self.text(data, "description", "", limit=20000)
        self.translations(data.get("translations"), "translations")
        self.faq(data.get("faq"))
        self.settings(data.get("settings"))
        self.criteria(data.get("criteria"))
        self.letters(data.get("letters"))
        self.wording(data.get("wording"))
        questions = self.form(data["form"]) if "form" in data else None
        self.selection(data.get("selection"), questions, data.get("criteria"))
        self.eligibility(data.get("eligibility"), questions)

    def faq(self, items) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.problem("faq", _("expected a list of questions and answers"))
            return
        for index, item in enumerate(items):
            path = f"faq[{index}]"
            if self.keys(item, ("question", "answer", "translations"), path):
                self.text(item, "question", path, limit=300, required=True)
                self.text(item, "answer", path, limit=5000, required=True)
                self.translations(
                    item.get("translations"), f"{path}.translations", ("question", "answer")
                )

    def settings(self, settings) -> None:
        if settings is None or not self.keys(settings, SETTINGS, "settings"):
            return
        for key, value in settings.items():
            if key not in SETTINGS:
                continue
            kind, low, high, _default = SETTINGS[key]
            path = f"settings.{key}"
            if kind == "int":
                self.whole(value, path, low, high)
            elif kind == "bool" and not isinstance(value, bool):
                self.problem(path, expected_either("true", "false"))
            elif kind == "choice" and value not in low:
                self.problem(path, expected_one_of(low))
            elif kind == "number" and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not low <= value <= high
            ):
                self.problem(
                    path, _("expected a number from %(low)s to %(high)s", low=low, high=high)
                )

    def criteria(self, criteria) -> None:
        if criteria is None:
            return
        if not isinstance(criteria, list) or not criteria:
            self.problem("criteria", _("expected a non-empty list of criteria"))
            return
        total = 0
        for index, criterion in enumerate(criteria):
            path = f"criteria[{index}]"
            if not self.keys(criterion, CRITERION_KEYS, path):
                continue
            self.text(criterion, "name", path, limit=120, required=True)
            self.text(criterion, "description", path, limit=2000)
            if "weight" not in criterion:
                self.problem(f"{path}.weight", _("missing"))
            else:
                self.whole(criterion["weight"], f"{path}.weight", 1, 100)
            low, high = criterion.get("scale_min", 0), criterion.get("scale_max", 10)
            self.whole(low, f"{path}.scale_min", 0, 100)
            self.whole(high, f"{path}.scale_max", 1, 100)
            if _kind_of(low) == _kind_of(high) == "int" and high <= low:
                self.problem(f"{path}.scale_max", _("the highest score must exceed the lowest"))
            self.translations(
                criterion.get("translations"), f"{path}.translations", ("name", "description")
            )
            weight = criterion.get("weight")
            total += weight if _kind_of(weight) == "int" else 0
        if total != 100:
            self.problem(
                "criteria",
                _(
                    "the weights add up to %(total)d; they must add up to %(expected)d",
                    total=total,
                    expected=100,
                ),
            )

    def letters(self, letters) -> None:
        if letters is None or not self.keys(letters, LETTERS, "letters"):
            return
        for key, (_column, limit, _default) in LETTERS.items():
            self.text(letters, key, "letters", limit=limit)

    def wording(self, wording) -> None:
        if wording is None or not self.keys(wording, OUTCOMES, "wording", keyed=True):
            return
        for outcome, languages in wording.items():
            spec = OUTCOMES.get(outcome)
            if spec is None:
                continue
            path = f"wording.{outcome}"
            if not self.keys(languages, WORDING_LANGUAGES, path, keyed=True):
                continue
            for language, parts in languages.items():
                if language in WORDING_LANGUAGES and self.keys(
                    parts, spec.parts, f"{path}.{language}", keyed=True
                ):
                    for part, text in parts.items():
                        if part in spec.parts:
                            self.wording_text(text, spec, part, f"{path}.{language}.{part}")

    def wording_text(self, text, spec, part: str, path: str) -> None:
        if not isinstance(text, str) or not text.strip():
            self.problem(path, _("expected a non-empty text"))
            return
        limit = MAX_SUBJECT if part == "subject" else MAX_TEXT
        if len(text) > limit:
            self.problem(path, _at_most(limit))
            return
        try:
            check_text(text, spec.placeholders(part))
        except WordingError as error:
            self.problem(path, str(message_of(error)))

    def form(self, form) -> dict | None:
        """Check the form; its choice of answers by question name, None when broken."""
        problems = form_problems(form)
        self.problems.extend(problems)
        if problems:
            return None
        self.read_form = read_form(form)
        questions = self.read_form.questions
        return {name: {value for value, _label in q.choices} for name, q in questions.items()}

    def selection(self, selection, questions: dict | None, criteria) -> None:
        if selection is None or not self.keys(
            selection, ("tie_breaks", "balance_rules"), "selection"
        ):
            return
        positions = len(criteria) if isinstance(criteria, list) else 0
        tie_breaks = selection.get("tie_breaks", [])
        if not isinstance(tie_breaks, list):
            self.problem("selection.tie_breaks", _("expected a list"))
            tie_breaks = []
        for index, rule in enumerate(tie_breaks):
            path = f"selection.tie_breaks[{index}]"
            if not self.keys(rule, ("kind", "criterion"), path):
                continue
            if rule.get("kind") not in TIE_BREAK_KINDS:
                self.problem(f"{path}.kind", expected_one_of(TIE_BREAK_KINDS))
            elif rule["kind"] == "criterion_mean":
                self.whole(rule.get("criterion"), f"{path}.criterion", 1, max(positions, 1))
        rules = selection.get("balance_rules", [])
        if not isinstance(rules, list):
            self.problem("selection.balance_rules", _("expected a list"))
            rules = []
        for index, rule in enumerate(rules):
            self.balance_rule(rule, f"selection.balance_rules[{index}]", questions)

    def balance_rule(self, rule, path: str, questions: dict | None) -> None:
        if not self.keys(rule, ("attribute", "value", "kind", "count"), path):
            return
        if rule.get("kind") not in BALANCE_KINDS:
            self.problem(f"{path}.kind", expected_one_of(BALANCE_KINDS))
        self.whole(rule.get("count"), f"{path}.count", 0, 10000)
        attribute, value = rule.get("attribute"), rule.get("value")
        if value is not None and not isinstance(value, str):
            self.problem(f"{path}.value", _("expected a text or %(null)s", null="null"))
        elif rule.get("kind") == "at_least" and not value:
            self.problem(
                f"{path}.value", _("a rule of kind %(kind)s needs a value", kind="'at_least'")
            )
        if questions is None:
            return
        if not isinstance(attribute, str) or not questions.get(attribute):
            self.problem(
                f"{path}.attribute",
                _("no choice question named %(name)s", name=shown(attribute)),
            )
        elif value and value not in questions[attribute]:
            self.problem(f"{path}.value", not_a_choice(value, attribute))

    def eligibility(self, eligibility, questions: dict | None) -> None:
        allowed = ("parameters", "default_language", "rules")
        if eligibility is None or not self.keys(eligibility, allowed, "eligibility"):
            return
        parameters = eligibility.get("parameters")
        parameters = {} if parameters is None else parameters
        self.parameters(parameters)
        names = set(questions) if questions is not None else None
        rules = eligibility.get("rules")
        if rules is None:
            if any(path.startswith("eligibility.parameters") for path, _ in self.problems):
                return
            if getattr(self, "read_form", None) is None:
                return  # the form's own problems are listed
            data = rules_from_parameters(parameters, self.read_form)
            where = "eligibility.rules (null: the default rules)"
            for problem in validate_rules(data, names):
                self.problem(where, f"{problem.path}: {problem.message}")
            return
        data = {"default_language": eligibility.get("default_language"), "rules": rules}
        for problem in validate_rules(data, names):
            self.problem(f"eligibility.{problem.path}", problem.message)

    def parameters(self, parameters) -> None:
        path = "eligibility.parameters"
        if not self.keys(parameters, DEFAULT_ELIGIBILITY, path):
            return
        for key, value in parameters.items():
            default = DEFAULT_ELIGIBILITY.get(key)
            if default is None:
                continue
            if isinstance(default, dict):
                ok = isinstance(value, dict) and all(
                    isinstance(value.get(k), list) and all(isinstance(v, str) for v in value[k])
                    for k in default
                )
                if ok and set(value) != set(default):
                    ok = False
            elif isinstance(default, list):
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                ok = _kind_of(value) == _kind_of(default)
            if not ok:
                self.problem(
                    f"{path}.{key}", _("expected a value like %(example)s", example=repr(default))
                )


def _at_most(limit: int) -> str:
    return _("at most %(limit)d characters", limit=limit)


def reference_problems(reference: str) -> list[tuple[str, str]]:
    """What is wrong with ``reference`` for a new call (its shape, another call's)."""
    if not isinstance(reference, str) or not REFERENCE.fullmatch(reference) or len(reference) > 40:
        return [("reference", _("Capital letters, digits and dashes only, e.g. MBI-2026."))]
    if db.session.scalar(select(Call.id).where(Call.reference == reference)):
        taken = _("%(reference)s is the reference of another call", reference=reference)
        return [("reference", taken)]
    return []


def definition_problems(data, reference: str | None = None) -> list[tuple[str, str]]:
    """Every problem of the definition ``data`` (parsed JSON), each as (path in the file,
    what is wrong); with ``reference``, also what would stop a new call taking it.
    Empty: the definition can be imported."""
    checker = _Checker()
    checker.definition(data)
    if reference is not None:
        checker.problems[:0] = reference_problems(reference)
    return checker.problems
