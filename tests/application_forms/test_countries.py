"""A choice question can take its choices from every country, named in the reader's
language and stored as ISO 3166 codes."""

import pytest

from app.application_forms.versions import call_form
from app.auth.models import Role
from app.extensions import db


@pytest.fixture
def staff(make_user, login_as):
    return login_as(make_user(Role.STAFF))


def test_staff_ask_for_a_country_and_the_applicant_reads_it_in_their_language(
    client, make_call, staff
):
    call = make_call()
    response = client.post(
        f"/staff/calls/{call.id}/form/steps/applicant/questions/new",
        data={
            "name": "home_country",
            "type": "one_choice",
            "label_en": "Country you live in",
            "required": "y",
            "choices_from": "countries",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    question = call_form(call).questions["home_country"]
    values = [value for value, _ in question.choices]
    assert {"MA", "BE", "NL", "JP"} <= set(values) and len(values) > 240
    assert not {"EU", "UN", "ZZ"} & set(values)  # unions and unknown are no countries
    dutch = client.get(f"/staff/calls/{call.id}/form/preview/applicant?lang=nl")
    arabic = client.get(f"/staff/calls/{call.id}/form/preview/applicant?lang=ar")
    assert '<option value="MA">Marokko</option>' in dutch.get_data(as_text=True)
    assert '<option value="MA">المغرب</option>' in arabic.get_data(as_text=True)
