"""Staff choose in the form editor which documents the applicant uploads: required or
optional, for everyone or on a condition on an answer; the marks a question carries
(its dashboard breakdown, the dossier's title) survive a change of the question."""

import pytest

from app.application_forms.definition import Condition
from app.application_forms.models import FormVersion
from app.application_forms.versions import call_form
from app.auth.models import Role
from app.documents.requirements import DOCUMENT_KINDS
from app.extensions import db


@pytest.fixture
def staff(make_user, login_as):
    return login_as(make_user(Role.STAFF))


def _page_of(form) -> dict:
    """What the documents page posts for ``form`` (kind: (asked, question, values))."""
    data = {}
    for kind in DOCUMENT_KINDS:
        asked, question, values = form.get(kind, ("", "", ""))
        data |= {f"{kind}_asked": asked, f"{kind}_question": question, f"{kind}_values": values}
    return data


def test_the_page_shows_the_documents_asked_and_their_conditions(client, make_call, staff):
    call = make_call()
    overview = client.get(f"/staff/calls/{call.id}/form").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/form/documents" in overview
    assert "Trade register certificate (Modèle J)" in overview
    assert "Only if “Where the project stands” is “An existing company”" in overview
    page = client.get(f"/staff/calls/{call.id}/form/documents").get_data(as_text=True)
    assert '<option selected value="required">' in page
    assert 'name="statutes_values" type="text" value="company"' in page


def test_staff_change_the_documents_and_their_conditions(client, make_call, staff):
    call = make_call()
    response = client.post(
        f"/staff/calls/{call.id}/form/documents",
        data=_page_of(
            {
                "identity": ("required", "", ""),
                "cv": ("optional", "", ""),
                "statutes": ("required", "sector", "A, B"),
                "criminal_record": ("required", "moroccan_ties", "yes"),
            }
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    documents = call_form(call).documents
    assert [(d.kind, d.required) for d in documents] == [
        ("identity", True),
        ("cv", False),
        ("criminal_record", True),
        ("statutes", True),
    ]
    assert documents[2].condition == Condition("moroccan_ties", (True,))
    assert documents[3].condition == Condition("sector", ("A", "B"))


def test_a_condition_on_no_question_of_the_form_is_refused(client, make_call, staff):
    call = make_call()
    response = client.post(
        f"/staff/calls/{call.id}/form/documents",
        data=_page_of({"cv": ("required", "shoe_size", "42")}),
    )
    assert response.status_code == 422
    assert "&#39;shoe_size&#39; is not a question of this form" in response.get_data(as_text=True)
    assert db.session.query(FormVersion).count() == 0


def test_changing_a_question_keeps_its_marks(client, make_call, staff):
    call = make_call()
    form = call_form(call)
    before = form.questions["moroccan_region"].breakdown
    client.post(
        f"/staff/calls/{call.id}/form/questions/moroccan_region",
        data={
            "name": "moroccan_region",
            "type": "one_choice",
            "label_en": "Region of the project",
            "required": "y",
            "choices_from": "moroccan_regions",
            "filter": "y",
            "breakdown": "y",
        },
    )
    client.post(
        f"/staff/calls/{call.id}/form/questions/project_title",
        data={"name": "project_title", "type": "short_text", "label_en": "Name", "title": "y"},
    )
    db.session.expire_all()
    form = call_form(call)
    assert str(form.questions["moroccan_region"].label) == "Region of the project"
    assert form.questions["moroccan_region"].breakdown == before
    assert form.title_question == "project_title"
