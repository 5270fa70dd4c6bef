"""Staff shape a call's form in the browser: steps and questions added, changed, moved
and removed, a preview as the applicant sees it, and a form that would break refused
with its reason (nothing saved)."""

import pytest

from app.application_forms.models import FormVersion
from app.application_forms.versions import call_form
from app.auth.models import Role
from app.extensions import db


@pytest.fixture
def staff(make_user, login_as):
    return login_as(make_user(Role.STAFF))


def _question(name, **fields):
    data = {"name": name, "type": "short_text", "label_en": name.title(), "required": "y"}
    return data | fields


def test_staff_add_a_step_and_a_conditional_question_in_arabic(client, make_call, staff):
    call = make_call()
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/form" in page  # reachable from the call's page
    response = client.post(
        f"/staff/calls/{call.id}/form/steps/new",
        data={"slug": "team", "title_en": "Team", "title_ar": "الفريق"},
    )
    assert response.status_code == 302
    client.post(
        f"/staff/calls/{call.id}/form/steps/team/questions/new",
        data=_question(
            "has_partner",
            type="one_choice",
            choices="yes | Yes | Oui | Ja | نعم\nno | No | Non | Nee | لا",
        ),
    )
    response = client.post(
        f"/staff/calls/{call.id}/form/steps/team/questions/new",
        data=_question(
            "partner_name",
            label_ar="اسم الشريك",
            show_if_question="has_partner",
            show_if_values="yes",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    form = call_form(call)
    assert [q.name for q in form.step_by_slug["team"].questions] == ["has_partner", "partner_name"]
    assert db.session.query(FormVersion).filter_by(call_id=call.id).count() == 3
    preview = client.get(f"/staff/calls/{call.id}/form/preview/team?lang=ar")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "اسم الشريك" in text and "الفريق" in text and 'name="partner_name"' in text
    overview = client.get(f"/staff/calls/{call.id}/form").get_data(as_text=True)
    assert "Partner_Name" in overview and "Only if" in overview


def test_a_condition_on_a_later_question_is_refused_and_nothing_saved(client, make_call, staff):
    call = make_call()
    response = client.post(
        f"/staff/calls/{call.id}/form/questions/full_name",
        data=_question("full_name", show_if_question="consent", show_if_values="yes"),
    )
    assert response.status_code == 422
    assert "is not asked before this question" in response.get_data(as_text=True)
    assert db.session.query(FormVersion).count() == 0


def test_removing_a_question_others_depend_on_is_refused(client, make_call, staff):
    call = make_call()
    response = client.post(f"/staff/calls/{call.id}/form/remove-question/stage")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(FormVersion).count() == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&#39;stage&#39; is not asked before this question" in page


def test_moving_and_removing(client, make_call, staff):
    call = make_call()
    client.post(f"/staff/calls/{call.id}/form/step-down/applicant")
    db.session.expire_all()
    assert [s.slug for s in call_form(call).steps][:2] == ["project", "applicant"]
    client.post(f"/staff/calls/{call.id}/form/remove-question/experience")
    db.session.expire_all()
    assert "experience" not in call_form(call).questions


def test_an_edit_from_a_stale_page_is_a_409(client, make_call, staff):
    call = make_call()
    client.post(f"/staff/calls/{call.id}/form/step-down/applicant")
    response = client.post(
        f"/staff/calls/{call.id}/form/step-down/project", data={"form_version": "999"}
    )
    assert response.status_code == 409
