"""Staff's eligibility queue of a call: the verdicts, running the rules again,
confirming every dossier whose rules pass, publishing the decisions."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import role_required
from app.auth.models import Role
from app.calls.models import Call
from app.common.urls import wants_page
from app.common.views import run_service
from app.eligibility import bp
from app.eligibility.checks import check_call
from app.eligibility.queue import all_passing, queue
from app.eligibility.services import bulk_confirm, publish_decisions
from app.extensions import db


def _queue_url(call: Call) -> str:
    return url_for("eligibility.queue", call_id=call.id)


@bp.route("/staff/calls/<int:call_id>/eligibility", endpoint="queue")
@role_required(Role.STAFF)
def queue_page(call_id):
    """Dossiers waiting for a decision, with the rules' verdict; filterable."""
    call = db.get_or_404(Call, call_id)
    shown = queue(current_user, call, request.args.get("verdict", ""), wants_page())
    return render_template("eligibility/queue.html", call=call, **shown)


def _rerun(call: Call, *, actor) -> str:
    """Run the rules again (they decide nothing: no audit row); say what they found."""
    summary = check_call(call)
    return _(
        "%(n)d dossiers checked: %(passed)d pass, %(failed)d fail, %(info)d need information.",
        n=summary.dossiers,
        passed=summary.passed,
        failed=summary.failed,
        info=summary.needs_information,
    )


@bp.route("/staff/calls/<int:call_id>/eligibility/check", methods=["POST"])
@role_required(Role.STAFF)
def run_check(call_id):
    """Run the rules again on every dossier of the call."""
    call = db.get_or_404(Call, call_id)
    return run_service(_rerun, call, done=lambda message: message, back=_queue_url(call))


@bp.route("/staff/calls/<int:call_id>/eligibility/confirm", methods=["GET", "POST"])
@role_required(Role.STAFF)
def confirm_all_pass(call_id):
    """Declare eligible, after a confirmation naming them, every dossier whose rules pass."""
    call = db.get_or_404(Call, call_id)
    if request.method == "GET":
        return render_template(
            "eligibility/confirm_all.html", call=call, applications=all_passing(current_user, call)
        )
    return run_service(
        bulk_confirm,
        call,
        request.form.getlist("application_id", type=int),
        done=lambda count: _("%(n)d dossiers declared eligible.", n=count),
        back=url_for("eligibility.confirm_all_pass", call_id=call.id),
        then=_queue_url(call),
    )


@bp.route("/staff/calls/<int:call_id>/eligibility/publish", methods=["POST"])
@role_required(Role.STAFF)
def publish(call_id):
    """Let applicants see their eligibility outcome, and tell them by email."""
    call = db.get_or_404(Call, call_id)
    return run_service(
        publish_decisions,
        call,
        done=lambda count: _("Decisions published: %(n)d applicants told.", n=count),
        back=_queue_url(call),
    )
