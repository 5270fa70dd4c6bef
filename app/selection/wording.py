"""How the deliberation's reasons are named: to the chair choosing one, and to the
applicant told about it (app.selection.explanation), in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.application_forms.versions import call_form
from app.selection.standing import Reason
from workflows.selection import MoveReason

MOVE_REASON_LABELS = {
    MoveReason.BALANCE: _l("Balance of the selected group (sectors, regions, women and men)"),
    MoveReason.PROGRAMME_FIT: _l("Fit with the programme's aims"),
    MoveReason.FEASIBILITY: _l("Feasibility of the project"),
    MoveReason.NEW_INFORMATION: _l("Information received after the jury's scoring"),
    MoveReason.SCORING_REVIEW: _l("Review of scores on which the jurors differed"),
    MoveReason.OTHER: _l("Another reason weighed by the jury"),
}


def reason_texts(reasons, call) -> list[str]:
    """Each reason of the deliberation as the applicant reads it, in the current
    language: the category of the chair's move, or the call's balance rule with its
    answer and value as the form names them. Never the chair's words, never a name."""
    if not reasons:
        return []
    questions = call_form(call).questions
    return [_reason_text(reason, questions) for reason in reasons]


def _reason_text(reason: Reason, questions) -> str:
    if reason.rule is None:
        return str(MOVE_REASON_LABELS.get(reason.category, MOVE_REASON_LABELS[MoveReason.OTHER]))
    rule = reason.rule
    question = questions.get(rule.attribute)
    what = str(question.label) if question is not None else rule.attribute
    values = {str(value): str(label) for value, label in (question.choices if question else ())}
    value = values.get(str(rule.value), rule.value)
    if rule.kind == "at_least":
        return ngettext(
            "Balance rule of the call (at least %(num)d project selected with “%(what)s: "
            "%(value)s”)",
            "Balance rule of the call (at least %(num)d projects selected with “%(what)s: "
            "%(value)s”)",
            rule.count,
            what=what,
            value=value,
        )
    if rule.value is None:
        return ngettext(
            "Balance rule of the call (at most %(num)d project selected per “%(what)s”)",
            "Balance rule of the call (at most %(num)d projects selected per “%(what)s”)",
            rule.count,
            what=what,
        )
    return ngettext(
        "Balance rule of the call (at most %(num)d project selected with “%(what)s: %(value)s”)",
        "Balance rule of the call (at most %(num)d projects selected with “%(what)s: %(value)s”)",
        rule.count,
        what=what,
        value=value,
    )
