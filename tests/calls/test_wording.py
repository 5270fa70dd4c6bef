"""Staff write a call's own wording from the call's page: a preview on demo data, a
save with its audit row, refusals in the reader's language; nobody else sees it."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.calls.wording import default_text
from app.events import Event
from app.extensions import db


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


def _form(outcome_texts: dict, **buttons) -> dict:
    data = {
        f"{code}_{part}": text
        for code, parts in outcome_texts.items()
        for part, text in parts.items()
    }
    return data | buttons


def test_the_wording_is_reached_from_the_calls_page(client, login_as, staff, make_call):
    call = make_call()
    login_as(staff)
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/wording" in page
    listing = client.get(f"/staff/calls/{call.id}/wording").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/wording/selected" in listing
    assert f"/staff/calls/{call.id}/wording/place_lapsed" in listing


def test_the_edit_page_shows_todays_wording_placeholders_and_a_preview(
    app, client, login_as, staff, make_call
):
    call = make_call()
    login_as(staff)
    page = client.get(f"/staff/calls/{call.id}/wording/selected").get_data(as_text=True)
    assert "{{ call_name }} a sélectionné votre candidature {{ reference }}" in page  # fr text
    assert "{{ confirm_by }}" in page and "The date by which the applicant must confirm" in page
    assert "has selected your application MBI-2026-0042" not in page  # demo uses the call
    assert f"has selected your application {call.reference}-0042" in page  # the preview


def test_preview_shows_the_text_as_the_applicant_reads_it_and_saves_nothing(
    client, login_as, staff, make_call
):
    call = make_call()
    login_as(staff)
    texts = {"en": {"letter": "Well done {{ applicant_name }}: rank {{ rank }}.\n\n<b>Bold?</b>"}}
    response = client.post(
        f"/staff/calls/{call.id}/wording/selected", data=_form(texts, preview="1")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Well done Yasmina Benali: rank 12." in page
    assert "&lt;b&gt;Bold?&lt;/b&gt;" in page  # as text, not markup
    db.session.refresh(call)
    assert call.wording == {}


def test_a_saved_text_is_kept_with_its_audit_row_and_defaults_are_not_stored(
    app, client, login_as, staff, make_call
):
    call = make_call()
    login_as(staff)
    with app.test_request_context():
        unchanged = default_text("reserve", "email", "fr")
    texts = {
        "fr": {"letter": "Vous êtes {{ reserve_position }}e sur la liste.", "email": unchanged},
        "nl": {"subject": "  Reservelijst   {{ reference }} "},
    }
    response = client.post(f"/staff/calls/{call.id}/wording/reserve", data=_form(texts, save="1"))
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.wording == {
        "reserve": {
            "fr": {"letter": "Vous êtes {{ reserve_position }}e sur la liste."},
            "nl": {"subject": "Reservelijst {{ reference }}"},
        }
    }
    (row,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == Event.CALL_WORDING_EDITED)
    ).all()
    assert (row.actor_id, row.call_id) == (staff.id, call.id)
    assert row.data == {"outcome": "reserve", "changed": ["fr.letter", "nl.subject"]}
    page = client.get(f"/staff/calls/{call.id}/wording").get_data(as_text=True)
    assert "FR, NL" in page
    # Emptying a text gives the template's wording back
    texts["fr"]["letter"] = ""
    client.post(f"/staff/calls/{call.id}/wording/reserve", data=_form(texts, save="1"))
    db.session.refresh(call)
    assert call.wording == {"reserve": {"nl": {"subject": "Reservelijst {{ reference }}"}}}


@pytest.mark.parametrize(
    ("text", "french"),
    [
        ("{{ ''.__class__.__mro__ }}", "pas des attributs"),
        ("{{ config }}", "Champs inconnus : config."),
        ("{% include 'base.html' %}", "pas d’autres modèles"),
        ("{{ reference", "ne peut pas être lu"),
    ],
)
def test_a_refused_text_says_why_in_french_and_saves_nothing(
    client, login_as, make_user, make_call, text, french
):
    call = make_call()
    login_as(make_user(Role.STAFF, locale="fr"))
    response = client.post(
        f"/staff/calls/{call.id}/wording/selected", data=_form({"nl": {"letter": text}}, save="1")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ouverture de la lettre (Nederlands)" in page and french in page
    db.session.refresh(call)
    assert call.wording == {}
    assert (
        db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.event == Event.CALL_WORDING_EDITED)
        )
        is None
    )


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.JUROR, Role.CHAIR, Role.COACH])
def test_nobody_but_staff_reaches_the_wording(client, login_as, make_user, make_call, role):
    call = make_call()
    login_as(make_user(role))
    assert client.get(f"/staff/calls/{call.id}/wording").status_code == 404
    assert client.get(f"/staff/calls/{call.id}/wording/selected").status_code == 404
    response = client.post(
        f"/staff/calls/{call.id}/wording/selected", data=_form({"en": {"letter": "x"}}, save="1")
    )
    assert response.status_code == 404
    db.session.refresh(call)
    assert call.wording == {}


def test_an_unknown_outcome_is_not_found(client, login_as, staff, make_call):
    call = make_call()
    login_as(staff)
    assert client.get(f"/staff/calls/{call.id}/wording/promoted_twice").status_code == 404
