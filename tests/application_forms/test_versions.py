"""A call's form is versioned: wording reaches every dossier, a change of questions only
the drafts while nothing was submitted, and every dossier reads with its own questions."""

import copy

import pytest
from flask_babel import force_locale

from app.application_forms.models import FormVersion
from app.application_forms.services import FormError, save_form
from app.application_forms.versions import call_form, current_definition
from app.auth.models import Role
from app.extensions import db


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


def _relabelled(definition: dict, name: str, label: dict) -> dict:
    changed = copy.deepcopy(definition)
    for step in changed["steps"]:
        for question in step.get("questions", []):
            if question["name"] == name:
                question["label"] = label
    return changed


def _with_question(definition: dict, question: dict) -> dict:
    changed = copy.deepcopy(definition)
    changed["steps"][0]["questions"].append(question)
    return changed


MOTTO = {"name": "motto", "type": "short_text", "label": {"en": "Motto", "fr": "Devise"}}


def test_a_change_of_wording_reaches_every_dossier(make_call, make_application, staff):
    call = make_call()
    submitted = make_application("submitted", call=call)
    draft = make_application("draft", call=call)
    definition = _relabelled(current_definition(call), "full_name", {"en": "Your full name"})
    version = save_form(call, definition, actor=staff)
    db.session.commit()
    assert version.number == 1 and version.change == "wording"
    db.session.expire_all()
    for dossier in (submitted, draft):
        assert dossier.form_version_id == version.id
        assert str(dossier.form.questions["full_name"].label) == "Your full name"


def test_new_questions_reach_only_later_drafts_once_a_dossier_was_submitted(
    make_call, make_application, make_user, staff
):
    call = make_call()
    submitted = make_application("submitted", call=call)
    draft = make_application("draft", call=call)
    version = save_form(call, _with_question(current_definition(call), MOTTO), actor=staff)
    db.session.commit()
    db.session.expire_all()
    assert version.change == "questions"
    assert "motto" in call_form(call).questions
    assert submitted.form_version_id is None and "motto" not in submitted.form.questions
    assert draft.form_version_id is None and "motto" not in draft.form.questions
    assert not submitted.missing_items()


def test_before_any_submission_every_draft_follows_the_new_questions(
    make_call, make_application, staff
):
    call = make_call()
    draft = make_application("draft", call=call)
    version = save_form(call, _with_question(current_definition(call), MOTTO), actor=staff)
    db.session.commit()
    db.session.expire_all()
    assert draft.form_version_id == version.id
    assert "motto" in {item.name for item in draft.missing_items()}


def test_a_form_that_would_break_is_refused_and_nothing_is_written(make_call, staff):
    call = make_call()
    broken = _with_question(current_definition(call), {**MOTTO, "name": "full_name"})
    with force_locale("en"), pytest.raises(FormError) as refused:
        save_form(call, broken, actor=staff)
    db.session.rollback()
    assert refused.value.problems == [
        ("form.steps[0].questions[13].name", "'full_name' names another question too")
    ]
    assert db.session.query(FormVersion).count() == 0
    assert call.form_version_id is None


def test_saving_the_same_form_again_is_refused(make_call, staff):
    call = make_call()
    with pytest.raises(FormError):
        save_form(call, current_definition(call), actor=staff)
