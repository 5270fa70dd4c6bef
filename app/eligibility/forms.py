"""The public eligibility self-check: a few questions, no account needed."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
)
from wtforms.validators import NumberRange, Optional

from app.application_forms.versions import default_form
from app.applications.forms import NotInTheFuture
from app.common.forms import checkboxes


def _checkboxes(label, choices):
    return checkboxes(label, [SelectChoice(v, t) for v, t in choices], validators=[Optional()])


#: The self-check asks MBI's questions (the built-in rules' facts) with the form's choices.
_ASKED = default_form().questions
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class SelfCheckForm(FlaskForm):
    class Meta:
        csrf = False  # advice only: nothing is stored, the form may be bookmarked

    birth_date = DateField(_l("Date of birth"), validators=[Optional(), NotInTheFuture()])
    nationalities = _checkboxes(_l("Nationalities"), _ASKED["nationalities"].choices)
    moroccan_ties = BooleanField(_l("I have family or personal ties with Morocco"))
    belgium_residence_start = DateField(
        _l("Living in Belgium since"), validators=[Optional(), NotInTheFuture()]
    )
    belgium_residence_end = DateField(
        _l("Living in Belgium until"),
        validators=[Optional(), NotInTheFuture()],
        description=_l("Leave empty if you still live in Belgium."),
    )
    languages = _checkboxes(_l("Languages you speak"), _ASKED["languages"].choices)
    banking_ban = RadioField(
        _l("Are you subject to a banking ban in Belgium or Morocco?"),
        choices=YES_NO,
        validators=[Optional()],
    )
    legal_proceedings = RadioField(
        _l("Are you subject to legal proceedings in Belgium or Morocco?"),
        choices=YES_NO,
        validators=[Optional()],
    )
    stage = RadioField(
        _l("Where the project stands"),
        choices=[SelectChoice(v, t) for v, t in _ASKED["stage"].choices],
        validators=[Optional()],
    )
    company_created_on = DateField(
        _l("Date of creation of the company"), validators=[Optional(), NotInTheFuture()]
    )
    eligible_share_percent = IntegerField(
        _l("Share of the capital held by adult Moroccans living in Belgium (%)"),
        validators=[Optional(), NumberRange(0, 100, _l("A percentage between 0 and 100."))],
    )

    def facts(self) -> dict:
        """The answers in the words of the eligibility rules."""

        def iso(field):
            return field.data.isoformat() if field.data else None

        def declared_none(field):
            return {"no": True, "yes": False}.get(field.data)

        return {
            "birth_date": iso(self.birth_date),
            "nationalities": list(self.nationalities.data or []),
            "moroccan_ties": bool(self.moroccan_ties.data),
            "belgium_residence_start": iso(self.belgium_residence_start),
            "belgium_residence_end": iso(self.belgium_residence_end),
            "languages": list(self.languages.data or []),
            "no_banking_ban": declared_none(self.banking_ban),
            "no_legal_proceedings": declared_none(self.legal_proceedings),
            "stage": self.stage.data,
            "company_created_on": iso(self.company_created_on),
            "eligible_share_percent": self.eligible_share_percent.data,
        }
