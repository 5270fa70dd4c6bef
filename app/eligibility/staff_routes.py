"""Staff's eligibility queue and the review of one dossier, rule by rule."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.applications.models import Application
from app.applications.services import ApplicationError, TransitionRefused
from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required, wants_page
from app.common.clock import BRUSSELS, utcnow
from app.eligibility import bp
from app.eligibility.models import EligibilityDecision, InformationRequest, RuleOutcome
from app.eligibility.rules import RULE_LABELS
from app.eligibility.services import (
    TO_CHECK,
    bulk_confirm,
    check_call,
    publish_decisions,
)
from app.extensions import db

SEVERITY = {"pass": 0, "needs_information": 1, "fail": 2}
PER_PAGE = 50


def _worst():
    severity = func.max(
        case(
            (RuleOutcome.outcome == "fail", 2),
            (RuleOutcome.outcome == "needs_information", 1),
            else_=0,
        )
    )
    return (
        select(RuleOutcome.application_id, severity.label("severity"))
        .group_by(RuleOutcome.application_id)
        .subquery()
    )


@bp.route("/staff/calls/<int:call_id>/eligibility")
@role_required(Role.STAFF)
def queue(call_id):
    """Dossiers waiting for a decision, with the rules' verdict; filterable."""
    call = db.get_or_404(Call, call_id)
    worst = _worst()
    base = (
        select(Application.id, worst.c.severity)
        .outerjoin(worst, worst.c.application_id == Application.id)
        .where(Application.call_id == call.id, Application.status.in_(TO_CHECK))
    )
    counts = {"pass": 0, "needs_information": 0, "fail": 0}
    for _id, severity in db.session.execute(base):
        counts[
            {0: "pass", 1: "needs_information", 2: "fail"}.get(severity, "needs_information")
        ] += 1
    wanted = request.args.get("verdict", "")
    if wanted in SEVERITY:
        base = base.where(worst.c.severity == SEVERITY[wanted])
    page_number = wants_page()
    ids = [
        row.id
        for row in db.session.execute(
            base.order_by(Application.number).limit(PER_PAGE).offset((page_number - 1) * PER_PAGE)
        )
    ]
    return render_template(
        "eligibility/queue.html",
        call=call,
        counts=counts,
        wanted=wanted,
        page_number=page_number,
        **_queue_rows(ids),
    )


def _queue_rows(ids: list[int]) -> dict:
    """Everything the queue shows for these dossiers, in four queries."""
    applications = db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(joinedload(Application.applicant))
        .order_by(Application.number)
    ).all()
    failing: dict[int, list[str]] = {}
    for application_id, rule, outcome in db.session.execute(
        select(RuleOutcome.application_id, RuleOutcome.rule, RuleOutcome.outcome).where(
            RuleOutcome.application_id.in_(ids), RuleOutcome.outcome != "pass"
        )
    ):
        failing.setdefault(application_id, []).append((rule, outcome))
    requests = {
        r.application_id: r
        for r in db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.application_id.in_(ids))
            .order_by(InformationRequest.id)
        )
    }
    proposals = set(
        db.session.scalars(
            select(EligibilityDecision.application_id).where(
                EligibilityDecision.application_id.in_(ids),
                EligibilityDecision.status == "proposed",
            )
        )
    )
    return {
        "applications": applications,
        "failing": failing,
        "requests": requests,
        "proposals": proposals,
        "rule_labels": RULE_LABELS,
        "today": utcnow().astimezone(BRUSSELS).date(),
    }


@bp.route("/staff/calls/<int:call_id>/eligibility/check", methods=["POST"])
@role_required(Role.STAFF)
def run_check(call_id):
    """Run the rules again on every dossier of the call."""
    call = db.get_or_404(Call, call_id)
    summary = check_call(call)
    db.session.commit()
    flash(
        _(
            "%(n)d dossiers checked: %(passed)d pass, %(failed)d fail, %(info)d need information.",
            n=summary.dossiers,
            passed=summary.passed,
            failed=summary.failed,
            info=summary.needs_information,
        ),
        "success",
    )
    return redirect(url_for("eligibility.queue", call_id=call.id))


def _all_pass(call):
    worst = _worst()
    return db.session.scalars(
        select(Application)
        .join(worst, worst.c.application_id == Application.id)
        .where(
            Application.call_id == call.id, Application.status == "submitted", worst.c.severity == 0
        )
        .options(joinedload(Application.applicant))
        .order_by(Application.number)
    ).all()


@bp.route("/staff/calls/<int:call_id>/eligibility/confirm", methods=["GET", "POST"])
@role_required(Role.STAFF)
def confirm_all_pass(call_id):
    """Declare eligible, after a confirmation naming them, every dossier whose rules pass."""
    call = db.get_or_404(Call, call_id)
    if request.method == "GET":
        return render_template(
            "eligibility/confirm_all.html", call=call, applications=_all_pass(call)
        )
    ids = request.form.getlist("application_id", type=int)
    try:
        count = bulk_confirm(call, ids, actor=current_user)
    except (ApplicationError, TransitionRefused) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("eligibility.confirm_all_pass", call_id=call.id))
    db.session.commit()
    flash(_("%(n)d dossiers declared eligible.", n=count), "success")
    return redirect(url_for("eligibility.queue", call_id=call.id))


@bp.route("/staff/calls/<int:call_id>/eligibility/publish", methods=["POST"])
@role_required(Role.STAFF)
def publish(call_id):
    """Let applicants see their eligibility outcome, and tell them by email."""
    call = db.get_or_404(Call, call_id)
    count = publish_decisions(call, actor=current_user)
    db.session.commit()
    flash(_("Decisions published: %(n)d applicants told.", n=count), "success")
    return redirect(url_for("eligibility.queue", call_id=call.id))
