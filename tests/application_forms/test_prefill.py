"""A new application starts with what the applicant's account already knows: each
question marked ``prefill`` in the form (the account's name, its e-mail address) is
filled in, and the applicant may change it."""

import copy
import re

import pytest
from sqlalchemy import select

from app.application_forms.reader import DefinitionError, read_form
from app.application_forms.services import save_form
from app.application_forms.versions import call_form, current_definition
from app.applications.models import Application
from app.auth.models import Role
from app.extensions import db
from tests.helpers import step_form_data


def _contact_step(**email_question) -> dict:
    return {
        "slug": "contact",
        "title": "Contact",
        "questions": [
            {"name": "contact_name", "type": "short_text", "label": "Name", "prefill": "full_name"},
            {"name": "contact_email", "type": "email", "label": "E-mail", "prefill": "email"}
            | email_question,
            {"name": "nickname", "type": "short_text", "label": "Nickname", "max_length": 5},
        ],
    }


def _input_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    value = re.search(r'\bvalue="([^"]*)"', found.group(0)) if found else None
    return value.group(1) if value else None


def test_the_default_form_starts_with_the_name_given_at_registration(
    client, make_call, make_user, login_as
):
    call = make_call("MBI-2026")
    applicant = login_as(make_user(Role.APPLICANT, full_name="Youssef El Amrani"))
    response = client.post(f"/calls/{call.id}/apply")
    application = db.session.scalar(select(Application))
    # Nothing typed yet: the applicant still starts on the first step, where the name is.
    assert response.headers["Location"] == f"/applications/{application.id}/steps/applicant"
    assert application.answers == {"full_name": "Youssef El Amrani"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _input_value(page, "full_name") == "Youssef El Amrani"

    # The applicant may write it otherwise; the account keeps its own name.
    data = step_form_data("applicant", {"full_name": "Youssef El-Amrani"}, application.version)
    client.post(f"/applications/{application.id}/steps/applicant", data=data)
    db.session.expire_all()
    assert application.answers["full_name"] == "Youssef El-Amrani"
    assert applicant.full_name == "Youssef El Amrani"
    # Back from the call's page, they resume where their answers are.
    again = client.post(f"/calls/{call.id}/apply")
    assert again.headers["Location"] == f"/applications/{application.id}"


def test_a_form_of_its_own_fills_the_name_and_e_mail_it_asks_for(
    client, make_call, make_user, login_as
):
    call = make_call()
    definition = copy.deepcopy(current_definition(call))
    definition["steps"].insert(0, _contact_step())
    save_form(call, definition, actor=make_user(Role.STAFF))
    db.session.commit()
    login_as(
        make_user(Role.APPLICANT, email="amina@example.org", full_name="Amina Tazi El Idrissi")
    )
    client.post(f"/calls/{call.id}/apply")
    application = db.session.scalar(select(Application))
    assert application.answers == {
        "contact_name": "Amina Tazi El Idrissi",
        "contact_email": "amina@example.org",
        "full_name": "Amina Tazi El Idrissi",  # MBI's own name question, marked too
    }  # and nothing in the questions not marked
    page = client.get(f"/applications/{application.id}/steps/contact").get_data(as_text=True)
    assert _input_value(page, "contact_email") == "amina@example.org"
    assert not _input_value(page, "nickname")


def test_a_value_too_long_for_its_question_is_left_to_type(make_user):
    form = read_form({"steps": [_contact_step(max_length=10)]})
    account = make_user(Role.APPLICANT, email="a.long.address@example.org", full_name="Ana")
    assert form.prefilled_answers(account) == {"contact_name": "Ana"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"prefill": "phone"}, "unknown account fact 'phone' (one of full_name, email)"),
        ({"prefill": "full_name", "type": "long_text"}, "of type 'short_text' can be filled"),
        ({"prefill": "email", "type": "date"}, "'email', 'short_text' can be filled in with email"),
        (
            {"prefill": "email", "show_if": {"question": "contact_name", "equals": "x"}},
            "only a question asked of everyone",
        ),
    ],
)
def test_a_wrong_prefill_is_refused_with_its_path(change, words):
    step = _contact_step()
    step["questions"][1].update(change)
    with pytest.raises(DefinitionError) as refused:
        read_form({"steps": [step]})
    assert any(
        path == "form.steps[0].questions[1].prefill" and words in what
        for path, what in refused.value.problems
    ), refused.value.problems


def test_staff_mark_a_question_in_the_editor_and_changing_it_keeps_the_mark(
    client, make_call, make_user, login_as
):
    call = make_call()
    login_as(make_user(Role.STAFF))
    page = client.get(f"/staff/calls/{call.id}/form/questions/full_name").get_data(as_text=True)
    assert '<option selected value="full_name">' in page  # MBI's name question is marked
    client.post(
        f"/staff/calls/{call.id}/form/steps/applicant/questions/new",
        data={
            "name": "contact_email",
            "type": "email",
            "label_en": "E-mail for the programme",
            "prefill": "email",
        },
    )
    client.post(
        f"/staff/calls/{call.id}/form/questions/full_name",
        data={
            "name": "full_name",
            "type": "short_text",
            "label_en": "Your name",
            "prefill": "full_name",
        },
    )
    db.session.expire_all()
    form = call_form(call)
    assert form.questions["contact_email"].prefill == "email"
    assert form.questions["full_name"].prefill == "full_name"
    assert str(form.questions["full_name"].label) == "Your name"
