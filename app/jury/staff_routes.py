"""Staff pages of the jury: its composition, conflicts, the assignment and its export."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.access import role_required, wants_page
from app.common.exports import csv_response
from app.common.views import perform
from app.extensions import db
from app.jury import bp
from app.jury.assignment_plans import loads_per_juror
from app.jury.conflicts import conflicts_of_call, record_conflict_by_staff, withdraw_conflict
from app.jury.exports import assignments as assignment_rows
from app.jury.forms import KIND_LABELS, AssignForm, MemberForm, RunAssignmentForm, StaffConflictForm
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember
from app.jury.services import (
    ASSIGNABLE_STATES,
    JURY_STATES,
    JuryError,
    add_member,
    assign_by_hand,
    assignments_of,
    jury_candidates,
    member_of,
    preview_assignment,
    remove_member,
    run_assignment,
    set_chair,
    unassign_by_hand,
)


def _member_or_404(call_id: int, member_id: int) -> JuryMember:
    member = db.session.get(JuryMember, member_id)
    if member is None or member.call_id != call_id:
        abort(404)
    return member


def _back(endpoint: str, call_id: int):
    return redirect(url_for(endpoint, call_id=call_id))


def _back_to_page(call_id: int):
    """The manual assignment page the form was posted from."""
    page = max(request.form.get("page", 1, type=int) or 1, 1)
    return redirect(url_for("jury.staff_assignments", call_id=call_id, page=page))


@bp.route("/staff/calls/<int:call_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_jury(call_id):
    """The jury of a call: its members with their loads, and a form to add one."""
    call = db.get_or_404(Call, call_id)
    form = MemberForm()
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.full_name} <{u.email}>") for u in jury_candidates(call)
    ]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        data = {"is_chair": form.is_chair.data, "languages": form.languages.data}
        if perform(
            add_member, call, user, data, done=_("%(name)s joined the jury.", name=user.full_name)
        ):
            return _back("jury.staff_jury", call.id)
    loads = loads_per_juror(call)
    return render_template("jury/staff_members.html", call=call, form=form, loads=loads)


@bp.route("/staff/calls/<int:call_id>/members/<int:member_id>/remove", methods=["POST"])
@role_required(Role.STAFF)
def staff_remove_member(call_id, member_id):
    """Take a member off the jury; their unstarted assignments are released."""
    member = _member_or_404(call_id, member_id)
    perform(remove_member, member, done=_("%(name)s left the jury.", name=member.user.full_name))
    return _back("jury.staff_jury", call_id)


@bp.route("/staff/calls/<int:call_id>/members/<int:member_id>/chair", methods=["POST"])
@role_required(Role.STAFF)
def staff_set_chair(call_id, member_id):
    """Make a member chair of the jury (``chair=1``), or a plain juror again."""
    member = _member_or_404(call_id, member_id)
    is_chair = request.form.get("chair") == "1"
    perform(set_chair, member, is_chair, done=_("Jury updated."))
    return _back("jury.staff_jury", call_id)


@bp.route("/staff/calls/<int:call_id>/conflicts", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_conflicts(call_id):
    """Every conflict declared on the call's dossiers, and a form to record a known one."""
    call = db.get_or_404(Call, call_id)
    form = StaffConflictForm()
    form.application_id.choices = _dossier_choices(call)
    form.juror_id.choices = [
        SelectChoice(m.user_id, m.user.full_name) for m, _n, _s in loads_per_juror(call)
    ]
    if form.validate_on_submit():
        application = db.session.get(Application, form.application_id.data)
        juror = db.session.get(User, form.juror_id.data)
        data = {"kind": form.kind.data, "note": form.note.data}
        if perform(
            record_conflict_by_staff, application, juror, data, done=_("Conflict recorded.")
        ):
            return _back("jury.staff_conflicts", call.id)
    rows = conflicts_of_call(call.id)
    return render_template(
        "jury/staff_conflicts.html", call=call, form=form, rows=rows, kinds=KIND_LABELS
    )


def _dossier_choices(call: Call) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Application.id, Application.reference, Application.answers)
        .where(Application.call_id == call.id, Application.status.in_(JURY_STATES))
        .order_by(Application.number)
    ).all()
    return [
        SelectChoice(i, f"{ref} · {(answers or {}).get('project_title', '')}")
        for i, ref, answers in rows
    ]


@bp.route("/staff/conflicts/<int:conflict_id>/withdraw", methods=["POST"])
@role_required(Role.STAFF)
def staff_withdraw_conflict(conflict_id):
    """Withdraw a conflict (the juror may be assigned the dossier again)."""
    conflict = db.get_or_404(ConflictOfInterest, conflict_id)
    call_id = db.session.get(Application, conflict.application_id).call_id
    perform(withdraw_conflict, conflict, done=_("Conflict withdrawn."))
    return _back("jury.staff_conflicts", call_id)


@bp.route("/staff/calls/<int:call_id>/assignment", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_assignment(call_id):
    """The automatic assignment: what it would do, a confirmation, then its summary."""
    call = db.get_or_404(Call, call_id)
    form = RunAssignmentForm()
    if form.validate_on_submit():
        summary = _run(call, form.prefer_language.data)
        if summary is not None and not summary.problems:
            return _back("jury.staff_assignment", call.id)
    preview = preview_assignment(call, prefer_language=form.prefer_language.data)
    loads = loads_per_juror(call)
    return render_template(
        "jury/staff_assignment.html", call=call, form=form, preview=preview, loads=loads
    )


def _run(call: Call, prefer_language: bool):
    try:
        summary = run_assignment(call, actor=current_user, prefer_language=prefer_language)
    except JuryError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    if summary.problems:
        db.session.rollback()
        flash(_("Nothing was assigned: some dossiers cannot get their jurors."), "error")
        return summary
    db.session.commit()
    for line in summary.lines():
        flash(line, "success")
    return summary


@bp.route("/staff/calls/<int:call_id>/assignments")
@role_required(Role.STAFF)
def staff_assignments(call_id):
    """Dossiers with their jurors, to assign and unassign by hand (paginated)."""
    call = db.get_or_404(Call, call_id)
    page = db.paginate(
        select(Application)
        .where(Application.call_id == call.id, Application.status.in_(ASSIGNABLE_STATES))
        .order_by(Application.number, Application.id),
        page=wants_page(),
        per_page=50,
        error_out=False,
    )
    assigned = assignments_of([application.id for application in page.items])
    members = loads_per_juror(call)
    return render_template(
        "jury/staff_assignments.html", call=call, page=page, assigned=assigned, members=members
    )


@bp.route("/staff/calls/<int:call_id>/assignments", methods=["POST"])
@role_required(Role.STAFF)
def staff_assign(call_id):
    """Assign one juror to one dossier by hand."""
    form = AssignForm()
    if not form.validate_on_submit():
        flash(_("Please choose a juror."), "error")
        return _back("jury.staff_assignments", call_id)
    application = db.session.get(Application, form.application_id.data)
    juror = db.session.get(User, form.juror_id.data)
    if application is None or application.call_id != call_id or juror is None:
        abort(404)
    perform(assign_by_hand, application, juror, done=_("%(name)s assigned.", name=juror.full_name))
    return _back_to_page(call_id)


@bp.route("/staff/assignments/<int:assignment_id>/unassign", methods=["POST"])
@role_required(Role.STAFF)
def staff_unassign(assignment_id):
    """Take a juror off a dossier (refused once their review is submitted)."""
    assignment = db.get_or_404(JuryAssignment, assignment_id)
    call_id, name = assignment.application.call_id, assignment.juror.full_name
    perform(unassign_by_hand, assignment, done=_("%(name)s unassigned.", name=name))
    return _back_to_page(call_id)


@bp.route("/staff/calls/<int:call_id>/assignments.csv")
@role_required(Role.STAFF, Role.CHAIR)
def export_assignments(call_id):
    """The call's assignments as CSV, for staff and the call's chairs."""
    call = db.get_or_404(Call, call_id)
    if not current_user.has_role(Role.STAFF):
        member = member_of(call.id, current_user.id)
        if member is None or not member.is_chair:
            abort(404)
    header, rows = assignment_rows(call)
    return csv_response(f"{call.reference}-assignments.csv", header, rows)
