"""What an applicant reads after the deliberation never contradicts their outcome
(app/selection/standing.py): random rankings, balance rules and chair's moves."""

from __future__ import annotations

import html
from types import SimpleNamespace

from flask import render_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.selection.explanation import Explanation
from app.selection.proposal import BalanceRule, Override, apply_overrides, propose
from app.selection.standing import (
    Reason,
    RoundFigures,
    position_of,
    published,
    standing_of,
    standings,
    stored_decisions,
)
from app.selection.wording import reason_texts
from tests.selection.test_proposal import CALL_RULES, candidate
from workflows.selection import MoveReason

CANDIDATES = st.lists(
    st.builds(
        candidate,
        st.integers(1, 10**6),
        st.sampled_from([40.0, 49.8, 50.0, 55.5, 60.0, 70.0, 82.25]),
        mean3=st.sampled_from([4.0, 6.0]),
        std=st.sampled_from([1.0, 2.0]),
        sector=st.sampled_from("ABC"),
        gender=st.sampled_from("FM"),
    ),
    min_size=1,
    max_size=24,
    unique_by=lambda c: c.dossier_id,
)
RULES = st.lists(
    st.sampled_from(
        [
            BalanceRule("sector", None, "at_most", 2),
            BalanceRule("gender", "F", "at_least", 2),
            BalanceRule("sector", "C", "at_least", 3),
            BalanceRule("gender", "M", "at_most", 3),
        ]
    ),
    unique=True,
    max_size=3,
)
#: Moves as (index of the dossier, decision, reason), applied one step at a time; a move
#: the rules refuse (a full selection, a full reserve) is left out, as the chair's page does.
MOVES = st.lists(
    st.tuples(
        st.integers(0, 23),
        st.sampled_from(["selected", "reserve", "not_selected"]),
        st.sampled_from(list(MoveReason)),
    ),
    max_size=6,
)
#: The chair's own words: never in what an applicant reads.
PRIVATE = "Her cousin sits on the jury"


def deliberate(rows, quota, reserve_size, rules, moves):
    """The proposal after the moves that fit, as a round stores it."""
    proposal = propose(
        rows, quota=quota, reserve_size=reserve_size, tie_breaks=CALL_RULES, balance_rules=rules
    )
    for index, decision, reason in moves:
        dossier = rows[index % len(rows)].dossier_id
        outgoing = []
        if decision == "selected" and len(proposal.ids("selected")) >= quota:
            outgoing = [o for o in proposal.ids("selected") if o != dossier][-1:]
        step = [Override(dossier, decision, PRIVATE, reason)]
        step += [Override(o, "not_selected", PRIVATE, reason) for o in outgoing]
        try:
            proposal = apply_overrides(proposal, step)
        except ValueError:
            continue
    return stored_decisions(proposal)


@settings(max_examples=400, deadline=None)
@given(CANDIDATES, st.integers(1, 12), st.integers(0, 6), RULES, MOVES)
def test_no_figure_contradicts_the_outcome(rows, quota, reserve_size, rules, moves):
    stored = deliberate(rows, quota, reserve_size, rules, moves)
    found = standings(published(row) for row in stored)
    decisions = {row["application_id"]: row["decision"] for row in stored}
    selected = [i for i, d in decisions.items() if d == "selected"]
    reserve = [i for i, d in decisions.items() if d == "reserve"]
    cutoff = min((row["score"] for row in stored if row["decision"] == "selected"), default=None)
    assert sorted(s.position for s in found.values()) == list(range(1, len(rows) + 1))
    for dossier, standing in found.items():
        assert standing.decision == decisions[dossier]
        assert (standing.ranked, standing.selected, standing.reserve) == (
            len(rows),
            len(selected),
            len(reserve),
        )
        assert standing.cutoff == cutoff
        if standing.decision == "selected":
            # "among the N selected"
            assert 1 <= standing.position <= standing.selected
            assert standing.score >= standing.cutoff
        elif standing.decision == "reserve":
            # "number k of the reserve list of R", right after the selected ones
            assert 1 <= standing.reserve_position <= standing.reserve == len(reserve)
            assert standing.position == standing.selected + standing.reserve_position
        else:
            assert standing.reserve_position is None
            assert standing.position > standing.selected + standing.reserve
        if standing.decision != "selected" and cutoff is not None and standing.score > cutoff:
            # a score above the cut-off, and not selected: the deliberation is said, with why
            assert standing.why in ("moved", "above_cutoff") and standing.reasons
        if standing.why:
            assert standing.reasons, standing
        for reason in standing.reasons:  # a category or a rule, never words or names
            assert isinstance(reason, Reason)
            assert (reason.category in list(MoveReason)) != (reason.rule in rules)
        if standing.why == "moved":
            row = next(r for r in stored if r["application_id"] == dossier)
            assert row["decision"] != row["pure_decision"]


@settings(max_examples=300, deadline=None)
@given(CANDIDATES, st.integers(1, 12), st.integers(0, 6), RULES, MOVES)
def test_one_dossiers_standing_needs_only_the_head_of_the_round_and_two_counts(
    rows, quota, reserve_size, rules, moves
):
    """What an applicant's page reads (app.selection.explanation): the selected, reserve and
    changed decisions, its own, and how many were ranked and not selected above it; the
    same standing as the whole round's computation."""
    decisions = [published(row) for row in deliberate(rows, quota, reserve_size, rules, moves)]
    whole = standings(decisions)
    for own in decisions:
        head = [
            row
            for row in decisions
            if row.decision != "not_selected" or row.decision != row.pure_decision or row is own
        ]
        before = sum(row.decision == "not_selected" and row.rank < own.rank for row in decisions)
        figures = RoundFigures.of(head, ranked=len(decisions))
        alone = standing_of(own, position_of(own, figures, before), figures)
        assert alone == whole[own.dossier_id]


def test_a_dossier_moved_out_reads_the_final_order_and_the_reason_of_the_move():
    """The issue's case: moved out to the reserve by the chair with a score above the
    cut-off; the dossier moved in, ranked below the places, reads it is selected."""
    rows = [candidate(i, score) for i, score in enumerate([90, 80, 70, 49.8, 45, 40], start=1)]
    proposal = propose(rows, quota=3, reserve_size=2, tie_breaks=CALL_RULES)
    proposal = apply_overrides(
        proposal,
        [
            Override(3, "reserve", PRIVATE, MoveReason.FEASIBILITY),
            Override(6, "selected", PRIVATE, MoveReason.PROGRAMME_FIT),
        ],
    )
    found = standings(published(row) for row in stored_decisions(proposal))
    moved_out, moved_in, waiting, last = found[3], found[6], found[4], found[5]
    assert (moved_in.decision, moved_in.position, moved_in.selected) == ("selected", 3, 3)
    assert moved_in.why == "moved"
    assert moved_in.reasons == (Reason(MoveReason.PROGRAMME_FIT),)
    assert moved_out.decision == "reserve" and moved_out.cutoff == 40
    assert (moved_out.position, moved_out.reserve_position, moved_out.reserve) == (4, 1, 2)
    assert moved_out.why == "moved"
    assert moved_out.reasons == (Reason(MoveReason.FEASIBILITY),)
    # not moved, but above the new cut-off: told why a lower score is selected
    assert (waiting.decision, waiting.reserve_position, waiting.why) == (
        "reserve",
        2,
        "above_cutoff",
    )
    assert waiting.reasons == (Reason(MoveReason.PROGRAMME_FIT),)
    # pushed off the reserve by the dossier the chair kept there
    assert (last.decision, last.position, last.why) == ("not_selected", 6, "above_cutoff")


def test_a_balance_rule_is_the_reason_of_the_dossiers_it_moves():
    women = BalanceRule("gender", "F", "at_least", 1)
    rows = [
        candidate(1, 90, gender="M"),
        candidate(2, 80, gender="M"),
        candidate(3, 60, gender="F"),
        candidate(4, 50, gender="M"),
    ]
    proposal = propose(rows, quota=2, reserve_size=1, tie_breaks=CALL_RULES, balance_rules=[women])
    found = standings(published(row) for row in stored_decisions(proposal))
    assert (found[3].decision, found[3].why, found[3].reasons) == (
        "selected",
        "moved",
        (Reason(rule=women),),
    )
    assert (found[2].decision, found[2].why, found[2].reasons) == (
        "reserve",
        "moved",
        (Reason(rule=women),),
    )
    assert (found[2].position, found[2].cutoff) == (3, 60)
    assert (found[4].decision, found[4].why) == ("not_selected", "")


def test_without_moves_nothing_is_said_and_the_figures_are_the_ranking():
    rows = [candidate(i, 100 - 10 * i) for i in range(1, 6)]
    proposal = propose(rows, quota=2, reserve_size=1, tie_breaks=CALL_RULES)
    found = standings(published(row) for row in stored_decisions(proposal))
    assert [found[i].position for i in range(1, 6)] == [1, 2, 3, 4, 5]
    assert {s.why for s in found.values()} == {""}
    assert found[3].reserve_position == 1 and found[5].cutoff == 80


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CANDIDATES, st.integers(1, 12), st.integers(0, 6), RULES, MOVES)
def test_the_applicants_page_reads_what_the_standing_says(
    app, rows, quota, reserve_size, rules, moves
):
    """The applicant's outcome card, rendered for every dossier of a random deliberation:
    its words agree with the decision (the letter reads the same Explanation)."""
    stored = deliberate(rows, quota, reserve_size, rules, moves)
    call = SimpleNamespace(form_version_id=None)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for dossier, standing in standings(published(row) for row in stored).items():
            outcome = Explanation(
                standing,
                confirm_by=None,
                reasons=tuple(reason_texts(standing.reasons, call)),
                criteria=(),
            )
            application = SimpleNamespace(id=dossier, version=0, status=standing.decision)
            page = " ".join(
                html.unescape(
                    render_template(
                        "selection/_outcome.html", outcome=outcome, application=application
                    )
                ).split()
            )
            if standing.decision == "selected":
                assert (
                    f"among the {standing.selected} projects selected" in page
                    if standing.selected > 1
                    else "the only project selected" in page
                )
            elif standing.decision == "reserve":
                assert f"number {standing.reserve_position} on the reserve list" in page
                assert (
                    f"The reserve list holds {standing.reserve} projects." in page
                    if standing.reserve > 1
                    else "The reserve list holds one project." in page
                )
                assert standing.reserve_position <= standing.reserve
            else:
                assert f"at position {standing.position} of {standing.ranked}" in page
            above = standing.cutoff is not None and standing.score > standing.cutoff
            if standing.decision != "selected" and above:
                assert "the jury's deliberation" in page.lower() and "Reason: " in page
            assert PRIVATE not in page
