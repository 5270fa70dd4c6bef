"""Account forms. Labels and messages are translated lazily."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.models import INVITABLE_ROLES
from app.common.forms import checkboxes
from app.i18n import current_locale


class PasswordStrength:
    """At least PASSWORD_MIN_LENGTH characters (10), at most 200."""

    def __call__(self, form, field):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data or "") < minimum:
            raise ValidationError(_l("Use at least %(n)d characters.", n=minimum))
        if len(field.data) > 200:
            raise ValidationError(_l("Use at most 200 characters."))


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254),
            Email(_l("This is not a valid email address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please choose a password.")), PasswordStrength()],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 10 characters. A sentence you remember is best."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def full_name_field():
    return StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


def language_field():
    """The language of the pages and emails, among the configured ones (the page's own
    language when not given)."""
    return SelectField(_l("Language of the pages and emails"), default=current_locale)


def offer_languages(field) -> None:
    field.choices = [
        SelectChoice(code, name, render_kw={"lang": code})
        for code, name in current_app.config["LANGUAGES"].items()
    ]


class RegisterForm(FlaskForm):
    full_name = full_name_field()
    email = email_field()
    password, confirm = new_password_fields()
    locale = language_field()
    accept_privacy = BooleanField(
        _l("I have read the privacy notice"),
        validators=[DataRequired(_l("Please accept the privacy notice to create an account."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_languages(self.locale)


class ConfirmForm(FlaskForm):
    """A button that confirms (its CSRF token is all it carries)."""


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class AcceptInvitationForm(FlaskForm):
    full_name = full_name_field()
    password, confirm = new_password_fields()


ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "staff": _l("Programme staff"),
    "juror": _l("Juror"),
    "chair": _l("Jury chair"),
    "coach": _l("Coach"),
}


class InviteForm(FlaskForm):
    email = email_field(_l("Email address of the person to invite"))
    roles = checkboxes(
        _l("Roles"),
        [SelectChoice(str(role), str(role)) for role in INVITABLE_ROLES],
        validators=[DataRequired(_l("Choose at least one role."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [
            SelectChoice(str(role), ROLE_LABELS[role]) for role in INVITABLE_ROLES
        ]
