"""Forms of the jury's composition, conflicts and assignment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, InputRequired

from app.common.forms import text_field
from app.jury.conflicts import NOTE_MAX

KIND_LABELS = {
    "family": _l("Family"),
    "business_partner": _l("Business partner"),
    "employer": _l("Employer or employee"),
    "investor": _l("Investor"),
    "other": _l("Other (describe it)"),
}


class MemberForm(FlaskForm):
    """Add an invited juror or chair to the jury of a call."""

    user_id = SelectField(
        _l("Person"), coerce=int, validators=[InputRequired(_l("Please choose a person."))]
    )
    languages = text_field(
        _l("Languages read"), 40, description=_l("Codes separated by commas, e.g. fr, nl, ar.")
    )
    is_chair = BooleanField(_l("Chair of the jury"))


class ConflictForm(FlaskForm):
    """A juror's declaration of a conflict with one dossier."""

    kind = SelectField(
        _l("Kind of conflict"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        validators=[DataRequired(_l("Please choose the kind of conflict."))],
    )
    note = text_field(_l("Note"), NOTE_MAX, area=True)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "other" and not (self.note.data or "").strip():
            self.note.errors.append(_l("Please describe the conflict."))
            valid = False
        return valid


class StaffConflictForm(ConflictForm):
    """Staff record a conflict they know of."""

    application_id = SelectField(
        _l("Dossier"), coerce=int, validators=[InputRequired(_l("Please choose a dossier."))]
    )
    juror_id = SelectField(
        _l("Juror"), coerce=int, validators=[InputRequired(_l("Please choose a juror."))]
    )


class RunAssignmentForm(FlaskForm):
    """Confirmation of the automatic assignment."""

    prefer_language = BooleanField(
        _l("Prefer jurors who read the applicant's languages"), default=True
    )
    confirm = BooleanField(
        _l("I confirm: assign jurors to every dossier that needs them"),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class AssignForm(FlaskForm):
    """Assign one juror to one dossier by hand."""

    application_id = IntegerField(validators=[InputRequired()])
    juror_id = IntegerField(validators=[InputRequired(_l("Please choose a juror."))])
