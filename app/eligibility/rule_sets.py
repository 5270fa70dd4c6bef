"""Which eligibility rules a call judges its dossiers by: one engine, rules as data.

A call's rules are its own rule set (``Call.eligibility_rules``, written by staff in
the rules editor or imported with the call) or, until it has one, the default
template's rules (MBI's, app/calls/call_templates/mbi.json) with the call's simple
parameters (``Call.eligibility``: minimum age, nationalities, residence, languages,
company age, ownership; the call's edit page) put in their places and the documents
its form requires (:func:`rules_from_parameters`, :func:`documents_condition`). Either
way the rules are judged by app.eligibility.conditions; each call's loaded set is kept
per process until the call changes (:func:`rule_set`).
"""

from __future__ import annotations

import copy
from functools import cache

from app.application_forms.definition import DocumentRequest, Form
from app.application_forms.versions import call_form
from app.applications.questions import call_template
from app.calls.models import DEFAULT_ELIGIBILITY, Call
from app.eligibility.conditions import RuleSet, load_rules

#: The template whose rules a call without its own rule set uses.
DEFAULT_TEMPLATE = "mbi"


@cache
def _template_rules() -> dict:
    return call_template(DEFAULT_TEMPLATE)["eligibility"]


def _rule(rules: list[dict], name: str) -> dict:
    return next(rule for rule in rules if rule["name"] == name)


def rules_from_parameters(parameters: dict, form: Form) -> dict:
    """The default template's rules with these simple parameters in their places (a
    parameter not given keeps the template's value) and the documents rule asking what
    ``form`` requires."""
    given = {**DEFAULT_ELIGIBILITY, **(parameters or {})}
    data = copy.deepcopy(_template_rules())
    rules = data["rules"]
    _rule(rules, "minimum_age")["condition"]["years"] = given["minimum_age"]
    nationality = _rule(rules, "nationality")["condition"]["all"]
    nationality[0]["values"] = list(given["accepted_nationalities"])
    if not given["belgian_nationals_need_moroccan_ties"]:
        del nationality[1:]
    residence = _rule(rules, "residence")["condition"]
    residence["years"] = given["residence_min_years"]
    residence["window"] = given["residence_window_years"]
    _rule(rules, "language")["condition"]["values"] = list(given["accepted_languages"])
    documents = documents_condition(form)
    if documents["all"]:
        _rule(rules, "documents")["condition"] = documents
    else:  # the form requires no document: nothing to check
        rules.remove(_rule(rules, "documents"))
    _rule(rules, "company_age")["condition"]["years"] = given["company_max_age_years"]
    _rule(rules, "ownership")["condition"]["value"] = given["ownership_min_percent"]
    return data


def rules_definition(call: Call) -> dict:
    """The call's rules as data (what the editor shows and the export writes)."""
    if call.eligibility_rules is not None:
        return call.eligibility_rules
    return rules_from_parameters(call.eligibility, call_form(call))


def rule_set(call: Call) -> RuleSet:
    """The call's rules, checked and ready to judge."""
    return load_rules(rules_definition(call))


def documents_condition(form: Form) -> dict:
    """The documents rule's condition for ``form``: each document it requires of
    everyone present, then those it requires on a condition, grouped by condition, each
    group applying only when its condition holds."""
    required = [request for request in form.documents if request.required]
    condition = {"all": [_present(r) for r in required if r.condition is None]}
    groups: dict = {}
    for request in required:
        if request.condition is not None:
            groups.setdefault(request.condition, []).append(_present(request))
    for when, present in groups.items():
        condition["all"].append({"all": present, "applies_if": _holds(when, form)})
    return condition


def _present(request: DocumentRequest) -> dict:
    return {"op": "document_present", "kind": request.kind}


def _holds(when, form: Form) -> dict:
    """The form's condition ``when`` written as an eligibility condition."""
    question = form.questions.get(when.question)
    if len(when.values) == 1 and (question is None or question.kind != "multi"):
        return {"op": "equals", "question": when.question, "value": when.values[0]}
    return {"op": "one_of", "question": when.question, "values": list(when.values)}
