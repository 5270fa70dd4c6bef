"""The chair's pages (staff see them too): the board, one dossier's reviews, reopening a
review, opening and closing scoring, and the reviews export."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import (
    may_read_reviews,
    may_reopen_review,
    may_steer_jury,
    role_required,
)
from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.exports import call_csv
from app.common.urls import wants_page
from app.common.views import permitted_or_404, run_posted
from app.extensions import db
from app.i18n import decimal_format, page_locale
from app.jury import bp
from app.jury.board import load_board
from app.jury.exports import reviews as reviews_export
from app.jury.models import Review
from app.jury.queries import assignments_of, reopenings
from app.jury.scoring import reopen_review, set_scoring_open
from app.jury.scoring_forms import ReasonForm, ScoringPhaseForm


def _steered_call(call_id: int) -> Call:
    """The call, if the current user is staff or one of its chairs; 404 otherwise."""
    return permitted_or_404(Call, call_id, may_steer_jury)


def _phase_message(opening: bool, pending: list) -> str:
    if opening:
        return _("Scoring is open: jurors can save and submit their reviews.")
    return _("Scoring is closed. Reviews not submitted: %(count)d.", count=len(pending))


@bp.route("/calls/<int:call_id>/board")
@role_required(Role.STAFF, Role.CHAIR)
def board(call_id):
    """The chair's board: progress per juror and dossier, both rankings, flags."""
    call = _steered_call(call_id)
    data = load_board(call, current_user, order=request.args.get("order"), page=wants_page())
    if data.refreshed:
        db.session.commit()  # the call's score summary, recomputed by this read
    return render_template(
        "jury/board.html",
        board=data,
        page=data.page,
        one_decimal=decimal_format(page_locale(), 1),
        phase_form=ScoringPhaseForm(),
        detail_url=url_for("jury.board_dossier", application_id=0)[:-1],
    )


@bp.route("/board/dossiers/<int:application_id>")
@role_required(Role.STAFF, Role.CHAIR)
def board_dossier(application_id):
    """Every review of one dossier, with its juror, scores, comments and private notes."""
    application = permitted_or_404(Application, application_id, may_read_reviews)
    call = application.call
    return render_template(
        "jury/board_dossier.html",
        application=application,
        call=call,
        assignments=assignments_of(current_user, call, [application.id])[application.id],
        reopenings=reopenings(current_user, application),
        may_reopen=lambda review: may_reopen_review(current_user, review),
    )


@bp.route("/reviews/<int:review_id>/reopen", methods=["POST"])
@role_required(Role.CHAIR)
def reopen(review_id):
    """Reopen a submitted review, with a reason (chair of the call only)."""
    review = permitted_or_404(Review, review_id, may_reopen_review)
    form = ReasonForm()
    return run_posted(
        form,
        reopen_review,
        review,
        reason=form.reason.data,
        done=_("The review is reopened: its juror can change and submit it again."),
        back=url_for("jury.board_dossier", application_id=review.assignment.application_id),
    )


@bp.route("/calls/<int:call_id>/scoring", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def set_scoring(call_id):
    """Open or close the scoring phase of a call; at closing, say what is unsubmitted."""
    call = _steered_call(call_id)
    form = ScoringPhaseForm()
    opening = form.open.data == "1"
    return run_posted(
        form,
        set_scoring_open,
        call,
        opening,
        done=lambda pending: _phase_message(opening, pending),
        back=url_for("jury.board", call_id=call.id),
    )


@bp.route("/calls/<int:call_id>/reviews.csv")
@role_required(Role.STAFF, Role.CHAIR)
def export_reviews(call_id):
    """Every score of every submitted review of a call the reader may see, as CSV."""
    return call_csv(_steered_call(call_id), "reviews", reviews_export)
