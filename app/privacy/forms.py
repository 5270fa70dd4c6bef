"""The forms of the data page and of the erasure queue (their fields are read here; what
may be decided is the services' to say)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length, Optional


class AskErasureForm(FlaskForm):
    confirm = BooleanField(_l("I want my data erased. I understand this cannot be undone."))


class ErasureDecisionForm(FlaskForm):
    #: "approve" or "refuse" (app.privacy.services.APPROVE, REFUSE).
    decision = HiddenField()
    note = StringField(_l("Reason for a refusal"), validators=[Optional(), Length(max=2000)])
