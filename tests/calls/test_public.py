"""The public page of a call: everything a visitor needs before applying."""

import re
from datetime import timedelta
from html import unescape

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
        "At least 18 years old on the closing date",
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


def _conditions(html: str) -> list[str]:
    """The "Who can apply" list as the visitor reads it, one line per entry."""
    block = html.split('<dl class="conditions">', 1)[1].split("</dl>", 1)[0]
    items = re.findall(r"<d[td]>(.*?)</d[td]>", block, re.S)
    return [unescape(re.sub(r"\s+", " ", item).strip()) for item in items]


def test_who_can_apply_is_said_from_the_calls_rules_and_follows_their_changes(client, make_call):
    call = make_call("MBI-2026")
    lines = _conditions(client.get("/calls/MBI-2026", headers=EN).get_data(as_text=True))
    assert lines[:2] == ["Age", "At least 18 years old on the closing date"]
    assert "“Nationalities”: Morocco or Belgium" in lines
    assert "Documents: Identity document, CV, Business plan, and Criminal record extract" in lines
    call.eligibility = {**call.eligibility, "minimum_age": 21}
    db.session.commit()
    lines = _conditions(client.get("/calls/MBI-2026", headers=EN).get_data(as_text=True))
    assert "At least 21 years old on the closing date" in lines
    assert "At least 18 years old on the closing date" not in lines


BUDGET_ONLY = {
    "default_language": "en",
    "rules": [
        {
            "name": "budget",
            "title": {"en": "Budget", "nl": "Budget"},
            "condition": {"op": "at_most", "question": "investment_eur", "value": 50000},
            "when_failed": "fail",
            "reasons": {
                "passed": {"en": "Within the budget."},
                "failed": {"en": "Over the budget."},
                "missing": {"en": "No budget given."},
            },
        }
    ],
}


def test_a_call_with_rules_of_its_own_lists_only_those(client, make_call):
    call = make_call("OWN-2027")
    call.eligibility_rules = BUDGET_ONLY
    db.session.commit()
    html = client.get("/calls/OWN-2027", headers=EN).get_data(as_text=True)
    lines = _conditions(html)
    assert lines[0] == "Budget" and len(lines) == 2
    assert lines[1].startswith("“") and "at most €50,000.00" in lines[1]
    assert "years old" not in html and "Morocco" not in html
    dutch = _conditions(
        client.get("/calls/OWN-2027", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    )
    assert "ten hoogste € 50.000,00" in dutch[1]


def test_a_call_without_rules_says_everyone_may_apply(client, make_call):
    call = make_call("FREE-2027")
    call.eligibility_rules = {"default_language": "en", "rules": []}
    db.session.commit()
    html = client.get("/calls/FREE-2027", headers=EN).get_data(as_text=True)
    assert "This call sets no eligibility conditions: everyone may apply." in html


def test_staff_edit_a_call_with_rules_of_its_own_in_the_rules_editor_only(
    client, make_call, make_user, login_as
):
    call = make_call("OWN-2027")
    call.eligibility_rules = BUDGET_ONLY
    parameters = dict(call.eligibility)
    db.session.commit()
    login_as(make_user(Role.STAFF))
    page = client.get(f"/staff/calls/{call.id}/edit", headers=EN).get_data(as_text=True)
    assert 'name="minimum_age"' not in page
    assert "This call has rules of its own: change them in the rules editor." in page
    assert f"/staff/calls/{call.id}/rules" in page and "Budget" in page
    shown = client.get(f"/staff/calls/{call.id}", headers=EN).get_data(as_text=True)
    assert "Minimum age on the closing date" not in shown and "at most €50,000.00" in shown
    db.session.expire_all()
    assert call.eligibility == parameters
