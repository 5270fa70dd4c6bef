"""The public eligibility self-check of a call."""

from flask import abort, render_template, request
from sqlalchemy import select

from app.calls.models import DEFAULT_ELIGIBILITY, Call
from app.common.clock import BRUSSELS, utcnow
from app.eligibility import bp
from app.eligibility.forms import SelfCheckForm
from app.eligibility.rules import RULE_LABELS, Context, evaluate, verdict
from app.extensions import db


@bp.route("/calls/<reference>/self-check")
def self_check(reference):
    """Answer a few questions and see, rule by rule, whether you seem eligible."""
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        abort(404)
    form = SelfCheckForm(request.args)
    results = None
    if request.args and form.validate():
        context = Context(
            closing_date=call.closes_at.astimezone(BRUSSELS).date(),
            application_date=utcnow().astimezone(BRUSSELS).date(),
        )
        results = evaluate(form.facts(), {**DEFAULT_ELIGIBILITY, **call.eligibility}, context)
    return render_template(
        "eligibility/self_check.html",
        call=call,
        form=form,
        results=results,
        verdict=verdict(results) if results else None,
        rule_labels=RULE_LABELS,
    )
