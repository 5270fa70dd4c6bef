"""Conflicts of interest: a juror declares theirs before seeing any dossier; staff see
the call's conflicts, record those they know of and withdraw them."""

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from app.access.policy import role_required, sits_on_jury
from app.access.scopes import dossiers_to_declare, visible_applications, visible_conflicts
from app.applications.models import Application
from app.auth.models import Role, User
from app.calls.models import Call
from app.common.views import form_page, run_posted, run_service
from app.extensions import db
from app.jury import bp
from app.jury.assignment_plans import loads_per_juror
from app.jury.conflicts import (
    FLAGGED,
    REMOVED,
    conflicts_of_call,
    declare_conflict,
    dossiers_for_declaration,
    record_conflict_by_staff,
    withdraw_conflict,
)
from app.jury.conflicts import confirm_no_other_conflict as confirm_none_other
from app.jury.forms import KIND_LABELS, ConflictForm, StaffConflictForm
from app.jury.models import ConflictOfInterest
from app.jury.queries import conflicts_confirmation
from workflows.application import JURY_STATES

OUTCOMES = {
    REMOVED: _l("Your assignment to this dossier is removed."),
    FLAGGED: _l("Your submitted review stays on record; the dossier gets another juror."),
}


def _call_of_member(call_id: int) -> Call:
    """The call, if the current user is on its jury; 404 otherwise."""
    call = db.get_or_404(Call, call_id)
    if not sits_on_jury(current_user, call.id):
        abort(404)
    return call


def _dossier_to_declare(call: Call, dossier_id: int) -> Application:
    """A dossier of the call before the jury; 404 otherwise."""
    application = db.session.scalar(
        dossiers_to_declare(current_user, call).where(Application.id == dossier_id)
    )
    if application is None:
        abort(404)
    return application


def _withdraw(call: Call, *where, back: str):
    """Withdraw the conflict of ``call`` that meets ``where``, if the reader may see it
    (404 otherwise), then go ``back``."""
    conflict = db.session.scalar(visible_conflicts(current_user, call).where(*where))
    if conflict is None:
        abort(404)
    return run_service(withdraw_conflict, conflict, done=_("Conflict withdrawn."), back=back)


def _declared(outcome: str) -> str:
    return " ".join(filter(None, [_("Conflict recorded."), str(OUTCOMES.get(outcome, ""))]))


# Jurors ---------------------------------------------------------------------------------


@bp.route("/calls/<int:call_id>/conflicts")
@role_required(Role.JUROR, Role.CHAIR)
def conflicts(call_id):
    """The call's dossiers by applicant, project and region only, to declare conflicts."""
    call = _call_of_member(call_id)
    rows = dossiers_for_declaration(current_user, call)
    confirmed_at, new_since = conflicts_confirmation(call, current_user)
    return render_template(
        "jury/conflicts.html",
        call=call,
        rows=rows,
        kinds=KIND_LABELS,
        form=ConflictForm(),
        confirmed_at=confirmed_at,
        new_since=new_since,
    )


@bp.route("/calls/<int:call_id>/conflicts/none-other", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def confirm_no_other_conflict(call_id):
    """Declare having no conflict with the call's other dossiers."""
    call = _call_of_member(call_id)
    return run_service(
        confirm_none_other,
        call,
        done=_("Recorded: you have no other conflict of interest with the dossiers of this call."),
        back=url_for("jury.conflicts", call_id=call.id),
        then=url_for("jury.home"),
    )


@bp.route("/calls/<int:call_id>/conflicts/<int:dossier_id>", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def declare_my_conflict(call_id, dossier_id):
    """Declare, or change, a conflict with one dossier."""
    call = _call_of_member(call_id)
    application = _dossier_to_declare(call, dossier_id)
    form = ConflictForm()
    return run_posted(
        form,
        declare_conflict,
        application,
        {"kind": form.kind.data, "note": form.note.data},
        done=_declared,
        back=url_for("jury.conflicts", call_id=call.id),
    )


@bp.route("/calls/<int:call_id>/conflicts/<int:dossier_id>/withdraw", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def withdraw_my_conflict(call_id, dossier_id):
    """Withdraw one's own declaration of a conflict."""
    call = _call_of_member(call_id)
    application = _dossier_to_declare(call, dossier_id)
    return _withdraw(
        call,
        ConflictOfInterest.application_id == application.id,
        ConflictOfInterest.juror_id == current_user.id,
        back=url_for("jury.conflicts", call_id=call.id),
    )


# Staff ----------------------------------------------------------------------------------


def _staff_conflicts_page(call: Call, form, refused: str | None = None):
    """The call's conflicts the reader may see, and the form to record one."""
    return form_page(
        "jury/staff_conflicts.html",
        refused,
        call=call,
        form=form,
        rows=conflicts_of_call(current_user, call),
        kinds=KIND_LABELS,
    )


def _staff_conflict_form(call: Call) -> StaffConflictForm:
    form = StaffConflictForm()
    dossiers = db.session.scalars(
        visible_applications(current_user, call)
        .where(Application.status.in_(JURY_STATES))
        .order_by(Application.number)
    )
    form.application_id.choices = [
        SelectChoice(dossier.id, f"{dossier.reference} · {dossier.title}") for dossier in dossiers
    ]
    form.juror_id.choices = [
        SelectChoice(member.user_id, member.user.full_name)
        for member, _load, _done in loads_per_juror(call)
    ]
    return form


@bp.route("/staff/calls/<int:call_id>/conflicts", methods=["GET", "POST"])
@role_required(Role.STAFF)
def staff_conflicts(call_id):
    """Every conflict declared on the call's dossiers, and a form to record a known one."""
    call = db.get_or_404(Call, call_id)
    form = _staff_conflict_form(call)
    if not form.validate_on_submit():
        return _staff_conflicts_page(call, form)
    application = db.get_or_404(Application, form.application_id.data)
    juror = db.get_or_404(User, form.juror_id.data)
    return run_service(
        record_conflict_by_staff,
        application,
        juror,
        {"kind": form.kind.data, "note": form.note.data},
        done=_("Conflict recorded."),
        then=url_for("jury.staff_conflicts", call_id=call.id),
        refused=lambda message: _staff_conflicts_page(call, form, message),
    )


@bp.route("/staff/conflicts/<int:conflict_id>/withdraw", methods=["POST"])
@role_required(Role.STAFF)
def staff_withdraw_conflict(conflict_id):
    """Withdraw a conflict (the juror may be assigned the dossier again)."""
    found = db.get_or_404(ConflictOfInterest, conflict_id)
    call = db.session.get(Application, found.application_id).call
    return _withdraw(
        call,
        ConflictOfInterest.id == found.id,
        back=url_for("jury.staff_conflicts", call_id=call.id),
    )
