"""Forms of the selection pages: the chair's moves, publication, the call's rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.selection.models import DECISIONS

DECISION_LABELS = {
    "selected": _l("Selected"),
    "reserve": _l("Reserve list"),
    "not_selected": _l("Not selected"),
}

#: Answers of the application form a balance rule may look at.
BALANCE_ATTRIBUTES = {
    "sector": _l("Sector"),
    "gender": _l("Gender"),
    "moroccan_region": _l("Region in Morocco"),
    "belgian_region": _l("Region in Belgium"),
    "stage": _l("Where the project stands"),
}

TIE_BREAK_LABELS = {
    "": _l("(none)"),
    "criterion_mean": _l("Higher mean on a criterion"),
    "lower_std": _l("Lower spread between jurors"),
    "earlier_submission": _l("Earlier submission"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ComputeForm(FlaskForm):
    """Computing the proposal again: a button, its CSRF token only."""


class MoveForm(FlaskForm):
    """The chair moves one dossier in or out of the proposal, with a justification."""

    decision = SelectField(
        _l("Move to"), choices=[SelectChoice(d, DECISION_LABELS[d]) for d in DECISIONS]
    )
    justification = TextAreaField(
        _l("Justification (kept in the decision record)"),
        validators=[
            InputRequired(_l("Moving a dossier needs a written justification.")),
            Length(max=2000),
        ],
    )


class PublishForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked the counts: publish every decision now."),
        validators=[InputRequired(_l("Tick the box to confirm the publication."))],
    )


class TieBreakForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Rule"), choices=_choices(TIE_BREAK_LABELS), default="")
    criterion = SelectField(_l("Criterion"), choices=[], validate_choice=False)


class BalanceRuleForm(FlaskForm):
    class Meta:
        csrf = False

    attribute = SelectField(
        _l("Answer"), choices=_choices({"": _l("(none)"), **BALANCE_ATTRIBUTES}), default=""
    )
    kind = SelectField(
        _l("Bound"),
        choices=_choices({"at_most": _l("at most"), "at_least": _l("at least")}),
        default="at_most",
    )
    count = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=0, max=10000)])
    value = StringField(_l("Value (empty: each value)"), validators=[Length(max=100)])


class RulesForm(FlaskForm):
    confirmation_days = IntegerField(
        _l("Days a selected applicant has to confirm"),
        validators=[
            InputRequired(_l("Please give a number of days.")),
            NumberRange(min=1, max=120, message=_l("Between 1 and 120 days.")),
        ],
    )
    tie_breaks = FieldList(FormField(TieBreakForm), min_entries=3, max_entries=3)
    balance_rules = FieldList(FormField(BalanceRuleForm), min_entries=4, max_entries=4)
