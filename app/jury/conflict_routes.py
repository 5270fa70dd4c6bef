"""The juror's declaration of conflicts of interest, before they see any dossier."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required
from app.extensions import db
from app.jury import bp
from app.jury.conflicts import (
    FLAGGED,
    REMOVED,
    declare_conflict,
    dossiers_for_declaration,
    find_conflict,
    withdraw_conflict,
)
from app.jury.forms import KIND_LABELS, ConflictForm
from app.jury.services import JURY_STATES, JuryError, member_of

OUTCOMES = {
    REMOVED: _l("Your assignment to this dossier is removed."),
    FLAGGED: _l("Your submitted review stays on record; the dossier gets another juror."),
}


def _call_of_member(call_id: int) -> Call:
    """The call, if the current user is on its jury; 404 otherwise."""
    call = db.get_or_404(Call, call_id)
    if member_of(call.id, current_user.id) is None:
        abort(404)
    return call


def _dossier_or_404(call: Call, dossier_id: int) -> Application:
    application = db.session.get(Application, dossier_id)
    if application is None or application.call_id != call.id:
        abort(404)
    if application.status not in JURY_STATES:
        abort(404)
    return application


@bp.route("/calls/<int:call_id>/conflicts")
@role_required(Role.JUROR, Role.CHAIR)
def conflicts(call_id):
    """The call's dossiers by applicant, project and region only, to declare conflicts."""
    call = _call_of_member(call_id)
    rows = dossiers_for_declaration(call.id, current_user.id)
    return render_template(
        "jury/conflicts.html", call=call, rows=rows, kinds=KIND_LABELS, form=ConflictForm()
    )


@bp.route("/calls/<int:call_id>/conflicts/<int:dossier_id>", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def declare_my_conflict(call_id, dossier_id):
    """Declare, or change, a conflict with one dossier."""
    call = _call_of_member(call_id)
    application = _dossier_or_404(call, dossier_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("jury.conflicts", call_id=call.id))
    try:
        outcome = declare_conflict(
            application, {"kind": form.kind.data, "note": form.note.data}, actor=current_user
        )
    except JuryError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("jury.conflicts", call_id=call.id))
    db.session.commit()
    flash(f"{_('Conflict recorded.')} {OUTCOMES.get(outcome, '')}".strip(), "success")
    return redirect(url_for("jury.conflicts", call_id=call.id))


@bp.route("/calls/<int:call_id>/conflicts/<int:dossier_id>/withdraw", methods=["POST"])
@role_required(Role.JUROR, Role.CHAIR)
def withdraw_my_conflict(call_id, dossier_id):
    """Withdraw one's own declaration of a conflict."""
    call = _call_of_member(call_id)
    application = _dossier_or_404(call, dossier_id)
    conflict = find_conflict(application.id, current_user.id)
    if conflict is None:
        abort(404)
    try:
        withdraw_conflict(conflict, actor=current_user)
    except JuryError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Conflict withdrawn."), "success")
    return redirect(url_for("jury.conflicts", call_id=call.id))
