"""The documents a call asks for are part of its form, and a form marks the questions
generic code reads (the dossier's title, the date of birth, the dashboard's breakdowns):
each read and checked with its problems named by their path."""

import copy
import importlib.util
from datetime import date
from pathlib import Path

import pytest

from app.application_forms.definition import Condition
from app.application_forms.reader import DefinitionError, read_form
from app.application_forms.services import save_form
from app.application_forms.versions import current_definition, default_form
from app.applications.questions import call_template
from app.auth.models import Role
from app.eligibility.conditions import evaluate_rules
from app.eligibility.rule_sets import rule_set
from app.eligibility.rules import NEEDS_INFORMATION, PASS, Context
from app.extensions import db
from tests.applications.test_form_definition import _small_form


def _form(**changes) -> dict:
    definition = copy.deepcopy(_small_form())
    definition["steps"][1]["documents"] = True
    definition.update(changes)
    return definition


def test_mbi_asks_its_documents_of_everyone_and_of_a_company():
    form = default_form()
    everyone = [r.kind for r in form.documents if r.condition is None]
    company = [r.kind for r in form.documents if r.condition == Condition("stage", ("company",))]
    assert everyone == ["identity", "cv", "business_plan", "criminal_record"]
    assert company == ["trade_register_certificate", "statutes", "balance_sheets"]
    assert form.title_question == "project_title" and form.birth_date_question == "birth_date"
    assert [q.name for q in form.breakdown_questions()] == [
        "gender",
        "sector",
        "moroccan_region",
        "channel",
    ]


def test_a_form_lists_its_documents_with_conditions_and_optional_ones():
    form = read_form(
        _form(
            documents=[
                {"kind": "cv"},
                {"kind": "statutes", "show_if": {"question": "kind", "equals": "b"}},
                {"kind": "identity", "required": False},
            ]
        )
    )
    cv, statutes, identity = form.documents
    assert cv.required and cv.applies({})
    assert statutes.applies({"kind": "b"}) and not statutes.applies({"kind": "a"})
    assert not identity.required


@pytest.mark.parametrize(
    ("documents", "path", "words"),
    [
        ([{"kind": "passport"}], "form.documents[0].kind", "unknown kind 'passport'"),
        ([{"kind": "cv"}, {"kind": "cv"}], "form.documents[1].kind", "'cv' is listed twice"),
        (
            [{"kind": "cv", "show_if": {"question": "stage", "equals": "company"}}],
            "form.documents[0].show_if.question",
            "'stage' is not a question of this form",
        ),
        (
            [{"kind": "cv", "show_if": {"question": "kind", "equals": "z"}}],
            "form.documents[0].show_if.equals",
            "'z' is not a choice of 'kind'",
        ),
        ([{"kind": "cv", "required": "yes"}], "form.documents[0].required", "true or false"),
        ({"kind": "cv"}, "form.documents", "a list"),
    ],
)
def test_a_wrong_document_is_refused_with_its_path(documents, path, words):
    with pytest.raises(DefinitionError) as refused:
        read_form(_form(documents=documents))
    assert any(where == path and words in what for where, what in refused.value.problems), (
        refused.value.problems
    )


def test_documents_need_a_step_to_upload_them():
    definition = _form(documents=[{"kind": "cv"}])
    definition["steps"][1].pop("documents")
    with pytest.raises(DefinitionError) as refused:
        read_form(definition)
    assert refused.value.problems == [
        ("form.documents", 'no step uploads them: mark one with "documents": true')
    ]


def _marked(index: int, **marks) -> dict:
    definition = _form()
    definition["steps"][0]["questions"][index].update(marks)
    return definition


def test_marks_name_the_title_and_the_breakdowns():
    form = read_form(_marked(1, title=True))
    assert form.title_question == "detail" and form.birth_date_question is None
    form = read_form(_marked(0, breakdown={"title": {"en": "By kind", "fr": "Par type"}}))
    (question,) = form.breakdown_questions()
    assert question.name == "kind" and str(question.breakdown.title) == "By kind"
    assert question.breakdown.column is None


@pytest.mark.parametrize(
    ("index", "marks", "path", "words"),
    [
        (0, {"title": True}, "form.steps[0].questions[0].title", "only a 'short_text'"),
        (1, {"birth_date": True}, "form.steps[0].questions[1].birth_date", "only a 'date'"),
        (1, {"breakdown": True}, "form.steps[0].questions[1].breakdown", "only a one-choice"),
        (0, {"breakdown": {"colour": "red"}}, "form.steps[0].questions[0].breakdown.colour", ""),
        (1, {"title": "yes"}, "form.steps[0].questions[1].title", "true or false"),
    ],
)
def test_a_wrong_mark_is_refused_with_its_path(index, marks, path, words):
    with pytest.raises(DefinitionError) as refused:
        read_form(_marked(index, **marks))
    assert any(where == path and words in what for where, what in refused.value.problems), (
        refused.value.problems
    )


def test_only_one_question_is_the_title():
    definition = _marked(1, title=True)
    definition["steps"][0]["questions"].append(
        {"name": "other", "type": "short_text", "label": "Other", "title": True}
    )
    with pytest.raises(DefinitionError) as refused:
        read_form(definition)
    assert refused.value.problems == [
        ("form.steps[0].questions[2].title", "'detail' is marked title already")
    ]


def _save(call, make_user, change) -> None:
    definition = copy.deepcopy(current_definition(call))
    change(definition)
    save_form(call, definition, actor=make_user(Role.STAFF))
    db.session.commit()


def _questions(definition: dict):
    return (q for step in definition["steps"] for q in step.get("questions", []))


def test_the_eligibility_documents_rule_asks_what_the_form_requires(make_call, make_user):
    call = make_call()

    def ask(definition):
        definition["documents"] = [
            {"kind": "business_plan"},
            {"kind": "statutes", "show_if": {"question": "stage", "equals": "company"}},
            {"kind": "cv", "required": False},
        ]

    _save(call, make_user, ask)
    rules = rule_set(call)
    context = Context(date(2026, 3, 31), date(2026, 3, 1))

    def documents_rule(facts):
        return next(r for r in evaluate_rules(rules, facts, context) if r.rule == "documents")

    assert documents_rule({"stage": "idea", "documents": ["business_plan"]}).outcome == PASS
    company = documents_rule({"stage": "company", "documents": ["business_plan"]})
    assert company.outcome == NEEDS_INFORMATION and company.values == {"missing": "statutes"}

    _save(call, make_user, lambda definition: definition.update(documents=[]))
    assert "documents" not in {rule["name"] for rule in rule_set(call).rules}


def test_a_dossier_is_named_by_its_forms_title_question(make_call, make_application, make_user):
    call = make_call()
    application = make_application(call=call)
    assert application.title == application.answers["project_title"]

    def retitle(definition):
        for question in _questions(definition):
            question.pop("title", None)
            if question["name"] == "summary":
                question.update(type="short_text", title=True)

    _save(call, make_user, retitle)
    application.form_version_id = call.form_version_id
    assert application.title == application.answers["summary"]

    def untitle(definition):
        for question in _questions(definition):
            question.pop("title", None)

    _save(call, make_user, untitle)
    application.form_version_id = call.form_version_id
    assert application.title == ""


def test_forms_stored_before_get_what_they_meant(app):
    """Migration 0018 gives a form version written before documents and marks were part
    of the form exactly MBI's documents and marks (its call's documents, if its own)."""
    path = Path(app.root_path).parent / "migrations/versions/0018_form_documents.py"
    spec = importlib.util.spec_from_file_location("form_documents", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    today = call_template("mbi")["form"]
    before = copy.deepcopy(today)
    del before["documents"]
    for question in _questions(before):
        for mark in ("title", "birth_date", "breakdown"):
            question.pop(mark, None)
    assert migration.completed(before, {}) == today
    own = {"required_documents": {"all": ["cv"], "company": ["statutes"]}}
    assert migration.completed(before, own)["documents"] == [
        {"kind": "cv"},
        {"kind": "statutes", "show_if": {"question": "stage", "equals": "company"}},
    ]
