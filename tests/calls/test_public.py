"""The public page of a call: everything a visitor needs before applying."""

from datetime import timedelta

from app.auth.models import Role
from app.common.clock import utcnow
from app.extensions import db

EN = {"Accept-Language": "en"}


def test_a_visitor_sees_offer_conditions_criteria_timeline_documents_faq(client, make_call):
    call = make_call(
        "MBI-2026",
        name="Maghrib Belgium Impulse 2026",
        quota=30,
        reserve_size=10,
        faq=[{"question": "Can I apply with a partner?", "answer": "Yes, as a company."}],
    )
    html = client.get("/calls/MBI-2026", headers=EN).get_data(as_text=True)
    for text in (
        "Maghrib Belgium Impulse 2026",
        "30 projects will be selected",
        "at least 18 years old",
        "Team",
        "35 %",
        "Applications close",
        "Closes in",
        "Identity document",
        "Trade register certificate",
        "Can I apply with a partner?",
        "Am I eligible?",
        "Create an account to apply",
        'data-closes-at="',
    ):
        assert text in html, text
    assert call.closes_at.isoformat() in html


def test_a_closed_call_says_so_and_offers_no_application(client, make_call):
    make_call("OLD-2020", opens_in=-100, closes_in=-10)
    html = client.get("/calls/OLD-2020", headers=EN).get_data(as_text=True)
    assert "The call is closed." in html and "Create an account to apply" not in html


def test_an_applicant_can_apply_from_the_page(client, make_call, make_user, login_as):
    make_call("MBI-2026")
    login_as(make_user(Role.APPLICANT))
    assert "Apply now" in client.get("/calls/MBI-2026").get_data(as_text=True)


def test_information_sessions_are_listed_with_their_seats(client, make_call):
    from app.info_sessions.models import InfoSession

    call = make_call("MBI-2026")
    start = utcnow() + timedelta(days=7)
    db.session.add(
        InfoSession(
            call=call,
            city="Liège",
            venue="Cité Miroir",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=50,
        )
    )
    db.session.commit()
    html = client.get("/calls/MBI-2026", headers=EN).get_data(as_text=True)
    assert "Liège" in html and "50 seats left" in html


def test_an_unknown_call_is_404(client):
    assert client.get("/calls/NOPE-2000").status_code == 404
