"""How the deliberation's reasons are named: to the chair choosing one, and to the
applicant told about it (app.selection.explanation), in the reader's language; and what
a tie-break says on the selection's pages."""

from __future__ import annotations

from flask_babel import gettext as _
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


def tie_break_sentences(call) -> dict[str, str]:
    """What each tie-break a decision of ``call`` may store (app.selection.standing.
    tie_break_label: "lower_std", "criterion_mean:3"...) says in the current language,
    translated once for a page of many decisions."""
    sentences = {
        "lower_std": _("Tie broken by the lower spread between jurors"),
        "earlier_submission": _("Tie broken by the earlier submission"),
        "smaller_id": _("Tie broken by the order of submission numbers"),
    }
    for criterion in call.criteria:
        sentences[f"criterion_mean:{criterion.id}"] = _(
            "Tie broken by the higher mean on “%(criterion)s”", criterion=criterion.name
        )
    return sentences


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
