"""Jurors' scoring pages, the chair's board, and the scoring phase switch."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.applications.models import Application
from app.applications.questions import STEPS
from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required, wants_page
from app.common.exports import csv_response
from app.extensions import db
from app.jury import bp
from app.jury.board import hidden_from, load_board
from app.jury.models import JuryAssignment, Review
from app.jury.review_exports import reviews as reviews_export
from app.jury.scoring import (
    ConcurrentReview,
    NotAssigned,
    NotPermitted,
    ScoringError,
    is_conflicted,
    is_member,
    juror_assignments_query,
    juror_progress,
    may_steer,
    next_unsubmitted,
    recuse_from_dossier,
    reopen_review,
    save_review_draft,
    set_scoring_open,
    submit_review,
)
from app.jury.scoring_forms import (
    ReasonForm,
    ScoringPhaseForm,
    form_values,
    review_data,
    review_form_class,
    scale_anchors,
)


def _refused(message) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/409.html", message=message), 409


def _own_assignment(assignment_id: int) -> JuryAssignment:
    """The current user's assignment, not in conflict; 404 otherwise."""
    assignment = db.session.get(JuryAssignment, assignment_id)
    if (
        assignment is None
        or assignment.juror_id != current_user.id
        or is_conflicted(assignment.application_id, current_user.id)
    ):
        abort(404)
    return assignment


def _steered_call(call_id: int) -> Call:
    """The call, if the current user is staff or one of its chairs; 404 otherwise."""
    call = db.get_or_404(Call, call_id)
    if not may_steer(call, current_user):
        abort(404)
    return call


def _others_reviews(assignment: JuryAssignment) -> list[Review]:
    """Blind until done: the other jurors' submitted reviews of the dossier, only once the
    current juror has submitted their own and only if the call shows them."""
    own = assignment.review
    if (
        own is None
        or own.status != "submitted"
        or not assignment.application.call.jurors_see_others
    ):
        return []
    return list(
        db.session.scalars(
            select(Review)
            .join(Review.assignment)
            .where(JuryAssignment.application_id == assignment.application_id)
            .where(Review.status == "submitted", Review.id != own.id)
            .options(selectinload(Review.scores), joinedload(Review.assignment))
            .order_by(Review.submitted_at, Review.id)
        )
    )


def _render_score(assignment: JuryAssignment, form):
    call = assignment.application.call
    done, total = juror_progress(call, current_user)
    return render_template(
        "jury/score.html",
        assignment=assignment,
        application=assignment.application,
        documents=assignment.application.documents,
        steps=STEPS,
        call=call,
        form=form,
        anchors={c.id: scale_anchors(c) for c in call.criteria},
        others=_others_reviews(assignment),
        done=done,
        total=total,
        reason_form=ReasonForm(),
    )


def _after_save(assignment: JuryAssignment, action: str) -> str:
    """ "Save and next" leads to the next dossier not yet submitted, else to the list."""
    call = assignment.application.call
    if action == "draft":
        return url_for("jury.score_review", assignment_id=assignment.id)
    following = next_unsubmitted(call, current_user, besides=assignment.id)
    if following is not None:
        return url_for("jury.score_review", assignment_id=following)
    return url_for("jury.my_dossiers", call_id=call.id)


# Jurors ----------------------------------------------------------------------------

#: Dossiers per page of a juror's list (a juror may have 1,500 at 5,000 applications).
MY_DOSSIERS_PAGE = 50


@bp.route("/calls/<int:call_id>/my-dossiers")
@role_required(Role.JUROR, Role.CHAIR)
def my_dossiers(call_id):
    """The juror's dossiers of a call, with their progress."""
    call = db.get_or_404(Call, call_id)
    done, total = juror_progress(call, current_user)
    if not total and not is_member(call, current_user):
        abort(404)
    page = db.paginate(
        juror_assignments_query(call, current_user),
        page=wants_page(),
        per_page=MY_DOSSIERS_PAGE,
        error_out=False,
    )
    return render_template(
        "jury/my_dossiers.html",
        call=call,
        page=page,
        done=done,
        total=total,
        following=next_unsubmitted(call, current_user, besides=0),
    )


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.JUROR, Role.CHAIR)
def score_review(assignment_id):
    """The score form of an assigned dossier: save as draft, save and next, or submit."""
    if request.method == "POST" and db.session.get(JuryAssignment, assignment_id) is None:
        return _refused(str(NotAssigned()))
    assignment = _own_assignment(assignment_id)
    criteria = assignment.application.call.criteria
    form_class = review_form_class(criteria)
    if request.method == "GET":
        return _render_score(assignment, form_class(data=form_values(assignment.review)))
    form = form_class()
    if not form.validate():
        return _render_score(assignment, form), 422
    action = request.form.get("action", "draft")
    service = submit_review if action == "submit" else save_review_draft
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        service(
            assignment, review_data(form, criteria), actor=current_user, expected_version=version
        )
    except NotPermitted:
        abort(404)
    except (ConcurrentReview, NotAssigned) as error:
        return _refused(str(error))
    except ScoringError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_score(assignment, form), 422
    db.session.commit()
    flash(_("Review submitted.") if action == "submit" else _("Draft saved."), "success")
    return redirect(_after_save(assignment, action))


@bp.route("/assignments/<int:assignment_id>/recuse", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def recuse(assignment_id):
    """Recuse oneself from a dossier (a late conflict of interest), with a reason."""
    assignment = _own_assignment(assignment_id)
    call_id = assignment.application.call_id
    form = ReasonForm()
    try:
        if not form.validate():
            raise ScoringError(_("Please give the reason of your recusal."))
        recuse_from_dossier(assignment, form.reason.data, actor=current_user)
    except ScoringError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("jury.score_review", assignment_id=assignment_id))
    db.session.commit()
    flash(_("You recused yourself from this dossier; the chair is informed."), "success")
    return redirect(url_for("jury.my_dossiers", call_id=call_id))


# Chair -----------------------------------------------------------------------------


@bp.route("/calls/<int:call_id>/board")
@role_required(Role.STAFF, Role.CHAIR)
def board(call_id):
    """The chair's board: progress per juror and dossier, both rankings, flags."""
    call = _steered_call(call_id)
    data = load_board(call, current_user, order=request.args.get("order"))
    return render_template(
        "jury/board.html",
        board=data,
        page=data.page(wants_page()),
        phase_form=ScoringPhaseForm(),
        detail_url=url_for("jury.board_dossier", application_id=0)[:-1],
    )


@bp.route("/board/dossiers/<int:application_id>")
@role_required(Role.STAFF, Role.CHAIR)
def board_dossier(application_id):
    """Every review of one dossier, with its juror, scores, comments and private notes."""
    application = db.get_or_404(Application, application_id)
    if not may_steer(application.call, current_user):
        abort(404)
    if application.id in hidden_from(current_user):
        abort(404)
    assignments = db.session.scalars(
        select(JuryAssignment)
        .where(JuryAssignment.application_id == application.id)
        .options(joinedload(JuryAssignment.juror), joinedload(JuryAssignment.review))
        .order_by(JuryAssignment.id)
    ).all()
    return render_template(
        "jury/board_dossier.html",
        application=application,
        call=application.call,
        assignments=assignments,
    )


@bp.route("/reviews/<int:review_id>/reopen", methods=["POST"])
@role_required(Role.CHAIR)
def reopen(review_id):
    """Reopen a submitted review, with a reason (chair of the call only)."""
    review = db.get_or_404(Review, review_id)
    application_id = review.assignment.application_id
    form = ReasonForm()
    try:
        if not form.validate():
            raise ScoringError(_("Please give the reason for reopening this review."))
        reopen_review(review, actor=current_user, reason=form.reason.data)
    except NotPermitted:
        db.session.rollback()
        abort(404)
    except ScoringError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The review is reopened: its juror can change and submit it again."), "success")
    return redirect(url_for("jury.board_dossier", application_id=application_id))


@bp.route("/calls/<int:call_id>/scoring", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def set_scoring(call_id):
    """Open or close the scoring phase of a call; at closing, say what is unsubmitted."""
    call = _steered_call(call_id)
    form = ScoringPhaseForm()
    if not form.validate() or form.open.data not in ("0", "1"):
        flash(_("The form was incomplete. Reload the page and try again."), "error")
        return redirect(url_for("jury.board", call_id=call.id))
    pending = set_scoring_open(call, form.open.data == "1", actor=current_user)
    db.session.commit()
    if form.open.data == "1":
        flash(_("Scoring is open: jurors can save and submit their reviews."), "success")
    else:
        flash(_("Scoring is closed. Reviews not submitted: %(count)d.", count=len(pending)), "info")
    return redirect(url_for("jury.board", call_id=call.id))


@bp.route("/calls/<int:call_id>/reviews.csv")
@role_required(Role.STAFF, Role.CHAIR)
def export_reviews(call_id):
    """Every score of every submitted review of a call, as a CSV file."""
    call = _steered_call(call_id)
    header, rows = reviews_export(call)
    return csv_response(f"{call.reference}-reviews.csv", header, rows)
