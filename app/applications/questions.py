"""The application form: its steps, their questions, and what submission requires.

The form is data: MBI's is the ``form`` of the shipped call template
app/calls/call_templates/mbi.json, read (and checked) by
:func:`app.applications.definition.read_form`. Everything the applicant answers is
stored in ``Application.answers`` (JSON) under the questions' names; dates as ISO
strings, numbers as numbers. A draft accepts any valid subset; :func:`missing_answers`
says what submission still needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.applications.definition import (
    Form,
    Question,
    Step,
    parse_iso_date,
    read_form,
)

__all__ = [
    "Question",
    "Step",
    "parse_iso_date",
    "MissingItem",
    "missing_answers",
    "applies",
    "shown_on_step",
    "condition_wording",
]

CALL_TEMPLATES = Path(__file__).resolve().parent.parent / "calls" / "call_templates"


def call_template(name: str) -> dict:
    """A call template shipped with Impulse (``mbi``): its definition as data."""
    return json.loads((CALL_TEMPLATES / f"{name}.json").read_text(encoding="utf-8"))


#: MBI's form, read from its template.
FORM: Form = read_form(call_template("mbi")["form"])
STEPS: tuple[Step, ...] = FORM.steps
STEP_BY_SLUG = {step.slug: step for step in STEPS}
QUESTIONS = FORM.questions
STEP_OF = {question.name: step.slug for step in STEPS for question in step.questions}

#: Choice lists that other pages (the self-check, the dashboard) show as the form does.
COUNTRIES = QUESTIONS["nationalities"].choices
LANGUAGES = QUESTIONS["languages"].choices
GENDERS = QUESTIONS["gender"].choices
STAGES = QUESTIONS["stage"].choices
CHANNEL_LABELS = dict(QUESTIONS["channel"].choices)


@dataclass(frozen=True)
class MissingItem:
    step: str
    name: str
    label: object


def applies(question: Question, answers: dict) -> bool:
    """Whether ``question`` is asked of this applicant (its condition holds)."""
    return question.applies(answers)


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


def condition_wording(question: Question) -> dict:
    """What a condition says, in the reader's language: the question it rests on and
    the answers that ask this one ({"question": "Where the project stands", "answer":
    "An existing company"})."""
    condition = question.condition
    controlling = QUESTIONS[condition.question]
    names = dict(controlling.choices)
    return {
        "question": str(controlling.label),
        "answer": " / ".join(str(names.get(value, value)) for value in condition.values),
    }


def is_answered(question: Question, value) -> bool:
    if question.kind == "boolean":
        return value is True
    if question.kind == "multi":
        return bool(value)
    return value is not None and str(value).strip() != ""


def missing_answers(answers: dict) -> list[MissingItem]:
    """The required answers still missing, in form order."""
    return [
        MissingItem(STEP_OF[q.name], q.name, q.label)
        for step in STEPS
        for q in step.questions
        if q.required and applies(q, answers) and not is_answered(q, answers.get(q.name))
    ]
