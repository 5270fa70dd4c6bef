"""Staff's eligibility decision forms."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.common.clock import BRUSSELS, utcnow
from app.common.forms import checkboxes


def _checkboxes(label):
    return checkboxes(label, validators=[Optional()])


class EligibleForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    justification = TextAreaField(
        _l("Justification (required when a rule does not pass)"),
        validators=[Optional(), Length(max=5000)],
    )


class IneligibleForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    failed_rules = _checkboxes(_l("Rules not met"))
    reason = TextAreaField(
        _l("Reason, as the applicant will read it"),
        validators=[
            InputRequired(_l("Write the reason the applicant will read.")),
            Length(max=5000),
        ],
    )


class ProposalForm(FlaskForm):
    """Confirm or cancel a proposed ineligibility: the button's CSRF token only."""


class RequestForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    fields = _checkboxes(_l("Answers to complete"))
    documents = _checkboxes(_l("Documents to provide"))
    message = TextAreaField(
        _l("Message to the applicant"),
        validators=[InputRequired(_l("Write a message to the applicant.")), Length(max=5000)],
    )
    reply_by = DateField(_l("Reply by"), validators=[InputRequired(_l("Give a date."))])

    def __init__(self, *args, field_choices=(), document_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.choices = [SelectChoice(v, t) for v, t in field_choices]
        self.documents.choices = [SelectChoice(v, t) for v, t in document_choices]
        if self.reply_by.data is None and not self.is_submitted():
            self.reply_by.data = utcnow().astimezone(BRUSSELS).date() + timedelta(days=14)
