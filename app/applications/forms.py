"""Forms of the application: one form class per step, built from app.applications.questions.

Nothing is required in a draft; each field checks only its type and limits, so a
step can be saved with any valid subset of answers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.application_forms.definition import Question, Step, parse_iso_date
from app.common.clock import BRUSSELS, utcnow
from app.common.forms import checkboxes


class NotInTheFuture:
    def __call__(self, form, field):
        today = utcnow().astimezone(BRUSSELS).date()
        if field.data and field.data > today:
            raise ValidationError(_l("This date cannot be in the future."))
        if field.data and field.data < date(1900, 1, 1):
            raise ValidationError(_l("This date is too far in the past."))


def _limits(question: Question) -> list:
    validators = [Optional()]
    if question.max_length:
        validators.append(
            Length(
                max=question.max_length,
                message=_l("At most %(max)d characters.", max=question.max_length),
            )
        )
    if question.minimum is not None or question.maximum is not None:
        if question.kind == "percent":
            message = _l("A percentage between 0 and 100.")
        else:
            message = _l(
                "A number between %(min)s and %(max)s.", min=question.minimum, max=question.maximum
            )
        validators.append(NumberRange(question.minimum, question.maximum, message))
    return validators


def answer_field(question: Question):
    """The form field that asks ``question`` (its type, help and limits)."""
    kw = {"description": question.help or "", "validators": _limits(question)}
    if question.kind == "text":
        return StringField(question.label, **kw)
    if question.kind == "textarea":
        return TextAreaField(question.label, **kw)
    if question.kind == "email":
        return EmailField(question.label, **kw)
    if question.kind == "tel":
        return TelField(question.label, render_kw={"autocomplete": "tel"}, **kw)
    if question.kind == "date":
        if question.when == "past":
            kw["validators"].append(NotInTheFuture())
        return DateField(question.label, **kw)
    if question.kind == "integer":
        return IntegerField(question.label, **kw)
    if question.kind == "percent":
        return DecimalField(question.label, places=None, **kw)
    if question.kind == "boolean":
        return BooleanField(
            question.label, validators=[Optional()], description=question.help or ""
        )
    choices = [SelectChoice(value, label) for value, label in question.choices]
    if question.kind == "multi":
        return checkboxes(question.label, choices, **kw)
    return SelectField(question.label, choices=[SelectChoice("", "—"), *choices], **kw)


#: Each step's form class, by the step's identity (a form's steps live as long as the
#: process keeps the form: app.application_forms.versions).
_FORM_CLASSES: dict[int, tuple[Step, type[FlaskForm]]] = {}


def step_form_class(step: Step) -> type[FlaskForm]:
    """The FlaskForm class of ``step``: a field per question, and the version seen."""
    known = _FORM_CLASSES.get(id(step))
    if known is None or known[0] is not step:
        attributes = {"version": HiddenField(validators=[DataRequired()])}
        for question in step.questions:
            attributes[question.name] = answer_field(question)
        known = (step, type(f"{step.slug.title()}StepForm", (FlaskForm,), attributes))
        _FORM_CLASSES[id(step)] = known
    return known[1]


def to_form_data(step: Step, answers: dict) -> dict:
    """Stored answers as the form's Python values (ISO strings back to dates)."""
    data = {}
    for question in step.questions:
        value = answers.get(question.name)
        data[question.name] = parse_iso_date(value) if question.kind == "date" else value
    return data


def valid_answers(form: FlaskForm, step: Step) -> dict:
    """The answers of ``form`` whose fields passed validation, ready to store as JSON."""
    answers = {}
    for question in step.questions:
        field = form[question.name]
        if field.errors:
            continue
        value = field.data
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, str):
            value = value.strip() or None
            if question.kind == "select" and value == "":
                value = None
        elif question.kind == "multi":
            value = list(value or [])
        answers[question.name] = value
    return answers


class TransitionForm(FlaskForm):
    """The POST behind every lifecycle button: the version seen and an optional note."""

    version = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
