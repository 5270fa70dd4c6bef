"""The score form (one score and one comment per criterion of the call), the reason
forms of recusal and reopening, the scoring phase switch, and the scale anchors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional

from app.calls.models import Criterion
from app.common.forms import text_field
from app.jury.models import Review

COMMENT_MAX = 4000

#: Generic anchors of a scale, as shares of its span: (band starts at, label, meaning).
ANCHORS = (
    (0.0, _l("Weak"), _l("The dossier does not meet this criterion.")),
    (0.3, _l("Fair"), _l("Partly met, with clear gaps.")),
    (0.6, _l("Good"), _l("Met convincingly, with minor weaknesses.")),
    (0.9, _l("Excellent"), _l("Fully met, a strength of the dossier.")),
)


def scale_anchors(criterion: Criterion) -> list[tuple[int, int, object, object]]:
    """(from, to, label, meaning) bands of the criterion's scale, e.g. 0-2 weak ... 9-10
    excellent on 0-10; empty bands of very short scales are left out."""
    low, span = criterion.scale_min, criterion.scale_max - criterion.scale_min
    starts = [low + round(share * span) for share, _, _ in ANCHORS] + [criterion.scale_max + 1]
    bands = []
    for position, (_, label, meaning) in enumerate(ANCHORS):
        start, end = starts[position], starts[position + 1] - 1
        if position == len(ANCHORS) - 1:
            end = criterion.scale_max
        if start <= end:
            bands.append((start, end, label, meaning))
    return bands


class ReviewForm(FlaskForm):
    """Fields shared by every call; the criteria's fields are added by review_form_class."""

    version = HiddenField()
    overall_comment = text_field(_l("Overall comment"), COMMENT_MAX, area=True)
    private_notes = text_field(
        _l("Private notes"),
        COMMENT_MAX,
        area=True,
        description=_l("For the jury only: never shown to the applicant."),
    )


def review_form_class(criteria: list[Criterion]) -> type[ReviewForm]:
    """A form class with ``score_<id>`` and ``comment_<id>`` for each criterion."""

    class CallReviewForm(ReviewForm):
        pass

    for criterion in criteria:
        message = _l(
            "A whole number between %(min)d and %(max)d.",
            min=criterion.scale_min,
            max=criterion.scale_max,
        )
        score = IntegerField(
            _l("Score (%(min)d-%(max)d)", min=criterion.scale_min, max=criterion.scale_max),
            validators=[Optional(), NumberRange(criterion.scale_min, criterion.scale_max, message)],
        )
        comment = text_field(_l("Comment"), COMMENT_MAX, area=True)
        setattr(CallReviewForm, f"score_{criterion.id}", score)
        setattr(CallReviewForm, f"comment_{criterion.id}", comment)
    return CallReviewForm


def review_data(form: ReviewForm, criteria: list[Criterion]) -> dict:
    """What the services take (see app.jury.scoring) from a validated form."""
    return {
        "scores": {c.id: form[f"score_{c.id}"].data for c in criteria},
        "comments": {c.id: form[f"comment_{c.id}"].data or "" for c in criteria},
        "overall_comment": form.overall_comment.data or "",
        "private_notes": form.private_notes.data or "",
    }


def form_values(review: Review | None) -> dict:
    """The form's initial values from the saved review (or an empty form, version 0)."""
    if review is None:
        return {"version": 0}
    values = {
        "version": review.version,
        "overall_comment": review.overall_comment,
        "private_notes": review.private_notes,
    }
    for row in review.scores:
        values[f"score_{row.criterion_id}"] = row.score
        values[f"comment_{row.criterion_id}"] = row.comment
    return values


class ReasonForm(FlaskForm):
    """The reason of a recusal or of a reopening (kept for the audit)."""

    reason = text_field(_l("Reason"), 2000, DataRequired(_l("Please give a reason.")), area=True)


class ScoringPhaseForm(FlaskForm):
    """Open ("1") or close ("0") the scoring phase."""

    open = HiddenField(
        validators=[
            AnyOf(("0", "1"), message=_l("The form was incomplete. Reload the page and try again."))
        ]
    )
