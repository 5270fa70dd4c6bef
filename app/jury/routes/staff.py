"""Staff pages of the jury: its composition, the automatic assignment, the assignments
by hand, and the assignments export (which the call's chairs may download too)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.access.policy import may_steer_jury, role_required
from app.access.scopes import visible_applications, visible_assignments
from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.exports import call_csv
from app.common.urls import wants_page
from app.common.views import form_page, permitted_or_404, run_service
from app.extensions import db
from app.jury import bp
from app.jury.assignment_plans import loads_per_juror
from app.jury.exports import assignments as assignment_rows
from app.jury.forms import AssignForm, MemberForm, RunAssignmentForm
from app.jury.models import JuryAssignment, JuryMember
from app.jury.queries import assignments_of, jury_candidates
from app.jury.services import (
    add_member,
    assign_by_hand,
    preview_assignment,
    remove_member,
    run_assignment,
    set_chair,
    unassign_by_hand,
)
from workflows.application import AWAITING_JURY

#: Dossiers per page of the assignments by hand.
ASSIGNMENTS_PAGE = 50


def _member_or_404(call_id: int, member_id: int) -> JuryMember:
    member = db.session.get(JuryMember, member_id)
    if member is None or member.call_id != call_id:
        abort(404)
    return member


def _members_page(call: Call, form, refused: str | None = None):
    """The jury's members with their loads and the form to add one (422 when refused)."""
    return form_page(
        "jury/staff_members.html", refused, call=call, form=form, loads=loads_per_juror(call)
    )


def _assignment_page(call: Call, form, refused: str | None = None):
    """What the automatic assignment would do now, and its form (422 when refused)."""
    preview = preview_assignment(
        call, viewer=current_user, prefer_language=form.prefer_language.data
    )
    return form_page(
        "jury/staff_assignment.html",
        refused,
        call=call,
        form=form,
        preview=preview,
        loads=loads_per_juror(call),
    )


def _manual_page(call_id: int) -> str:
    """The page of the assignments by hand the form was posted from."""
    page = max(request.form.get("page", 1, type=int) or 1, 1)
    return url_for("jury.staff_assignments", call_id=call_id, page=page)


@bp.route("/staff/calls/<int:call_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_jury(call_id):
    """The jury of a call: its members with their loads, and a form to add one."""
    call = db.get_or_404(Call, call_id)
    form = MemberForm()
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.full_name} <{u.email}>") for u in jury_candidates(call)
    ]
    if not form.validate_on_submit():
        return _members_page(call, form)
    user = db.get_or_404(User, form.user_id.data)
    return run_service(
        add_member,
        call,
        user,
        {"is_chair": form.is_chair.data, "languages": form.languages.data},
        done=_("%(name)s joined the jury.", name=user.full_name),
        then=url_for("jury.staff_jury", call_id=call.id),
        refused=lambda message: _members_page(call, form, message),
    )


@bp.route("/staff/calls/<int:call_id>/members/<int:member_id>/remove", methods=["POST"])
@role_required(Role.STAFF)
def staff_remove_member(call_id, member_id):
    """Take a member off the jury; their unstarted assignments are released."""
    member = _member_or_404(call_id, member_id)
    return run_service(
        remove_member,
        member,
        done=_("%(name)s left the jury.", name=member.user.full_name),
        back=url_for("jury.staff_jury", call_id=call_id),
    )


@bp.route("/staff/calls/<int:call_id>/members/<int:member_id>/chair", methods=["POST"])
@role_required(Role.STAFF)
def staff_set_chair(call_id, member_id):
    """Make a member chair of the jury (``chair=1``), or a plain juror again."""
    member = _member_or_404(call_id, member_id)
    return run_service(
        set_chair,
        member,
        request.form.get("chair") == "1",
        done=_("Jury updated."),
        back=url_for("jury.staff_jury", call_id=call_id),
    )


@bp.route("/staff/calls/<int:call_id>/assignment", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_assignment(call_id):
    """The automatic assignment: what it would do, a confirmation, then its summary."""
    call = db.get_or_404(Call, call_id)
    form = RunAssignmentForm()
    if not form.validate_on_submit():
        return _assignment_page(call, form)
    return run_service(
        run_assignment,
        call,
        prefer_language=form.prefer_language.data,
        done=lambda summary: " ".join(summary.lines()),
        then=url_for("jury.staff_assignment", call_id=call.id),
        refused=lambda message: _assignment_page(call, form, message),
    )


@bp.route("/staff/calls/<int:call_id>/assignments")
@role_required(Role.STAFF)
def staff_assignments(call_id):
    """Dossiers with their jurors, to assign and unassign by hand (paginated)."""
    call = db.get_or_404(Call, call_id)
    page = db.paginate(
        visible_applications(current_user, call)
        .where(Application.status.in_(AWAITING_JURY))
        .order_by(Application.number, Application.id),
        page=wants_page(),
        per_page=ASSIGNMENTS_PAGE,
        error_out=False,
    )
    assigned = assignments_of(current_user, call, [application.id for application in page.items])
    return render_template(
        "jury/staff_assignments.html",
        call=call,
        page=page,
        assigned=assigned,
        members=loads_per_juror(call),
    )


@bp.route("/staff/calls/<int:call_id>/assignments", methods=["POST"])
@role_required(Role.STAFF)
def staff_assign(call_id):
    """Assign one juror to one dossier by hand."""
    call = db.get_or_404(Call, call_id)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(_("Please choose a juror."), "error")
        return redirect(url_for("jury.staff_assignments", call_id=call.id))
    application = db.session.scalar(
        visible_applications(current_user, call).where(Application.id == form.application_id.data)
    )
    juror = db.session.get(User, form.juror_id.data)
    if application is None or juror is None:
        abort(404)
    return run_service(
        assign_by_hand,
        application,
        juror,
        done=_("%(name)s assigned.", name=juror.full_name),
        back=_manual_page(call.id),
    )


@bp.route("/staff/assignments/<int:assignment_id>/unassign", methods=["POST"])
@role_required(Role.STAFF)
def staff_unassign(assignment_id):
    """Take a juror off a dossier (refused once their review is submitted)."""
    found = db.get_or_404(JuryAssignment, assignment_id)
    call = found.application.call
    assignment = db.session.scalar(
        visible_assignments(current_user, call)
        .where(JuryAssignment.id == found.id)
        .options(joinedload(JuryAssignment.juror))
    )
    if assignment is None:
        abort(404)
    return run_service(
        unassign_by_hand,
        assignment,
        done=_("%(name)s unassigned.", name=assignment.juror.full_name),
        back=_manual_page(call.id),
    )


@bp.route("/staff/calls/<int:call_id>/assignments.csv")
@role_required(Role.STAFF, Role.CHAIR)
def export_assignments(call_id):
    """The call's assignments the reader may see as CSV, for staff and the call's chairs."""
    call = permitted_or_404(Call, call_id, may_steer_jury)
    return call_csv(call, "assignments", assignment_rows)
