"""The rules editor: staff write a call's eligibility rules in the browser (no script
needed): a rule of one condition in a form, any rule as data (JSON); each save is
checked whole against the call's form, with every problem named by its path."""

import copy
import json

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from app.access.policy import role_required
from app.application_forms.versions import call_form
from app.auth.models import Role
from app.calls.models import Call
from app.common.views import form_page, run_service
from app.documents.requirements import DOCUMENT_KINDS
from app.documents.wording import KIND_LABELS
from app.eligibility import bp
from app.eligibility.forms import SIMPLE_OPERATORS, RuleForm, RulesDataForm
from app.eligibility.rule_sets import rule_set, rule_titles, rules_definition, save_rules
from app.extensions import db


def _rules_url(call: Call) -> str:
    return url_for("eligibility.edit_rules", call_id=call.id)


def _save(call: Call, data: dict, done: str, refused):
    return run_service(
        save_rules,
        call,
        data,
        done=done,
        back=_rules_url(call),
        then=_rules_url(call),
        refused=refused,
    )


@bp.route("/staff/calls/<int:call_id>/rules")
@role_required(Role.STAFF)
def edit_rules(call_id):
    """The call's rules: each one's condition and what it does when not met."""
    call = db.get_or_404(Call, call_id)
    rules = rule_set(call)
    return render_template(
        "eligibility/rules.html",
        call=call,
        rules=rules_definition(call)["rules"],
        titles=rule_titles(rules),
        own=call.eligibility_rules is not None,
        simple=SIMPLE_OPERATORS,
    )


def _rule_page(call, form, name, refused=None):
    return form_page("eligibility/rule.html", refused, call=call, form=form, name=name)


@bp.route("/staff/calls/<int:call_id>/rules/new", methods=["GET", "POST"])
@bp.route("/staff/calls/<int:call_id>/rules/<rule>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_rule(call_id, rule=None):
    """Add a rule of one condition, or change one."""
    call, name = db.get_or_404(Call, call_id), rule
    data = copy.deepcopy(rules_definition(call))
    index = next((i for i, each in enumerate(data["rules"]) if each["name"] == name), None)
    if name is not None and index is None:
        abort(404)
    form = RuleForm()
    form.offer(
        list(call_form(call).questions.values()), [(k, KIND_LABELS[k]) for k in DOCUMENT_KINDS]
    )
    if request.method == "GET" and index is not None:
        if data["rules"][index]["condition"].get("op") not in SIMPLE_OPERATORS:
            return render_template("eligibility/rule_complex.html", call=call, name=name)
        form.from_data(data["rules"][index])
    if not form.validate_on_submit():
        return _rule_page(call, form, name)
    written = form.data_of()
    if index is None:
        data["rules"].append(written)
    else:
        data["rules"][index] = written
    return _save(
        call, data, _("Rule saved."), refused=lambda message: _rule_page(call, form, name, message)
    )


@bp.route("/staff/calls/<int:call_id>/rules/<rule>/remove", methods=["POST"])
@role_required(Role.STAFF)
def remove_rule(call_id, rule):
    """Remove one rule (a button of the rules page)."""
    call = db.get_or_404(Call, call_id)
    data = copy.deepcopy(rules_definition(call))
    kept = [each for each in data["rules"] if each["name"] != rule]
    if len(kept) == len(data["rules"]):
        abort(404)
    return _save(call, {**data, "rules": kept}, _("Rule removed."), refused=None)


def _data_page(call, form, refused=None):
    return form_page("eligibility/rules_data.html", refused, call=call, form=form)


@bp.route("/staff/calls/<int:call_id>/rules/data", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_rules_data(call_id):
    """Every rule as data (JSON): for rules of several conditions (all, any)."""
    call = db.get_or_404(Call, call_id)
    form = RulesDataForm()
    if request.method == "GET":
        form.data.data = json.dumps(rules_definition(call), ensure_ascii=False, indent=2)
    if not form.validate_on_submit():
        return _data_page(call, form)
    try:
        data = json.loads(form.data.data)
    except ValueError as error:
        return _data_page(call, form, _("This is not JSON: %(error)s", error=str(error)))
    if not isinstance(data, dict):
        return _data_page(call, form, _('The rules are an object with "rules" in it.'))
    return _save(
        call, data, _("Rules saved."), refused=lambda message: _data_page(call, form, message)
    )
