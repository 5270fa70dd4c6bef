"""The public self-check, built from the call's own rules and form.

The questionnaire asks exactly the questions the call's rules look at, as the
application form asks them (same labels, choices, limits, in the reader's language),
so a visitor's answers are judged by the very rules a submitted dossier is: what
the rules say of documents is left out (nobody has uploaded anything yet). A yes/no
question is asked as Yes / No, so that "not answered" stays unknown.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import Optional

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
