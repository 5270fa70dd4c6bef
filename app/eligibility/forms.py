"""The public self-check, built from the call's own rules and form; the rules editor.

The questionnaire asks exactly the questions the call's rules look at, as the
application form asks them (same labels, choices, limits, in the reader's language),
so a visitor's answers are judged by the very rules a submitted dossier is: what
the rules say of documents is left out (nobody has uploaded anything yet). A yes/no
question is asked as Yes / No, so that "not answered" stays unknown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.application_forms.definition import Form, Question
from app.applications.forms import answer_field
from app.eligibility.conditions import RuleSet

#: The keys of a condition that name a question of the form.
QUESTION_KEYS = ("question", "since", "until")
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def _named(node) -> set[str]:
    if isinstance(node, dict):
        names = {node[key] for key in QUESTION_KEYS if isinstance(node.get(key), str)}
        return names.union(*(_named(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_named(item) for item in node))
    return set()


def asked_questions(rules: RuleSet, form: Form) -> list[Question]:
    """The questions the rules look at, in the order of the form."""
    named = _named(list(rules.rules))
    return [question for question in form.questions.values() if question.name in named]


_CLASSES: dict[tuple, type[FlaskForm]] = {}


def self_check_form(questions: list[Question], formdata) -> FlaskForm:
    """The questionnaire asking ``questions`` (a GET form: nothing is stored)."""
    key = tuple(id(question) for question in questions)
    if key not in _CLASSES:

        class SelfCheckForm(FlaskForm):
            class Meta:
                csrf = False  # advice only: nothing is stored, the form may be bookmarked

        for question in questions:
            if question.kind == "boolean":
                field = RadioField(question.label, choices=YES_NO, validators=[Optional()])
            else:
                field = answer_field(question)
            setattr(SelfCheckForm, question.name, field)
        _CLASSES[key] = SelfCheckForm
    return _CLASSES[key](formdata)


def facts(form: FlaskForm, questions: list[Question]) -> dict:
    """The answers in the form the rules read (as a dossier stores them)."""
    answers = {}
    for question in questions:
        value = form[question.name].data
        if question.kind == "boolean":
            value = {"yes": True, "no": False}.get(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif question.kind == "multi":
            value = list(value or [])
        elif isinstance(value, str):
            value = value.strip() or None
        answers[question.name] = value
    return answers


# The rules editor -------------------------------------------------------------------

#: The conditions a rule written in the simple form may test, and what it compares to.
SIMPLE_OPERATORS = {
    "equals": (_l("the answer is"), "value"),
    "one_of": (_l("the answer is one of"), "values"),
    "none_of": (_l("the answer is none of"), "values"),
    "at_least": (_l("the answer is at least"), "number"),
    "at_most": (_l("the answer is at most"), "number"),
    "age_at_closing_at_least": (_l("the age on the closing date is at least"), "years"),
    "years_since_at_most": (_l("the date is at most this many years ago"), "years"),
    "document_present": (_l("this document is present"), "kind"),
}
#: A reason the simple form fills in when staff leave it empty.
DEFAULT_REASONS = {
    "passed": {"en": "Met.", "fr": "Condition remplie.", "nl": "Voldaan.", "ar": "الشرط مستوفى."},
    "missing": {
        "en": "Not answered.",
        "fr": "Pas de réponse.",
        "nl": "Niet beantwoord.",
        "ar": "لا جواب.",
    },
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands", "ar": "العربية"}


def _in_language(label, language: str) -> str:
    return f"{label} ({LANGUAGE_NAMES[language]})"


class RuleForm(FlaskForm):
    """One rule with one condition (a rule with several is written as data)."""

    name = StringField(
        _l("Name (letters, digits and _)"),
        validators=[DataRequired(), Regexp(r"^[a-z][a-z0-9_]*$"), Length(max=40)],
    )
    operator = SelectField(
        _l("The rule is met when"),
        choices=[SelectChoice(key, label) for key, (label, _kind) in SIMPLE_OPERATORS.items()],
    )
    question = SelectField(_l("Question"), choices=[], validate_choice=False)
    value = StringField(
        _l("Value (several: separated by commas; yes or no for a yes/no question)"),
        validators=[Optional(), Length(max=500)],
    )
    kind = SelectField(_l("Document"), choices=[], validate_choice=False)
    when_failed = SelectField(
        _l("When it is not met"),
        choices=[
            SelectChoice("fail", _l("the dossier is not eligible")),
            SelectChoice("needs_information", _l("information is needed")),
        ],
    )

    def offer(self, questions, kinds) -> None:
        """The call's questions and the document kinds the rule may look at."""
        self.question.choices = [SelectChoice("", "—")] + [
            SelectChoice(q.name, f"{q.label} ({q.name})") for q in questions
        ]
        self.kind.choices = [SelectChoice("", "—")] + [
            SelectChoice(kind, label) for kind, label in kinds
        ]
        self.types = {q.name: q.type for q in questions}

    def from_data(self, rule: dict) -> None:
        condition = rule["condition"]
        self.name.data, self.operator.data = rule["name"], condition.get("op")
        self.question.data, self.kind.data = condition.get("question"), condition.get("kind")
        self.when_failed.data = rule.get("when_failed", "fail")
        given = condition.get("values", condition.get("value", condition.get("years")))
        written = given if isinstance(given, list) else [given] if given is not None else []
        self.value.data = ", ".join(
            {True: "yes", False: "no"}.get(v, str(v)) if isinstance(v, bool) else str(v)
            for v in written
        )
        for language in LANGUAGES_OF_RULES:
            self[f"title_{language}"].data = rule.get("title", {}).get(language, "")
            for situation in ("failed", "passed", "missing"):
                texts = rule.get("reasons", {}).get(situation, {})
                self[f"{situation}_{language}"].data = texts.get(language, "")

    def data_of(self) -> dict:
        operator = self.operator.data
        kind = SIMPLE_OPERATORS[operator][1]
        condition = {"op": operator}
        if kind == "kind":
            condition["kind"] = self.kind.data
        else:
            condition["question"] = self.question.data
            written = [v.strip() for v in (self.value.data or "").split(",") if v.strip()]
            values = [self._value(v) for v in written]
            if kind == "values":
                condition["values"] = values
            elif kind == "years":
                condition["years"] = values[0] if values else None
            else:
                condition["value"] = values[0] if values else None
        reasons = {}
        for situation in ("failed", "passed", "missing"):
            texts = self._texts(situation)
            if texts or situation in DEFAULT_REASONS:
                reasons[situation] = texts or DEFAULT_REASONS[situation]
        if operator == "document_present":
            reasons.pop("missing", None)
        return {
            "name": self.name.data.strip(),
            "title": self._texts("title"),
            "condition": condition,
            "when_failed": self.when_failed.data,
            "reasons": reasons,
        }

    def _texts(self, prefix: str) -> dict:
        return {
            language: self[f"{prefix}_{language}"].data.strip()
            for language in LANGUAGES_OF_RULES
            if (self[f"{prefix}_{language}"].data or "").strip()
        }

    def _value(self, text: str):
        """A value as the answers store it: yes/no, a number, or the text of a choice."""
        if getattr(self, "types", {}).get(self.question.data) == "yes_no":
            return {"yes": True, "no": False}.get(text.lower(), text)
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number


LANGUAGES_OF_RULES = ("en", "fr", "nl", "ar")
_TEXT_FIELDS = {
    "title": (_l("Title"), 120),
    "failed": (_l("Reason when not met (%(name)s cites a value)"), 500),
    "passed": (_l("Reason when met"), 500),
    "missing": (_l("Reason when the answer is missing"), 500),
}
for _prefix, (_label, _size) in _TEXT_FIELDS.items():
    for _language in LANGUAGES_OF_RULES:
        setattr(
            RuleForm,
            f"{_prefix}_{_language}",
            StringField(
                LazyString(_in_language, _label, _language),
                validators=[Optional(), Length(max=_size)],
                render_kw={"dir": "auto", "lang": _language},
            ),
        )


class RulesDataForm(FlaskForm):
    """The whole rule set as data (JSON), for rules of several conditions."""

    data = TextAreaField(
        _l("The rules as data (JSON)"),
        validators=[DataRequired(), Length(max=200000)],
        render_kw={"rows": 24, "spellcheck": "false", "dir": "ltr"},
    )
