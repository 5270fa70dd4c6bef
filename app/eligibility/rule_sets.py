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
from dataclasses import replace
from functools import cache

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.application_forms.definition import DocumentRequest, Form, reader_language
from app.application_forms.versions import call_form, default_form
from app.applications.questions import call_template
from app.auth.models import User
from app.calls.models import DEFAULT_ELIGIBILITY, Call
from app.common.errors import Refusal
from app.eligibility.conditions import RuleSet, load_rules, render, validate_rules
from app.eligibility.names import readable_values
from app.eligibility.rules import RuleResult
from app.events import Event, announce
from app.extensions import db

#: The template whose rules a call without its own rule set uses.
DEFAULT_TEMPLATE = "mbi"


@cache
def _template_rules() -> dict:
    eligibility = call_template(DEFAULT_TEMPLATE)["eligibility"]
    return {"default_language": eligibility["default_language"], "rules": eligibility["rules"]}


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
    """The call's rules, checked and ready to judge, with its form's questions (how the
    values its reasons cite are written)."""
    form = call_form(call)
    definition = (
        call.eligibility_rules
        if call.eligibility_rules is not None
        else rules_from_parameters(call.eligibility, form)
    )
    return replace(load_rules(definition), questions=dict(form.questions))


def rule_titles(rules: RuleSet) -> dict[str, LazyString]:
    """Each rule's title, read in the reader's language (the rule set's default else)."""
    return {rule["name"]: LazyString(_title, rules, rule["name"]) for rule in rules.rules}


def _title(rules: RuleSet, name: str) -> str:
    return rules.title(name, reader_language(rules.default_language))


def reason_of(rules: RuleSet, outcome) -> str:
    """What a stored outcome (or a fresh result) says, in the reader's language: the
    rule set's text of that reason, else the catalogue's (a reason the rules no longer
    give reads as it was stored); countries, languages, choices and documents it cites
    by their names in that language (app.eligibility.names)."""
    language = reader_language(rules.default_language)
    values = readable_values(rules.rule(outcome.rule), outcome.values, rules.questions, language)
    texts = rules.texts_for(outcome.rule, outcome.template)
    if texts is None:
        return str(RuleResult(outcome.rule, outcome.outcome, outcome.template, values).reason)
    text = texts.get(language) or texts.get(rules.default_language) or outcome.template
    return render(text, values, language)


@cache
def default_rule_set() -> RuleSet:
    """The default template's rules with the default parameters (demo letters)."""
    form = default_form()
    return replace(load_rules(rules_from_parameters({}, form)), questions=dict(form.questions))


class RulesError(Refusal):
    """A rule set that cannot be saved; ``problems`` name each with its path."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def save_rules(call: Call, data: dict, *, actor: User) -> None:
    """Make ``data`` the call's own rule set (checked whole against the call's form);
    announced as ``eligibility_rules_edited`` with the rules' names before and after.

    Raises RulesError naming every problem with its path; nothing is saved then.
    """
    problems = validate_rules(data, set(call_form(call).questions))
    if problems:
        listed = "; ".join(str(problem) for problem in problems)
        raise RulesError(
            _l("The rules cannot be saved as they are: %(problems)s", problems=listed), problems
        )
    before = [rule["name"] for rule in rules_definition(call)["rules"]]
    if data == rules_definition(call):
        raise RulesError(_l("Nothing changed in the rules."))
    call.eligibility_rules = copy.deepcopy(data)
    announce(
        Event.ELIGIBILITY_RULES_EDITED,
        actor=actor,
        subject=call,
        call_id=call.id,
        data={"before": before, "after": [rule["name"] for rule in data["rules"]]},
    )
    db.session.flush()


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
