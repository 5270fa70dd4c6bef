"""A juror's pages: the jury home, their dossiers of a call, the score form, recusal."""

from flask import abort, flash, jsonify, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.policy import may_read_others_reviews, may_score, role_required, sits_on_jury
from app.auth.models import Role
from app.calls.models import Call
from app.common.urls import wants_page
from app.common.views import form_errors, run_posted, run_service
from app.extensions import db
from app.jury import bp
from app.jury.conflicts import recuse as recuse_from_dossier
from app.jury.conflicts import require_conflicts_confirmed
from app.jury.models import JuryAssignment, Review
from app.jury.queries import (
    conflicts_confirmation,
    following_unsubmitted,
    juror_assignments_query,
    juror_progress,
    jury_home,
    next_unsubmitted,
)
from app.jury.scoring import save_review_draft, submit_review
from app.jury.scoring_forms import (
    ReasonForm,
    form_values,
    review_data,
    review_form_class,
    scale_anchors,
)
from app.jury.services import NotAssigned
from workflows.jury import ReviewStatus

#: Dossiers per page of a juror's list (a juror may have 1,500 at 5,000 applications).
MY_DOSSIERS_PAGE = 50


def _own_assignment(assignment_id: int) -> JuryAssignment:
    """The current user's assignment, if they may score it (not in conflict); 404 otherwise.
    Refused (ConflictsNotConfirmed) while the call waits for their "no other conflict"."""
    assignment = db.session.get(JuryAssignment, assignment_id)
    if assignment is None or not may_score(current_user, assignment):
        abort(404)
    require_conflicts_confirmed(assignment.application.call, current_user)
    return assignment


def _others_reviews(assignment: JuryAssignment) -> list[Review]:
    """Blind until done: the other jurors' submitted reviews of the dossier, once the
    current juror has submitted their own and only if the call shows them."""
    own, application = assignment.review, assignment.application
    if not may_read_others_reviews(current_user, own, application):
        return []
    return list(
        db.session.scalars(
            select(Review)
            .join(Review.assignment)
            .where(JuryAssignment.application_id == application.id)
            .where(Review.status == ReviewStatus.SUBMITTED, Review.id != own.id)
            .options(selectinload(Review.scores), joinedload(Review.assignment))
            .order_by(Review.submitted_at, Review.id)
        )
    )


def _render_score(assignment: JuryAssignment, form, refused: str | None = None):
    """The score page; with ``refused``, the message of a refused save (422)."""
    call = assignment.application.call
    done, total = juror_progress(call, current_user)
    if refused:
        flash(refused, "error")
    page = render_template(
        "jury/score.html",
        assignment=assignment,
        application=assignment.application,
        documents=assignment.application.documents,
        steps=assignment.application.form.steps,
        call=call,
        form=form,
        anchors={c.id: scale_anchors(c) for c in call.criteria},
        others=_others_reviews(assignment),
        done=done,
        total=total,
        reason_form=ReasonForm(),
    )
    return (page, 422) if refused or form.errors else page


def _after_save(assignment: JuryAssignment, action: str) -> str:
    """ "Save and next" (and a submission) lead to the next dossier not yet submitted,
    after this one in dossier order, else to the list."""
    if action == "draft":
        return url_for("jury.score_review", assignment_id=assignment.id)
    following = following_unsubmitted(assignment)
    if following is not None:
        return url_for("jury.score_review", assignment_id=following)
    return url_for("jury.my_dossiers", call_id=assignment.application.call_id)


@bp.route("/")
@role_required(Role.JUROR, Role.CHAIR)
def home():
    """A juror's home: for each call of their juries, the steps (declare conflicts, score,
    done) with their progress, and the chair's pages."""
    return render_template("jury/home.html", cards=jury_home(current_user))


@bp.route("/calls/<int:call_id>/my-dossiers")
@role_required(Role.JUROR, Role.CHAIR)
def my_dossiers(call_id):
    """The juror's dossiers of a call, with their progress."""
    call = db.get_or_404(Call, call_id)
    done, total = juror_progress(call, current_user)
    if not total and not sits_on_jury(current_user, call.id):
        abort(404)
    page = db.paginate(
        juror_assignments_query(call, current_user),
        page=wants_page(),
        per_page=MY_DOSSIERS_PAGE,
        error_out=False,
    )
    following = next_unsubmitted(call, current_user, besides=0)
    confirmed_at, new_since = conflicts_confirmation(call, current_user)
    return render_template(
        "jury/my_dossiers.html",
        call=call,
        page=page,
        done=done,
        total=total,
        following=following,
        confirmed_at=confirmed_at,
        new_since=new_since,
    )


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.JUROR, Role.CHAIR)
def score_review(assignment_id):
    """The score form of an assigned dossier: save as draft, save and next, or submit."""
    if request.method == "POST" and db.session.get(JuryAssignment, assignment_id) is None:
        raise NotAssigned()
    assignment = _own_assignment(assignment_id)
    criteria = assignment.application.call.criteria
    form_class = review_form_class(criteria)
    if request.method == "GET":
        return _render_score(assignment, form_class(data=form_values(assignment.review)))
    form = form_class()
    if not form.validate():
        return _render_score(assignment, form)
    action = request.form.get("action", "draft")
    version = form.version.data or ""
    return run_service(
        submit_review if action == "submit" else save_review_draft,
        assignment,
        review_data(form, criteria),
        expected_version=int(version) if version.isdigit() else -1,
        done=_saved_message(assignment, action),
        then=lambda review: _after_save(assignment, action),
        refused=lambda message: _render_score(assignment, form, message),
    )


def _saved_message(assignment: JuryAssignment, action: str) -> str:
    """What the juror reads once the review is saved: which dossier, draft or submitted."""
    reference = assignment.application.reference
    if action == "submit":
        return _("Your review of application %(reference)s is submitted.", reference=reference)
    return _("Your draft review of application %(reference)s is saved.", reference=reference)


@bp.route("/assignments/<int:assignment_id>/draft", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def autosave_review(assignment_id):
    """The score page's script saves the review as a draft while the juror types (JSON)."""
    assignment = _own_assignment(assignment_id)
    criteria = assignment.application.call.criteria
    form = review_form_class(criteria)()
    if not form.validate():
        return jsonify(message=form_errors(form)), 422
    version = form.version.data or ""
    return run_service(
        save_review_draft,
        assignment,
        review_data(form, criteria),
        expected_version=int(version) if version.isdigit() else -1,
        autosave=True,
        done=None,  # the page's script shows the answer's message
        then=lambda review: jsonify(
            version=review.version,
            message=_("Draft saved at %(time)s.", time=format_time(review.updated_at, "HH:mm")),
        ),
        refused=lambda message: (jsonify(message=message), 422),
    )


@bp.route("/assignments/<int:assignment_id>/recuse", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def recuse(assignment_id):
    """Recuse oneself from a dossier (a late conflict of interest), with a reason."""
    assignment = _own_assignment(assignment_id)
    form = ReasonForm()
    return run_posted(
        form,
        recuse_from_dossier,
        assignment,
        form.reason.data,
        done=_("You recused yourself from this dossier: it goes to another juror."),
        back=url_for("jury.score_review", assignment_id=assignment.id),
        then=url_for("jury.my_dossiers", call_id=assignment.application.call_id),
    )
