"""The forms that make a call from a definition: a copy of another call, or a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.calls.forms import CallForm


class NewCallForm(FlaskForm):
    """What a call made from a definition does not take from it: its reference, its
    name and its dates (Brussels time)."""

    reference = CallForm.reference
    name = CallForm.name
    opens_at = CallForm.opens_at
    closes_at = CallForm.closes_at

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors.append(_l("The call must close after it opens."))
            valid = False
        return valid


class ImportForm(NewCallForm):
    """A definition file (docs/call-definition.md) and the new call's reference and dates;
    left empty, the name is the file's."""

    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Left empty: the name written in the file."),
    )
    file = FileField(
        _l("Definition file (JSON)"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".json,application/json"},
    )
