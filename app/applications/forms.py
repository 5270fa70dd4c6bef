"""Application forms. Nothing is required in a draft; submission checks completeness."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.applications.services import ANSWER_LIMITS


class DraftForm(FlaskForm):
    version = IntegerField(validators=[DataRequired()])
    project_title = StringField(
        _l("Project title"),
        validators=[Optional(), Length(max=ANSWER_LIMITS["project_title"])],
    )
    summary = TextAreaField(
        _l("Summary of the project"),
        validators=[Optional(), Length(max=ANSWER_LIMITS["summary"])],
        description=_l("What you will build in Morocco, for whom, and why now."),
    )


class TransitionForm(FlaskForm):
    """The POST behind every lifecycle button: the version seen and an optional note."""

    version = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
