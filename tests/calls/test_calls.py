"""Staff create and edit calls; every inconsistent value gets a message and saves nothing."""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.calls.forms import CallForm
from app.calls.models import Call
from app.common.clock import to_brussels
from app.extensions import db

VALID = {
    "reference": "MBI-2027",
    "name": "Maghrib Belgium Impulse 2027",
    "description": "Second edition.",
    "opens_at": "2027-01-10T09:00",
    "closes_at": "2027-03-31T23:59",
    "quota": "30",
    "reserve_size": "10",
    "jurors_per_dossier": "3",
    "criteria-0-name": "Team",
    "criteria-0-weight": "25",
    "criteria-0-scale_min": "0",
    "criteria-0-scale_max": "10",
    "criteria-1-name": "Project",
    "criteria-1-weight": "35",
    "criteria-1-scale_min": "0",
    "criteria-1-scale_max": "10",
    "criteria-2-name": "Profitability",
    "criteria-2-weight": "25",
    "criteria-2-scale_min": "0",
    "criteria-2-scale_max": "10",
    "criteria-3-name": "Overall",
    "criteria-3-weight": "15",
    "criteria-3-scale_min": "0",
    "criteria-3-scale_max": "10",
    "minimum_age": "18",
    "accepted_nationalities": "ma, BE",
    "residence_min_years": "2",
    "residence_window_years": "5",
    "accepted_languages": ["fr", "ar", "en"],
    "company_max_age_years": "5",
    "ownership_min_percent": "50",
    "ranking_method": "raw",
    "disagreement_threshold": "15",
    "jurors_see_others": "y",
    "anonymous_reviews": "y",
}


@pytest.fixture
def staff_client(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    return client


def _calls():
    return db.session.scalar(select(func.count()).select_from(Call))


def test_staff_create_a_call_in_brussels_time(staff_client):
    response = staff_client.post("/staff/calls/new", data=VALID)
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert call.reference == "MBI-2027"
    closes = to_brussels(call.closes_at)
    assert (closes.hour, closes.minute) == (23, 59)
    assert call.closes_at.utcoffset().total_seconds() == 0  # stored in UTC
    assert [(c.name, c.weight) for c in call.criteria] == [
        ("Team", 25),
        ("Project", 35),
        ("Profitability", 25),
        ("Overall", 15),
    ]
    assert call.eligibility["accepted_nationalities"] == ["BE", "MA"]
    assert call.eligibility["minimum_age"] == 18


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criteria-3-weight": "20"}, "add up to 105"),
        ({"closes_at": "2027-01-01T09:00"}, "close after it opens"),
        ({"quota": "0"}, "at least 1"),
        ({"reserve_size": "-1"}, "cannot be negative"),
        ({"jurors_per_dossier": "0"}, "At least 1 juror"),
        ({"reference": "mbi 2027!"}, "Capital letters"),
        ({"name": ""}, "give the call a name"),
        ({"opens_at": "not a date"}, "date"),
        ({"residence_min_years": "6"}, "cannot exceed"),
        ({"accepted_nationalities": "Morocco"}, "Two-letter"),
        ({"criteria-0-scale_max": "0"}, "must exceed"),
        ({"criteria-0-weight": "101"}, "between 1 and 100"),
        ({"accepted_languages": []}, "at least one language"),
        (
            {
                "criteria-0-name": "",
                "criteria-1-name": "",
                "criteria-2-name": "",
                "criteria-3-name": "",
            },
            "at least one scoring criterion",
        ),
        ({"ownership_min_percent": "150"}, "percentage"),
    ],
)
def test_bad_call_values_get_a_clear_message_and_save_nothing(staff_client, change, message):
    response = staff_client.post(
        "/staff/calls/new", data=VALID | change, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _calls() == 0


def test_a_reference_is_unique(staff_client, make_call):
    make_call("MBI-2027")
    response = staff_client.post("/staff/calls/new", data=VALID, headers={"Accept-Language": "en"})
    assert "already has this reference" in response.get_data(as_text=True)
    assert _calls() == 1


def test_edit_a_call_and_its_criteria(staff_client, make_call):
    call = make_call("MBI-2027")
    form = staff_client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="Profitability"' in form
    data = VALID | {"criteria-0-weight": "40", "criteria-3-name": "", "quota": "25"}
    response = staff_client.post(f"/staff/calls/{call.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert call.quota == 25
    assert [(c.name, c.weight) for c in call.criteria] == [
        ("Team", 40),
        ("Project", 35),
        ("Profitability", 25),
    ]


def test_a_numbered_call_keeps_its_reference(staff_client, make_call, make_application):
    call = make_call("MBI-2027")
    make_application("submitted", call=call)
    response = staff_client.post(
        f"/staff/calls/{call.id}/edit",
        data=VALID | {"reference": "MBI-2028"},
        headers={"Accept-Language": "en"},
    )
    assert "cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert call.reference == "MBI-2027"


def test_an_unknown_call_is_404(staff_client):
    assert staff_client.get("/staff/calls/999/edit").status_code == 404


def test_jury_and_four_eyes_settings_are_saved(staff_client):
    data = VALID | {
        "four_eyes_ineligibility": "y",
        "ranking_method": "normalised",
        "disagreement_threshold": "12.5",
        "anonymous_reviews": "",
    }
    assert staff_client.post("/staff/calls/new", data=data).status_code == 302
    call = db.session.scalar(select(Call))
    assert call.four_eyes_ineligibility and call.ranking_method == "normalised"
    assert call.disagreement_threshold == 12.5
    assert call.jurors_see_others and not call.anonymous_reviews


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ranking_method": "random"}, "Not a valid choice"),
        ({"disagreement_threshold": "-1"}, "Between 0 and 100"),
        ({"disagreement_threshold": "lots"}, "Not a valid decimal"),
    ],
)
def test_bad_jury_settings_are_refused(staff_client, change, message):
    response = staff_client.post("/staff/calls/new", data=VALID | change)
    assert message in response.get_data(as_text=True)
    assert _calls() == 0


def test_a_call_starts_from_the_default_form_unless_staff_choose_an_empty_one(staff_client):
    from app.application_forms.models import FormVersion
    from app.application_forms.versions import call_form
    from app.eligibility.rule_sets import rules_definition

    page = staff_client.get("/staff/calls/new").get_data(as_text=True)
    assert 'value="empty"' in page and 'value="default"' in page
    assert staff_client.post("/staff/calls/new", data=VALID).status_code == 302
    default = db.session.scalar(select(Call).where(Call.reference == VALID["reference"]))
    assert default.form_version_id is None and default.eligibility_rules is None

    data = VALID | {"reference": "EMPTY-2026", "start_form": "empty"}
    assert staff_client.post("/staff/calls/new", data=data).status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "EMPTY-2026"))
    form = call_form(call)
    assert [step.slug for step in form.steps] == ["about_you"]
    assert list(form.questions) == ["full_name"] and form.documents == ()
    assert rules_definition(call) == {"default_language": "fr", "rules": []}
    versions = db.session.scalars(select(FormVersion).where(FormVersion.call_id == call.id)).all()
    assert [version.number for version in versions] == [1]
    # The rules page opens on no rule; the first one written is saved.
    assert staff_client.get(f"/staff/calls/{call.id}/rules").status_code == 200


def test_a_call_with_rules_of_its_own_saves_without_the_simple_parameters(staff_client, make_call):
    call = make_call("MBI-2027")
    call.eligibility_rules = {"default_language": "en", "rules": []}
    before = dict(call.eligibility)
    db.session.commit()
    without = {key: value for key, value in VALID.items() if key not in CallForm.PARAMETERS}
    data = without | {"quota": "12", "minimum_age": "99"}  # a stale field is not read
    response = staff_client.post(f"/staff/calls/{call.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert call.quota == 12 and call.eligibility == before
