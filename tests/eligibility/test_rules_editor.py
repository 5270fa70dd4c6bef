"""Staff write a call's eligibility rules in the browser; dossiers, the self-check and
the reasons follow them, and a rule that would break is refused with its path."""

import html
import json

import pytest

from app.auth.models import Role
from app.eligibility.checks import check_application
from app.eligibility.rule_sets import rules_definition
from app.extensions import db


@pytest.fixture
def staff(make_user, login_as):
    return login_as(make_user(Role.STAFF, locale="fr"))


SECTOR_RULE = {
    "name": "sector_wanted",
    "title_en": "Sector",
    "title_fr": "Secteur",
    "operator": "one_of",
    "question": "sector",
    "value": "A, J",
    "when_failed": "fail",
    "failed_en": "Sector %(held)s: the call funds %(values)s.",
    "failed_fr": "Secteur %(held)s : l’appel finance %(values)s.",
}


def test_a_rule_added_in_the_browser_judges_the_dossiers(
    client, make_call, make_application, staff
):
    call = make_call()
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/rules" in page  # reachable from the call's page
    response = client.post(f"/staff/calls/{call.id}/rules/new", data=SECTOR_RULE)
    assert response.status_code == 302
    db.session.expire_all()
    names = [rule["name"] for rule in rules_definition(call)["rules"]]
    assert names[-1] == "sector_wanted" and call.eligibility_rules is not None
    application = make_application("submitted", call=call)
    application.answers = {**application.answers, "sector": "C"}
    results = {result.rule: result for result in check_application(application)}
    assert results["sector_wanted"].outcome == "fail"
    db.session.commit()
    review = client.get(f"/staff/eligibility/{application.id}").get_data(as_text=True)
    assert "Secteur C : l’appel finance A, J." in review
    self_check = client.get(f"/calls/{call.reference}/self-check").get_data(as_text=True)
    assert 'name="sector"' in self_check


def test_a_rule_on_a_question_the_form_does_not_ask_is_refused(client, make_call, staff):
    call = make_call()
    response = client.post(
        f"/staff/calls/{call.id}/rules/new", data={**SECTOR_RULE, "question": "turnover_2030"}
    )
    assert response.status_code == 422
    assert "rules[8].condition.question" in response.get_data(as_text=True)
    db.session.expire_all()
    assert call.eligibility_rules is None


def test_rules_as_data(client, make_call, staff):
    call = make_call()
    page = client.get(f"/staff/calls/{call.id}/rules/data").get_data(as_text=True)
    assert "age_at_closing_at_least" in page
    bad = client.post(f"/staff/calls/{call.id}/rules/data", data={"data": "{not json"})
    assert bad.status_code == 422 and "pas du JSON" in bad.get_data(as_text=True)
    data = rules_definition(call)
    data["rules"] = data["rules"][:1]
    good = client.post(f"/staff/calls/{call.id}/rules/data", data={"data": json.dumps(data)})
    assert good.status_code == 302
    db.session.expire_all()
    assert [rule["name"] for rule in rules_definition(call)["rules"]] == ["minimum_age"]


def test_a_rule_set_that_would_break_is_refused_in_the_staff_members_language(
    client, make_call, make_user, login_as
):
    login_as(make_user(Role.STAFF, locale="ar"))
    call = make_call()
    data = rules_definition(call)
    data["rules"][3]["condition"]["question"] = "spoken_languages"
    data["rules"][4]["condition"]["all"][0]["op"] = "regex"
    response = client.post(f"/staff/calls/{call.id}/rules/data", data={"data": json.dumps(data)})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "لا يمكن حفظ القواعد على حالها" in page
    assert "rules[3].condition.question: لا يوجد سؤال باسم 'spoken_languages'" in page
    assert "rules[4].condition.all[0].op: عامل غير معروف 'regex'" in page
    assert "unknown operator" not in page
    db.session.expire_all()
    assert call.eligibility_rules is None


def test_removing_a_rule(client, make_call, staff):
    call = make_call()
    client.post(f"/staff/calls/{call.id}/rules/ownership/remove")
    db.session.expire_all()
    assert "ownership" not in [rule["name"] for rule in rules_definition(call)["rules"]]
