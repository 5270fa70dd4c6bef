"""The public eligibility self-check of a call."""

from flask import abort, render_template, request
from sqlalchemy import select

from app.application_forms.versions import call_form
from app.calls.models import Call
from app.common.clock import BRUSSELS, utcnow
from app.eligibility import bp
from app.eligibility.conditions import evaluate_rules
from app.eligibility.forms import asked_questions, facts, self_check_form
from app.eligibility.rule_sets import reason_of, rule_set, rule_titles
from app.eligibility.rules import Context, verdict
from app.extensions import db


@bp.route("/calls/<reference>/self-check")
def self_check(reference):
    """Answer the questions the call's rules look at and see, rule by rule, whether you
    seem eligible."""
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        abort(404)
    rules = rule_set(call)
    questions = asked_questions(rules, call_form(call))
    form = self_check_form(questions, request.args)
    results = None
    if request.args and form.validate():
        context = Context(
            closing_date=call.closes_at.astimezone(BRUSSELS).date(),
            application_date=utcnow().astimezone(BRUSSELS).date(),
        )
        results = evaluate_rules(rules, facts(form, questions), context)
    return render_template(
        "eligibility/self_check.html",
        call=call,
        form=form,
        questions=questions,
        results=results,
        verdict=verdict(results) if results else None,
        rule_labels=rule_titles(rules),
        reasons={r.rule: reason_of(rules, r) for r in results or []},
    )
