"""Forms of the selection pages: the chair's moves, publication, the call's rules."""

from __future__ import annotations

from flask_babel import gettext as _
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

from app.application_forms.versions import call_form
from app.calls.models import Call
from app.selection.wording import MOVE_REASON_LABELS
from workflows.selection import DECISIONS, Decision, MoveReason

DECISION_LABELS = {
    Decision.SELECTED: _l("Selected"),
    Decision.RESERVE: _l("Reserve list"),
    Decision.NOT_SELECTED: _l("Not selected"),
}


def balance_attributes(call: Call) -> dict:
    """The answers a balance rule may look at: every choice question of the call's form
    ({name: label})."""
    return {question.name: question.label for question in call_form(call).choice_questions()}


def balance_values(call: Call) -> dict:
    """What a balance rule's value is called: {question name: {value: label}} for every
    choice question of the call's form (a rule "gender = F" reads "gender = Woman")."""
    return {
        question.name: dict(question.choices) for question in call_form(call).choice_questions()
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
    reason = SelectField(
        _l("Reason the applicant is told"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(r, MOVE_REASON_LABELS[r]) for r in MoveReason],
        validators=[InputRequired(_l("Choose the reason of the move."))],
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

    #: Its choices are the call's choice questions (RulesForm.for_call).
    attribute = SelectField(_l("Answer"), choices=[], default="")
    kind = SelectField(
        _l("Bound"),
        choices=_choices({"at_most": _l("at most"), "at_least": _l("at least")}),
        default="at_most",
    )
    count = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=0, max=10000)])
    value = StringField(_l("Value (empty: each value)"), validators=[Length(max=100)])


#: Rows of each list on the rules page.
TIE_BREAK_ROWS, BALANCE_ROWS = 3, 4


def _padded(items: list[dict], size: int) -> list[dict]:
    return (items + [{}] * size)[:size]


class RulesForm(FlaskForm):
    """The call's selection rules. Build it with :meth:`for_call`, which offers the
    call's criteria to the tie-breaks and, on a GET, fills in the rules saved."""

    confirmation_days = IntegerField(
        _l("Days a selected applicant has to confirm"),
        validators=[
            InputRequired(_l("Please give a number of days.")),
            NumberRange(min=1, max=120, message=_l("Between 1 and 120 days.")),
        ],
    )
    tie_breaks = FieldList(
        FormField(TieBreakForm), min_entries=TIE_BREAK_ROWS, max_entries=TIE_BREAK_ROWS
    )
    balance_rules = FieldList(
        FormField(BalanceRuleForm), min_entries=BALANCE_ROWS, max_entries=BALANCE_ROWS
    )

    @classmethod
    def for_call(cls, call: Call, *, posted: bool) -> RulesForm:
        """The form of ``call``'s rules: as posted, or (``posted`` False) as saved."""
        data = None
        if not posted:
            tie_breaks = [
                {"kind": t.get("kind", ""), "criterion": str(t.get("criterion") or "")}
                for t in call.tie_breaks or []
            ]
            balance = [{**r, "value": r.get("value") or ""} for r in call.balance_rules or []]
            data = {
                "confirmation_days": call.confirmation_days,
                "tie_breaks": _padded(tie_breaks, TIE_BREAK_ROWS),
                "balance_rules": _padded(balance, BALANCE_ROWS),
            }
        form = cls(data=data)
        form.criteria = [(str(c.position), c.name) for c in call.criteria]
        form.answer_choices = {
            question.name: question.choices for question in call_form(call).choice_questions()
        }
        attributes = [SelectChoice("", _l("(none)"))] + [
            SelectChoice(name, label) for name, label in balance_attributes(call).items()
        ]
        for entry in form.balance_rules:
            entry.form.attribute.choices = attributes
        for entry in form.tie_breaks:
            entry.form.criterion.choices = [
                SelectChoice(value, label) for value, label in [("", "—"), *form.criteria]
            ]
        return form

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then those that look at several fields at once (each
        error attached to its field)."""
        return super().validate(extra_validators) and self._rules_hold()

    def _rules_hold(self) -> bool:
        positions = {value for value, _label in getattr(self, "criteria", [])}
        ok = True
        for entry in self.tie_breaks:
            sub = entry.form
            if sub.kind.data == "criterion_mean" and sub.criterion.data not in positions:
                sub.criterion.errors = [_("Choose the criterion this rule looks at.")]
                ok = False
        for entry in self.balance_rules:
            ok = _balance_rule_holds(entry.form, self.answer_choices) and ok
        return ok

    def rules(self) -> dict:
        """The rules as the call keeps them (app.selection.services.save_rules)."""
        tie_breaks = []
        for entry in self.tie_breaks:
            kind = entry.form.kind.data
            if kind == "criterion_mean":
                tie_breaks.append({"kind": kind, "criterion": int(entry.form.criterion.data)})
            elif kind:
                tie_breaks.append({"kind": kind})
        return {
            "confirmation_days": self.confirmation_days.data,
            "tie_breaks": tie_breaks,
            "balance_rules": [
                {
                    "attribute": entry.form.attribute.data,
                    "value": (entry.form.value.data or "").strip() or None,
                    "kind": entry.form.kind.data,
                    "count": entry.form.count.data,
                }
                for entry in self.balance_rules
                if entry.form.attribute.data
            ],
        }


def _balance_rule_holds(sub: BalanceRuleForm, answer_choices: dict) -> bool:
    """A balance rule names a number, and a value the answer may take (an "at least"
    rule always needs one)."""
    if not sub.attribute.data:
        return True
    ok = True
    if sub.count.data is None:
        sub.count.errors = [_("Give the number of projects.")]
        ok = False
    choices = answer_choices[sub.attribute.data]
    value = (sub.value.data or "").strip()
    if value and value not in {str(v) for v, _label in choices}:
        listed = ", ".join(f"{v} ({label})" for v, label in choices)
        sub.value.errors = [_("Use one of: %(values)s.", values=listed)]
        ok = False
    if sub.kind.data == "at_least" and not value:
        sub.value.errors = [_("An “at least” rule needs a value, e.g. F for women.")]
        ok = False
    return ok
