"""Staff's session editor and the visitors' registration form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, HiddenField, IntegerField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

from app.common.forms import TOO_LONG, text_field

#: Most seats a session may offer; a typo guard, not a business rule.
MAX_CAPACITY = 10000


def _clean_email(value: str | None) -> str | None:
    """Addresses are compared lower-case; a pasted address often carries spaces."""
    return value.strip().lower() if value else value


def _moment(label):
    return DateTimeLocalField(
        label,
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Please give a date and time."))],
    )


class InfoSessionForm(FlaskForm):
    """One information session; dates are typed in Brussels time."""

    city = text_field(_l("City"), 100, DataRequired(_l("Please give the city.")))
    venue = text_field(
        _l("Venue and address"),
        300,
        DataRequired(_l("Please give the venue and its address.")),
        description=_l("E.g. Espace Magh, Rue du Poinçon 17, 1000 Brussels."),
    )
    starts_at = _moment(_l("Starts (Brussels time)"))
    ends_at = _moment(_l("Ends (Brussels time)"))
    capacity = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(_l("Please give a number.")),
            NumberRange(
                1,
                MAX_CAPACITY,
                _l("A session has between %(min)d and %(max)d seats."),
            ),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        starts, ends = self.starts_at.data, self.ends_at.data
        if starts and ends and ends <= starts:
            self.ends_at.errors.append(_l("The session must end after it starts."))
            valid = False
        return valid


class RegistrationForm(FlaskForm):
    """A visitor's registration: no account needed."""

    full_name = text_field(
        _l("Your name"),
        200,
        DataRequired(_l("Please give your name.")),
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Email address"),
        filters=[_clean_email],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=TOO_LONG),
            Email(_l("This is not a valid email address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )
    next = HiddenField()
