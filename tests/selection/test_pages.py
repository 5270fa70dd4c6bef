"""The selection's pages: the chair's proposal and moves, publication, the rules, the
decision record, and what the applicant is told."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.jury.models import JuryMember
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.services import publish, refresh_draft
from tests.helpers import QueryCounter, outbox_messages

EN = {"Accept-Language": "en"}


@pytest.fixture
def chaired(make_scored_call, make_user):
    """A call of five scored dossiers (quota 2, reserve 1) and a chair of its jury."""

    def make(scores=None, **options):
        call, apps = make_scored_call(scores or [[9], [8], [7], [6], [3]], **options)
        chair = make_user(Role.CHAIR, full_name="Nadia Chair")
        db.session.add(JuryMember(call_id=call.id, user_id=chair.id, is_chair=True))
        db.session.commit()
        return call, apps, chair

    return make


def page(client, url):
    response = client.get(url, headers=EN)
    return response.status_code, response.get_data(as_text=True)


def test_the_chair_computes_then_sees_stability_beside_the_rank(client, login_as, chaired):
    call, apps, chair = chaired()
    login_as(chair)
    status, html = page(client, f"/calls/{call.id}/selection")
    assert status == 200 and "No proposal yet" in html
    response = client.post(f"/calls/{call.id}/selection/compute", headers=EN)
    assert response.status_code == 302
    status, html = page(client, f"/calls/{call.id}/selection")
    assert "2 / 2" in html  # selected against the quota
    for application in apps:
        assert application.reference in html
    assert "100 %" in html and "0 %" in html  # far above and far below the cut-off
    assert "Publish…" in html


def test_a_move_needs_a_justification_and_shows_beside_the_pure_ranking(client, login_as, chaired):
    call, (a, b, c, d, e), chair = chaired()
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/compute")
    url = f"/calls/{call.id}/selection/dossiers/{b.id}/move"
    for refused in (
        {"decision": "reserve", "reason": "feasibility", "justification": "  "},
        {"decision": "reserve", "reason": "", "justification": "Project already funded."},
        {"decision": "reserve", "reason": "whim", "justification": "Project already funded."},
    ):
        response = client.post(url, data=refused, headers=EN)
        assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.scalar(
        select(SelectionDecision).where(SelectionDecision.application_id == b.id)
    )
    assert moved.decision == "selected"  # nothing changed
    status, html = page(client, f"/calls/{call.id}/selection")
    assert "Choose the reason of the move." in html
    client.post(
        url,
        data={
            "decision": "reserve",
            "reason": "feasibility",
            "justification": "Project already funded.",
        },
    )
    client.post(
        f"/calls/{call.id}/selection/dossiers/{c.id}/move",
        data={
            "decision": "selected",
            "reason": "programme_fit",
            "justification": "Strong local partner.",
        },
    )
    status, html = page(client, f"/calls/{call.id}/selection")
    assert "Project already funded." in html and "Strong local partner." in html
    assert "Feasibility of the project" in html
    assert "Fit with the programme's aims" in unescape(html)  # the apostrophe escaped
    assert "The pure ranking would give" not in html  # counts unchanged: 2 / 1 / 2
    status, record = page(client, f"/calls/{call.id}/selection/record")
    assert "Project already funded." in record and "Selected → Reserve list" in record
    assert "Feasibility of the project" in record


def test_the_record_states_a_balance_rule_with_the_answers_labels(client, login_as, chaired):
    call, apps, chair = chaired()
    call.balance_rules = [{"attribute": "gender", "value": "F", "kind": "at_least", "count": 1}]
    db.session.commit()
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/compute")
    status, record = page(client, f"/calls/{call.id}/selection/record")
    assert "at least 1 selected with Gender = Woman" in record  # not "gender = F"
    client.post("/language", data={"locale": "fr"})
    status, french = page(client, f"/calls/{call.id}/selection/record")
    assert "Genre = Femme" in french


def test_publication_restates_the_counts_and_needs_the_tick(client, login_as, chaired):
    call, apps, chair = chaired()
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/compute")
    status, html = page(client, f"/calls/{call.id}/selection/publish")
    assert "2 selected, 1 on the reserve list, 2 not selected" in html
    response = client.post(f"/calls/{call.id}/selection/publish", data={}, headers=EN)
    assert response.status_code == 422
    assert db.session.scalar(select(SelectionRound.status)) == "draft"
    client.post(f"/calls/{call.id}/selection/publish", data={"confirm": "y"})
    db.session.expire_all()
    assert db.session.scalar(select(SelectionRound.status)) == "published"
    assert sorted(m.application_id for m in outbox_messages()) == sorted(a.id for a in apps)
    again = client.post(f"/calls/{call.id}/selection/publish", data={"confirm": "y"}, headers=EN)
    assert again.status_code == 409 and len(outbox_messages()) == 5
    assert "already published" in again.get_data(as_text=True)
    status, record = page(client, f"/calls/{call.id}/selection/record")
    assert "Nadia Chair" in record


def test_staff_see_the_proposal_but_only_the_chair_decides(client, login_as, chaired, make_user):
    call, apps, chair = chaired()
    refresh_draft(call, actor=None)
    db.session.commit()
    login_as(make_user(Role.STAFF))
    status, html = page(client, f"/calls/{call.id}/selection")
    assert status == 200 and apps[0].reference in html
    assert "Publish…" not in html and "Move…" not in html
    assert client.post(f"/calls/{call.id}/selection/compute").status_code == 404
    assert client.get(f"/calls/{call.id}/selection/publish").status_code == 404


def test_a_chair_of_another_call_gets_404(client, login_as, chaired):
    call, apps, chair = chaired()
    other_call, _apps, other_chair = chaired(reference="OTHER-2026")
    login_as(other_chair)
    assert client.get(f"/calls/{call.id}/selection").status_code == 404


def test_the_rules_page_saves_valid_rules_and_explains_wrong_ones(client, login_as, chaired):
    call, apps, chair = chaired()
    login_as(chair)
    url = f"/calls/{call.id}/selection/rules"
    bad = {
        "confirmation_days": "0",
        "tie_breaks-0-kind": "criterion_mean",
        "tie_breaks-0-criterion": "",
        "balance_rules-0-attribute": "gender",
        "balance_rules-0-kind": "at_least",
        "balance_rules-0-count": "1",
        "balance_rules-0-value": "",
    }
    response = client.post(url, data=bad, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Between 1 and 120 days." in html
    db.session.expire_all()
    assert call.confirmation_days == 14 and call.balance_rules == [] and call.tie_breaks == []
    wrong_value = bad | {"confirmation_days": "10", "tie_breaks-0-criterion": "2"}
    wrong_value["balance_rules-0-value"] = "Q"
    response = client.post(url, data=wrong_value, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, re.findall(r"(?:error|alert)[^<]*<", html)
    assert "Use one of: F (Woman), M (Man)" in html
    good = wrong_value | {"balance_rules-0-value": "F"}
    assert client.post(url, data=good).status_code == 302
    db.session.expire_all()
    assert call.confirmation_days == 10
    assert call.tie_breaks == [{"kind": "criterion_mean", "criterion": 2}]
    assert call.balance_rules == [
        {"attribute": "gender", "value": "F", "kind": "at_least", "count": 1}
    ]


def test_the_rules_are_frozen_once_published(client, login_as, chaired):
    call, apps, chair = chaired()
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/rules", data={"confirmation_days": "30"})
    db.session.expire_all()
    assert call.confirmation_days == 14


def test_the_applicant_sees_the_explanation_and_confirms(client, login_as, chaired):
    call, (a, b, c, d, e), chair = chaired()
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(a.applicant)
    status, html = page(client, f"/applications/{a.id}")
    assert "your project is selected" in html
    assert "among the 2 projects selected, out of 5" in html
    assert "Confirm your place before" in html
    assert html.count("Confirm my place") == 1
    client.post(f"/applications/{a.id}/actions/confirm", data={"version": str(a.version)})
    db.session.expire_all()
    assert a.status == "confirmed"
    client.post("/logout")
    login_as(e.applicant)
    status, html = page(client, f"/applications/{e.id}")
    assert "not selected this time" in html
    assert "position 5 of 5 in the final order. 2 projects are selected." in html
    assert "One project is on the reserve list." in html
    assert "Lowest score selected (the cut-off)" in html and "80.0 / 100" in html
    assert "Mean of the selected projects" in html
    assert "Nadia Chair" not in html
    client.post("/logout")
    login_as(d.applicant)
    status, html = page(client, f"/applications/{d.id}")
    assert status == 200 and "not selected" in html  # rank 4 with a reserve of 1
    client.post("/logout")
    login_as(c.applicant)
    status, html = page(client, f"/applications/{c.id}")
    assert "number 1 on the reserve list" in html
    assert "The reserve list holds one project. 2 projects are selected." in html


def test_declining_from_the_page_promotes_the_reserve(client, login_as, chaired):
    call, (a, b, c, d, e), chair = chaired()
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(b.applicant)
    client.post(f"/applications/{b.id}/actions/decline", data={"version": str(b.version)})
    db.session.expire_all()
    assert (b.status, c.status) == ("declined", "selected")
    promote = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "promote"))
    assert promote.application_id == c.id


def test_the_proposal_page_costs_the_same_queries_for_5_or_60_dossiers(
    app, client, login_as, chaired
):
    counts = []
    for size, reference in [(5, "SMALL-2026"), (60, "LARGE-2026")]:
        call, apps, chair = chaired([[9 - (i % 9)] for i in range(size)], reference=reference)
        refresh_draft(call, actor=None)
        db.session.commit()
        login_as(chair)
        with QueryCounter(db.engine) as counter:
            assert client.get(f"/calls/{call.id}/selection?all=1").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]


def test_the_selected_applicant_confirms_from_their_home_page(client, login_as, chaired):
    call, (a, *_), chair = chaired()
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(a.applicant)
    status, html = page(client, "/my/applications")
    assert "Confirm your place before" in html and "Decline my place" in html
    client.post(f"/applications/{a.id}/actions/confirm", data={"version": str(a.version)})
    db.session.expire_all()
    assert a.status == "confirmed"
    status, html = page(client, "/my/applications")
    assert "Confirm your place before" not in html


def test_system_notes_are_said_in_the_readers_language(client, login_as, chaired):
    call, (a, b, c, d, e), chair = chaired()
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(a.applicant)
    client.post(f"/applications/{a.id}/actions/decline", data={"version": str(a.version)})
    client.post("/logout")
    chair.locale = "fr"
    db.session.commit()
    login_as(chair)
    french = client.get(
        f"/calls/{call.id}/selection/record", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "Repêché depuis la position 1 de la liste de réserve." in french
    assert "Promoted from reserve position" not in french


def test_the_scores_are_written_in_the_readers_language(client, login_as, chaired):
    call, apps, chair = chaired()
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/compute")
    client.post("/language", data={"locale": "fr"})
    for address in ("selection", "selection/record"):
        html = client.get(f"/calls/{call.id}/{address}").get_data(as_text=True)
        scores = re.findall(r'<td class="num">(\d+[.,]\d\d)</td>', html)
        assert len(scores) == len(apps), address
        assert all("," in score for score in scores), (address, scores)  # "90,00"
