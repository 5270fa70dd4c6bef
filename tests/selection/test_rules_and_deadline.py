"""The call's selection rules (tie-breaks, balance rules), the confirmation deadline,
withdrawal after selection, and the explanation each applicant gets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.applications.services import apply_transition
from app.audit.models import AuditEvent
from app.common.clock import utcnow
from app.extensions import db
from app.selection.explanation import explain, round_decisions
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.proposing import compute_proposal
from app.selection.reserve import expire_all_confirmations, expire_confirmations
from app.selection.services import current_round, publish, refresh_draft
from app.selection.standing import standings
from tests.helpers import outbox_messages


def statuses(applications):
    db.session.expire_all()
    return [application.status for application in applications]


def test_the_calls_tie_break_order_decides_a_tie(make_scored_call):
    # Same total; the first is better on criterion 1, the second on criterion 3 (same weight).
    first = {1: 9, 2: 7, 3: 5, 4: 7}
    second = {1: 5, 2: 7, 3: 9, 4: 7}
    call, (a, b) = make_scored_call([[first], [second]], quota=1, reserve_size=0)
    weights = {c.position: c.weight for c in call.criteria}
    assert sum(weights[p] * first[p] for p in first) == sum(weights[p] * second[p] for p in second)
    assert compute_proposal(call).ids("selected") == [a.id]  # by default: submitted first
    call.tie_breaks = [{"kind": "criterion_mean", "criterion": 3}]
    db.session.commit()
    proposal = compute_proposal(call)
    assert proposal.ids("selected") == [b.id]
    assert proposal.entry(a.id).tie_break.kind == "criterion_mean"
    call.tie_breaks = [{"kind": "criterion_mean", "criterion": 1}]
    db.session.commit()
    assert compute_proposal(call).ids("selected") == [a.id]


def test_a_balance_rule_of_the_call_skips_and_is_stored(make_scored_call):
    call, apps = make_scored_call([[9], [8], [7], [6]], quota=2, reserve_size=1)
    for application, sector in zip(apps, ["agri", "agri", "tech", "agri"], strict=True):
        application.answers = {**(application.answers or {}), "sector": sector}
    call.balance_rules = [{"attribute": "sector", "value": None, "kind": "at_most", "count": 1}]
    db.session.commit()
    refresh_draft(call, actor=None)
    db.session.commit()
    decisions = {d.application_id: d for d in current_round(call).decisions}
    a, b, c, d = apps
    assert [decisions[x.id].decision for x in apps] == [
        "selected",
        "reserve",
        "selected",
        "not_selected",
    ]
    assert decisions[b.id].pure_decision == "selected"
    assert decisions[b.id].adjustment["action"] == "skipped"
    assert decisions[b.id].adjustment["rule"]["attribute"] == "sector"
    assert all(decisions[x.id].stability is not None for x in apps)


def test_an_unmeetable_floor_is_recorded_on_the_round(make_scored_call):
    call, apps = make_scored_call([[9], [8], [7]], quota=2, reserve_size=0)
    for application in apps:
        application.answers = {**(application.answers or {}), "gender": "male"}
    call.balance_rules = [
        {"attribute": "gender", "value": "female", "kind": "at_least", "count": 1}
    ]
    db.session.commit()
    refresh_draft(call, actor=None)
    db.session.commit()
    (unmet,) = current_round(call).unsatisfied
    assert unmet["reason"] == "not_enough_candidates" and unmet["actual"] == 0


@pytest.fixture
def published(make_scored_call):
    """Quota 2, reserve 2, 7 days to confirm: A, B selected; C, D reserve; E not selected."""
    call, apps = make_scored_call([[9], [8], [7], [6], [5]], quota=2, reserve_size=2)
    call.confirmation_days = 7
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    return call, apps


def test_selected_decisions_get_a_deadline_the_others_none(published):
    call, apps = published
    deadlines = {
        d.application_id: d.confirm_by for d in db.session.scalars(select(SelectionDecision))
    }
    a, b, c, d, e = apps
    assert deadlines[c.id] is None and deadlines[e.id] is None
    assert timedelta(days=6, hours=23) < deadlines[a.id] - utcnow() <= timedelta(days=7)


def test_the_deadline_passing_frees_the_place_for_the_reserve(published):
    call, (a, b, c, d, e) = published
    apply_transition(a, "confirm", actor=a.applicant)
    db.session.commit()
    assert expire_confirmations(call) == []
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        lapsed = expire_all_confirmations()
        db.session.commit()
        # The promoted one gets a full new week.
        promoted = db.session.scalar(
            select(SelectionDecision).where(SelectionDecision.application_id == c.id)
        )
        assert promoted.confirm_by - utcnow() == timedelta(days=7)
    assert lapsed == 1
    assert statuses([a, b, c, d, e]) == [
        "confirmed",
        "declined",
        "selected",
        "reserve",
        "not_selected",
    ]
    lapse = db.session.scalar(
        select(AuditEvent).where(AuditEvent.application_id == b.id, AuditEvent.event == "lapse")
    )
    assert lapse.actor_id is None and "deadline" in lapse.note
    (told,) = [
        m for m in outbox_messages() if m.application_id == b.id and "reserve list" in m.subject
    ]
    assert "did not receive your confirmation" in told.body_text


def test_withdrawing_a_confirmed_place_promotes_from_the_reserve(published):
    call, (a, b, c, d, e) = published
    apply_transition(a, "confirm", actor=a.applicant)
    db.session.commit()
    apply_transition(a, "withdraw", actor=a.applicant)
    db.session.commit()
    assert statuses([a, c]) == ["withdrawn", "selected"]
    promotion = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "promote"))
    assert (promotion.application_id, promotion.actor_id) == (c.id, None)
    promoted_mail = [m for m in outbox_messages() if m.application_id == c.id]
    assert len(promoted_mail) == 2  # the reserve decision, then the promotion


def test_withdrawing_from_the_reserve_moves_nobody(published):
    call, (a, b, c, d, e) = published
    apply_transition(c, "withdraw", actor=c.applicant)
    db.session.commit()
    assert statuses([a, b, c, d]) == ["selected", "selected", "withdrawn", "reserve"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event == "promote")) is None


def test_the_explanation_gives_rank_cut_off_and_the_selected_groups_means(published):
    call, (a, b, c, d, e) = published
    assert explain(a).standing.decision == "selected"
    told = explain(e)
    standing = told.standing
    assert (standing.decision, standing.position, standing.ranked) == ("not_selected", 5, 5)
    assert (standing.selected, standing.reserve, standing.why, told.reasons) == (2, 2, "", ())
    assert standing.score == pytest.approx(50) and standing.cutoff == pytest.approx(80)
    assert standing.reserve_position is None and told.confirm_by is None
    assert len(told.criteria) == len(call.criteria)
    for criterion in told.criteria:
        assert criterion.own == pytest.approx(5)
        assert criterion.selected == pytest.approx(8.5)  # the means of A (9) and B (8)
    assert explain(d).standing.reserve_position == 2
    round_id = db.session.scalar(select(SelectionDecision.round_id).limit(1))
    whole = standings(round_decisions(round_id))
    assert {x.id: explain(x).standing for x in (a, b, c, d, e)} == whole


def test_no_explanation_before_publication(make_scored_call):
    call, (a, *_) = make_scored_call([[9], [8], [7]])
    refresh_draft(call, actor=None)
    db.session.commit()
    assert explain(a) is None
    assert db.session.scalar(select(SelectionRound.status)) == "draft"


def test_the_periodic_job_frees_late_places(published):
    from app.applications.models import Application
    from app.selection.tasks import expire_confirmations_task

    call, apps = published
    ids = [application.id for application in apps[:4]]
    assert expire_confirmations_task.call_local() == 0
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        assert expire_confirmations_task.call_local() == 2  # its own session, committed
    states = dict(db.session.execute(select(Application.id, Application.status)).all())
    assert [states[key] for key in ids] == ["declined", "declined", "selected", "selected"]
