"""Staff's eligibility pages: the queue of a call (verdicts, running the rules again,
confirming every dossier whose rules pass, publishing the decisions), and the review of
one dossier with its decisions (eligible, ineligible, or ask for information)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.policy import may_check_eligibility, role_required
from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.urls import wants_page
from app.common.views import form_errors, run_service
from app.documents.requirements import DOCUMENT_KINDS
from app.documents.wording import KIND_LABELS
from app.eligibility import bp
from app.eligibility.checks import check_call, outcomes_of
from app.eligibility.decision_forms import EligibleForm, IneligibleForm, ProposalForm, RequestForm
from app.eligibility.models import DecisionStatus, EligibilityDecision, last_request
from app.eligibility.queue import all_passing, queue
from app.eligibility.rule_sets import reason_of, rule_set, rule_titles
from app.eligibility.rules import FAIL
from app.eligibility.services import (
    bulk_confirm,
    cancel_proposal,
    confirm_ineligibility,
    declare_eligible,
    declare_ineligible,
    pending_proposal,
    publish_decisions,
    request_information,
)
from app.extensions import db


def _field_choices(application) -> list[tuple[str, object]]:
    """The answers staff may ask for again: the questions of the dossier's form."""
    return [(name, question.label) for name, question in application.form.questions.items()]


def _document_choices(application) -> list[tuple[str, object]]:
    """The documents staff may ask for again: those the dossier's form asks for."""
    kinds = {request.kind for request in application.form.documents}
    return [(kind, KIND_LABELS[kind]) for kind in DOCUMENT_KINDS if kind in kinds]


# The queue of a call -----------------------------------------------------------------


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


# One dossier ---------------------------------------------------------------------------


def _load(application_id: int) -> Application:
    application = db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.call),
            joinedload(Application.applicant),
            selectinload(Application.documents),
        )
    )
    if application is None or not may_check_eligibility(current_user, application):
        abort(404)
    return application


def _forms(application, outcomes):
    failing = [o.rule for o in outcomes if o.outcome == FAIL]
    ineligible = IneligibleForm(
        data={"version": application.version, "failed_rules": failing}, prefix="no"
    )
    titles = rule_titles(rule_set(application.call))
    ineligible.failed_rules.choices = [(o.rule, titles.get(o.rule, o.rule)) for o in outcomes]
    return {
        "eligible_form": EligibleForm(data={"version": application.version}, prefix="yes"),
        "ineligible_form": ineligible,
        "request_form": RequestForm(
            data={"version": application.version},
            prefix="ask",
            field_choices=_field_choices(application),
            document_choices=_document_choices(application),
        ),
    }


@bp.route("/staff/eligibility/<int:application_id>")
@role_required(Role.STAFF)
def review(application_id):
    """One dossier: rule results beside its documents and answers; the decisions."""
    application = _load(application_id)
    outcomes = outcomes_of(application)
    rules = rule_set(application.call)
    asked = last_request(application)
    return render_template(
        "eligibility/review.html",
        application=application,
        outcomes=outcomes,
        rule_labels=rule_titles(rules),
        reasons={outcome.rule: reason_of(rules, outcome) for outcome in outcomes},
        steps=application.form.steps,
        last_request=asked,
        changed=asked.changed_answers() if asked is not None else set(),
        proposal=pending_proposal(application),
        question_labels=dict(_field_choices(application)),
        document_labels=KIND_LABELS,
        **_forms(application, outcomes),
    )


def _decide(application, form, decide):
    """Run one decision posted with ``form``: back to the dossier with the reason when the
    form or the decision is refused (nothing kept), on to the queue when it is done."""
    back = url_for("eligibility.review", application_id=application.id)
    if not form.validate():
        flash(form_errors(form), "error")
        return redirect(back)
    return run_service(
        decide,
        application,
        done=lambda message: message,
        back=back,
        then=url_for("eligibility.queue", call_id=application.call_id),
    )


@bp.route("/staff/eligibility/<int:application_id>/eligible", methods=["POST"])
@role_required(Role.STAFF)
def decide_eligible(application_id):
    """Declare the dossier eligible (a justification when the rules disagree)."""
    form = EligibleForm(prefix="yes")

    def decide(application, *, actor):
        declare_eligible(
            application,
            actor=actor,
            justification=form.justification.data,
            expected_version=int(form.version.data or -1),
        )
        return _("%(reference)s declared eligible.", reference=application.reference)

    return _decide(_load(application_id), form, decide)


@bp.route("/staff/eligibility/<int:application_id>/ineligible", methods=["POST"])
@role_required(Role.STAFF)
def decide_ineligible(application_id):
    """Declare (or, with four eyes, propose) the dossier ineligible."""
    application = _load(application_id)
    form = IneligibleForm(prefix="no")
    form.failed_rules.choices = list(rule_titles(rule_set(application.call)).items())

    def decide(application, *, actor):
        decision = declare_ineligible(
            application,
            actor=actor,
            reason=form.reason.data or "",
            failed_rules=form.failed_rules.data or [],
            expected_version=int(form.version.data or -1),
        )
        if decision.status == DecisionStatus.PROPOSED:
            return _("Ineligibility proposed: another staff member must confirm it.")
        return _("%(reference)s declared ineligible.", reference=application.reference)

    return _decide(application, form, decide)


@bp.route("/staff/eligibility/<int:application_id>/request", methods=["POST"])
@role_required(Role.STAFF)
def ask_information(application_id):
    """Ask the applicant for named answers and documents by a date."""
    application = _load(application_id)
    form = RequestForm(
        prefix="ask",
        field_choices=_field_choices(application),
        document_choices=_document_choices(application),
    )

    def decide(application, *, actor):
        request_information(
            application,
            actor=actor,
            fields=form.fields.data or [],
            documents=form.documents.data or [],
            message=form.message.data,
            reply_by=form.reply_by.data,
            expected_version=int(form.version.data or -1),
        )
        return _("Information requested from the applicant.")

    return _decide(application, form, decide)


def _settle(decision_id, settle, said):
    """Confirm or cancel (``settle``) a proposed ineligibility, posted with its button;
    ``said(application)`` tells the person it is done. One settled meanwhile by someone
    else is refused by ``settle`` (409)."""
    decision = db.get_or_404(EligibilityDecision, decision_id)

    def decide(application, *, actor):
        settle(decision, actor=actor)
        return said(application)

    return _decide(_load(decision.application_id), ProposalForm(), decide)


@bp.route("/staff/eligibility/proposals/<int:decision_id>/confirm", methods=["POST"])
@role_required(Role.STAFF)
def confirm_proposal(decision_id):
    """Second staff member: confirm a proposed ineligibility."""
    return _settle(
        decision_id,
        confirm_ineligibility,
        lambda application: _(
            "%(reference)s declared ineligible.", reference=application.reference
        ),
    )


@bp.route("/staff/eligibility/proposals/<int:decision_id>/cancel", methods=["POST"])
@role_required(Role.STAFF)
def cancel(decision_id):
    """Withdraw a proposed ineligibility."""
    return _settle(decision_id, cancel_proposal, lambda _application: _("Proposal withdrawn."))
