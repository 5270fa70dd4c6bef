"""What a dossier's answers mean against its form: what is asked, what is missing.

The form itself is data (app.application_forms): each call has its own, read from its
definition; MBI's starts from the shipped call template
app/calls/call_templates/mbi.json (:func:`call_template`). Everything the applicant
answers is stored in ``Application.answers`` (JSON) under the questions' names; dates
as ISO strings, numbers as numbers. A draft accepts any valid subset;
:func:`missing_answers` says what submission still needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext

from app.application_forms.definition import Form, Question, Step, parse_iso_date

__all__ = [
    "Question",
    "Step",
    "parse_iso_date",
    "MissingItem",
    "missing_answers",
    "shown_on_step",
    "condition_wording",
    "call_template",
]

CALL_TEMPLATES = Path(__file__).resolve().parent.parent / "calls" / "call_templates"


def call_template(name: str) -> dict:
    """A call template shipped with Impulse (``mbi``): its definition as data."""
    return json.loads((CALL_TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MissingItem:
    step: str
    name: str
    label: object


def shown_on_step(step: Step, answers: dict) -> list[Question]:
    """The questions of ``step`` drawn for this applicant: one whose condition rests on
    an answer of another step only when it holds; one whose condition rests on this
    step is drawn with its condition (:func:`condition_wording`), the page needing no
    script to work."""
    here = {question.name for question in step.questions}
    return [
        question
        for question in step.questions
        if question.condition is None
        or question.condition.question in here
        or question.applies(answers)
    ]


def condition_wording(question: Question, form: Form) -> dict:
    """What a condition says, in the reader's language: the question it rests on and
    the answers that ask this one ({"question": "Where the project stands", "answer":
    "An existing company"})."""
    condition = question.condition
    controlling = form.questions[condition.question]
    names = dict(controlling.choices)
    return {
        "question": str(controlling.label),
        "answer": " / ".join(_answer_wording(value, names) for value in condition.values),
    }


def _answer_wording(value, names: dict) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(names.get(value, value))


def is_answered(question: Question, value) -> bool:
    if question.kind == "boolean":
        return value is True
    if question.kind == "multi":
        return bool(value)
    return value is not None and str(value).strip() != ""


def missing_answers(answers: dict, form: Form) -> list[MissingItem]:
    """The required answers still missing, in form order."""
    return [
        MissingItem(step.slug, q.name, q.label)
        for step in form.steps
        for q in step.questions
        if q.required and q.applies(answers) and not is_answered(q, answers.get(q.name))
    ]
