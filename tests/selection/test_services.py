"""The selection's services: proposal, deliberation, publication, reserve promotion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import app.selection.services as services
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.selection.errors import AlreadyPublished, SelectionError
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.proposing import compute_proposal, selection_stability
from app.selection.reserve import confirm_place, decline_place, promote_from_reserve
from app.selection.services import override, publish, refresh_draft, save_draft_round
from tests.helpers import audit_count, audit_events, outbox_messages, race


def statuses(applications):
    db.session.expire_all()
    return [application.status for application in applications]


def emails_per_application():
    counts = {}
    for message in outbox_messages():
        counts[message.application_id] = counts.get(message.application_id, 0) + 1
    return counts


# Proposal ---------------------------------------------------------------------------


def test_proposal_from_a_hand_computed_ranking(make_scored_call):
    call, apps = make_scored_call([[8, 8], [9, 9], [5, 5], [7, 7], [3, 3]])
    proposal = compute_proposal(call)
    ids = [a.id for a in apps]
    assert proposal.ids("selected") == [ids[1], ids[0]]
    assert proposal.ids("reserve") == [ids[3]]
    assert proposal.ids("not_selected") == [ids[2], ids[4]]
    assert proposal.counts == {"selected": 2, "reserve": 1, "not_selected": 2}
    assert [c.score for c in proposal.candidates] == pytest.approx([90, 80, 70, 50, 30])


def test_a_tie_at_the_cut_off_is_broken_by_the_heaviest_criterion(make_scored_call):
    # Both total 67; "Project" (weight 35) decides, although B was submitted first.
    b = {1: 8, 2: 6, 3: 8, 4: 4}
    a = {1: 6, 2: 8, 3: 6, 4: 6}
    call, (first, second, low) = make_scored_call([[b], [a], [3]], quota=1, reserve_size=1)
    proposal = compute_proposal(call)
    assert proposal.ids("selected") == [second.id]
    assert proposal.ids("reserve") == [first.id]
    (record,) = proposal.tie_breaks
    assert record.boundary == "selection"
    assert (record.rule.kind, record.rule.criterion_id) == (
        "criterion_mean",
        next(c.id for c in call.criteria if c.name == "Project"),
    )


def test_then_the_lower_spread_then_the_earlier_submission(make_scored_call):
    call, apps = make_scored_call([[6, 8], [7, 7], [7, 7]], quota=1, reserve_size=1)
    proposal = compute_proposal(call)
    # equal means and criterion means: [7, 7] beats [6, 8] (lower std); the earlier of
    # the two [7, 7] comes first.
    assert [e.dossier_id for e in sorted(proposal.entries, key=lambda e: e.rank)] == [
        apps[1].id,
        apps[2].id,
        apps[0].id,
    ]
    assert [r.rule.kind for r in proposal.tie_breaks] == ["earlier_submission", "lower_std"]


def test_no_proposal_while_dossiers_wait_for_the_jury(make_scored_call, make_application):
    call, _ = make_scored_call([[8], [6]])
    make_application("in_review", call=call, complete=False)
    with pytest.raises(SelectionError, match="still waiting for the jury"):
        compute_proposal(call)


def test_stability_far_above_and_far_below_the_cut_off(make_scored_call):
    call, apps = make_scored_call(
        [[10, 10, 9], [6, 7, 5], [6, 5, 7], [1, 0, 1]], quota=2, reserve_size=1
    )
    proposal = compute_proposal(call)
    chances = selection_stability(call, proposal)
    assert chances[apps[0].id] == pytest.approx(1.0)
    assert chances[apps[3].id] == pytest.approx(0.0)
    assert 0.2 < chances[apps[1].id] < 0.9 and 0.2 < chances[apps[2].id] < 0.9
    assert sum(chances.values()) == pytest.approx(2)


# Draft and deliberation --------------------------------------------------------------


def test_save_draft_replaces_the_former_draft(make_scored_call):
    call, apps = make_scored_call([[8], [9], [5]])
    save_draft_round(call, compute_proposal(call), by=None)
    save_draft_round(call, compute_proposal(call), by=None)
    db.session.commit()
    rows = db.session.scalars(select(SelectionDecision)).all()
    assert len(rows) == 3
    assert {(r.application_id, r.decision, r.rank) for r in rows} == {
        (apps[1].id, "selected", 1),
        (apps[0].id, "selected", 2),
        (apps[2].id, "reserve", 3),
    }


@pytest.mark.parametrize("justification", ["", "   "])
def test_an_override_needs_a_justification(make_scored_call, justification):
    call, apps = make_scored_call([[8], [9], [5]])
    with pytest.raises(SelectionError, match="justification"):
        override(call, apps[2].id, "reserve", justification, actor=None)


def test_an_override_never_exceeds_the_quota(make_scored_call):
    call, apps = make_scored_call([[8], [9], [5], [4]])
    with pytest.raises(SelectionError, match="quota"):
        override(call, apps[2].id, "selected", "Strong local impact.", actor=None)


def test_overrides_are_kept_with_their_justification(make_scored_call):
    call, apps = make_scored_call([[8], [9], [5], [4]])
    override(call, apps[0].id, "not_selected", "Already funded elsewhere.", actor=None)
    proposal = override(call, apps[3].id, "selected", "Strong local impact.", actor=None)
    db.session.commit()
    assert proposal.ids("selected") == [apps[1].id, apps[3].id]
    assert proposal.ids("reserve") == [apps[2].id]
    stored = {d.application_id: d for d in db.session.scalars(select(SelectionDecision)).all()}
    assert stored[apps[0].id].decision == "not_selected"
    assert stored[apps[0].id].pure_decision == "selected"
    assert stored[apps[0].id].override_justification == "Already funded elsewhere."
    assert stored[apps[3].id].override_justification == "Strong local impact."
    # recomputing the draft keeps the deliberation
    again = refresh_draft(call, actor=None)
    assert again.ids("selected") == [apps[1].id, apps[3].id]


# Publication ------------------------------------------------------------------------


def test_publication_applies_every_decision_with_one_email_each(make_scored_call, make_chair):
    call, apps = make_scored_call([[8], [9], [5], [4]])
    override(call, apps[2].id, "not_selected", "Conflict found late.", actor=None)
    db.session.commit()
    chair = make_chair(call)
    counts = publish(call, actor=chair)
    db.session.commit()
    assert counts == {"selected": 2, "reserve": 1, "not_selected": 1}
    assert statuses(apps) == ["selected", "selected", "not_selected", "reserve"]
    assert emails_per_application() == {a.id: 1 for a in apps}
    moved, rejected = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.application_id == apps[2].id,
            AuditEvent.event.in_(["selection_moved", "reject"]),
        )
        .order_by(AuditEvent.id)
    )
    assert (moved.event, moved.actor_id, moved.note) == (
        "selection_moved",
        None,
        "Conflict found late.",
    )
    assert (moved.data["previous"], moved.data["decision"]) == ("reserve", "not_selected")
    # the chair's words stay in the move's row (the record), not in the dossier's change
    assert (rejected.event, rejected.actor_id, rejected.note) == ("reject", chair.id, None)
    selection = db.session.scalar(select(SelectionRound))
    assert (selection.status, selection.published_by_id) == ("published", chair.id)
    published = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event == "selection_published")
    )
    assert (published.actor_id, published.call_id, published.application_id) == (
        chair.id,
        call.id,
        None,
    )
    assert published.data == counts


def test_publishing_twice_changes_nothing(make_scored_call):
    call, apps = make_scored_call([[8], [9], [5], [4]])
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    with pytest.raises(AlreadyPublished):
        publish(call, actor=None)
    db.session.rollback()
    with pytest.raises(AlreadyPublished):
        override(call, apps[3].id, "selected", "Too late.", actor=None)
    db.session.rollback()
    assert emails_per_application() == {a.id: 1 for a in apps}
    # one decision each, and its letter
    assert all(audit_events(a.id)[1:] == ["letter_generated"] for a in apps)


def test_a_failure_half_way_leaves_nothing(make_scored_call, monkeypatch):
    call, apps = make_scored_call([[8], [9], [5], [4]])
    refresh_draft(call, actor=None)
    db.session.commit()
    before = audit_count()
    real = services.apply_transition
    calls = []

    def failing(application, trigger, **kwargs):
        calls.append(trigger)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(application, trigger, **kwargs)

    monkeypatch.setattr(services, "apply_transition", failing)
    with pytest.raises(RuntimeError):
        publish(call, actor=None)
    db.session.rollback()
    assert statuses(apps) == ["scored"] * 4
    assert outbox_messages() == [] and audit_count() == before
    assert db.session.scalar(select(SelectionRound.status)) == "draft"


def test_publication_refuses_a_draft_above_the_quota(make_scored_call):
    call, apps = make_scored_call([[8], [9], [5]])
    refresh_draft(call, actor=None)
    decision = db.session.scalar(
        select(SelectionDecision).where(SelectionDecision.application_id == apps[2].id)
    )
    decision.decision = "selected"
    db.session.commit()
    with pytest.raises(SelectionError, match="quota"):
        publish(call, actor=None)
    db.session.rollback()
    assert statuses(apps) == ["scored"] * 3 and outbox_messages() == []


def test_publication_refuses_an_out_of_date_draft(make_scored_call, make_application):
    call, _ = make_scored_call([[8], [9], [5]])
    refresh_draft(call, actor=None)
    make_application("scored", call=call, complete=False)
    with pytest.raises(SelectionError, match="changed since"):
        publish(call, actor=None)


def test_a_staff_member_may_not_publish(make_scored_call, make_user):
    from app.applications.services import NotPermitted

    call, apps = make_scored_call([[8], [9], [5]])
    refresh_draft(call, actor=None)
    with pytest.raises(NotPermitted):
        publish(call, actor=make_user(Role.STAFF))
    db.session.rollback()
    assert statuses(apps) == ["scored"] * 3


# After publication -------------------------------------------------------------------


@pytest.fixture
def published(make_scored_call):
    """Quota 2, reserve 2: A, B selected; C, D reserve (in that order); E not selected."""
    call, apps = make_scored_call([[9], [8], [7], [6], [5]], quota=2, reserve_size=2)
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    return call, apps


def test_confirming_keeps_the_place(published):
    call, (a, *_) = published
    confirm_place(a, actor=a.applicant)
    db.session.commit()
    assert a.status == "confirmed" and promote_from_reserve(call) == []


def test_only_the_owner_declines(published, make_user):
    from app.applications.services import NotPermitted

    call, (a, *_) = published
    with pytest.raises(NotPermitted):
        decline_place(a, actor=make_user(Role.APPLICANT))


def test_two_declines_in_a_row_promote_the_reserve_in_order(published):
    call, (a, b, c, d, e) = published
    assert decline_place(a, actor=a.applicant) == [c]
    db.session.commit()
    assert decline_place(b, actor=b.applicant) == [d]
    db.session.commit()
    assert statuses([a, b, c, d, e]) == [
        "declined",
        "declined",
        "selected",
        "selected",
        "not_selected",
    ]
    assert emails_per_application() == {a.id: 1, b.id: 1, c.id: 2, d.id: 2, e.id: 1}
    promotion = db.session.scalar(
        select(AuditEvent).where(AuditEvent.application_id == c.id, AuditEvent.event == "promote")
    )
    assert promotion.actor_id is None and "position 1" in promotion.note


def test_a_declined_promotion_goes_on_down_the_reserve_until_it_is_empty(published):
    call, (a, b, c, d, e) = published
    decline_place(a, actor=a.applicant)
    db.session.commit()
    assert decline_place(c, actor=c.applicant) == [d]  # the promoted one declines too
    db.session.commit()
    assert decline_place(d, actor=d.applicant) == []  # the reserve is empty
    db.session.commit()
    assert statuses([a, b, c, d, e]) == [
        "declined",
        "selected",
        "declined",
        "declined",
        "not_selected",
    ]
    assert e.status == "not_selected"


def test_promotion_fills_several_free_places_at_once(published):
    call, (a, b, c, d, e) = published
    for application in (a, b):
        application.status = "declined"  # e.g. declined before the automatic promotion ran
    db.session.commit()
    assert promote_from_reserve(call) == [c, d]
    assert promote_from_reserve(call) == []


def test_no_promotion_before_publication(make_scored_call):
    call, _ = make_scored_call([[9], [8], [7]])
    refresh_draft(call, actor=None)
    assert promote_from_reserve(call) == []
    assert db.session.scalar(select(Application.status).limit(1)) == "scored"


@pytest.mark.postgres
def test_two_chairs_publishing_at_once_publish_once(app, make_scored_call, make_chair):
    from app.auth.models import User
    from app.calls.models import Call

    call, apps = make_scored_call([[9], [8], [7], [6], [5]], quota=2, reserve_size=2)
    refresh_draft(call, actor=None)
    db.session.commit()
    call_id, chair_ids = call.id, [make_chair(call).id for _ in range(2)]

    def publish_as(chair_id, ready):
        mine = db.session.get(Call, call_id)
        actor = db.session.get(User, chair_id)
        ready()
        publish(mine, actor=actor)
        db.session.commit()

    named = {"won": "published", "lost": "already"}
    outcomes = [named.get(o, o) for o in race(app, publish_as, chair_ids, lost=(AlreadyPublished,))]
    assert sorted(outcomes) == ["already", "published"]
    assert statuses(apps).count("selected") == 2
    assert emails_per_application() == {a.id: 1 for a in apps}
    # one decision each, and its letter
    assert all(audit_events(a.id)[1:] == ["letter_generated"] for a in apps)


def test_closing_scoring_makes_fully_reviewed_dossiers_ready_for_selection(
    make_scored_call, make_user
):
    from app.applications.models import Application
    from app.audit.models import AuditEvent
    from app.auth.models import Role
    from app.jury.models import JuryAssignment
    from app.jury.scoring import set_scoring_open

    call, (done, waiting) = make_scored_call([[7, 8], [5, 6]], status="in_review")
    late = db.session.scalars(
        db.select(JuryAssignment).where(JuryAssignment.application_id == waiting.id)
    ).first()
    late.review.status = "draft"
    db.session.commit()
    staff = make_user(Role.STAFF)
    pending = set_scoring_open(call, False, actor=staff)
    db.session.commit()
    db.session.expire_all()
    assert [a.application_id for a in pending] == [waiting.id]
    assert db.session.get(Application, done.id).status == "scored"
    assert db.session.get(Application, waiting.id).status == "in_review"
    entry = db.session.scalar(db.select(AuditEvent).where(AuditEvent.application_id == done.id))
    assert (entry.event, entry.actor_id) == ("complete_review", staff.id)
