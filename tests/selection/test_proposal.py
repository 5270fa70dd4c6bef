"""The selection proposal against hand-computed cases (see app/selection/proposal.py)."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.selection.proposal import (
    SMALLER_ID,
    Adjustment,
    BalanceRule,
    Candidate,
    Override,
    TieBreak,
    apply_overrides,
    propose,
)

CRITERION = TieBreak("criterion_mean", criterion_id=3)
LOWER_STD = TieBreak("lower_std")
EARLIER = TieBreak("earlier_submission")
CALL_RULES = (CRITERION, LOWER_STD, EARLIER)
PER_SECTOR_2 = BalanceRule("sector", None, "at_most", 2)
WOMEN_2 = BalanceRule("gender", "F", "at_least", 2)


def day(number):
    return datetime(2026, 3, number, tzinfo=UTC)


FIRST_DAY = day(1)


def candidate(dossier_id, score, *, mean3=5.0, std=1.0, at=FIRST_DAY, **attributes):
    return Candidate(dossier_id, score, std, {3: mean3}, at, attributes)


def decisions(proposal, *, pure=False):
    return {d: proposal.ids(d, pure=pure) for d in ("selected", "reserve", "not_selected")}


#: Pairs tied on the score, each decided by the first tie-break rule that differs.
TIED_PAIRS = [
    # criterion 3: 8 beats 6, although the other one has the lower std and the earlier date
    (dict(mean3=6.0, std=1.0, at=day(1)), dict(mean3=8.0, std=9.0, at=day(9)), CRITERION),
    # same criterion mean, std 2 beats 4 despite the later date
    (dict(std=4.0, at=day(1)), dict(std=2.0, at=day(9)), LOWER_STD),
    # everything equal but the date
    (dict(at=day(5)), dict(at=day(2)), EARLIER),
    # everything equal: the smaller dossier id (the first of the pair) comes first
    (dict(), dict(), SMALLER_ID),
]


@pytest.mark.parametrize(("first", "second", "rule"), TIED_PAIRS)
@pytest.mark.parametrize(("quota", "boundary"), [(2, "selection"), (1, "reserve")])
def test_a_tie_at_a_boundary_is_broken_by_the_rules_in_order(first, second, rule, quota, boundary):
    # dossier 1 scores 90; dossiers 2 and 3 tie on 70 at ranks 2 and 3; dossier 4 scores 10
    rows = [candidate(1, 90), candidate(2, 70, **first), candidate(3, 70, **second)]
    rows.append(candidate(4, 10))
    proposal = propose(rows, quota=quota, reserve_size=1, tie_breaks=CALL_RULES)
    winner, loser = (2, 3) if rule is SMALLER_ID else (3, 2)
    ranked = sorted(proposal.entries, key=lambda e: e.rank)
    assert [e.dossier_id for e in ranked] == [1, winner, loser, 4]
    (record,) = proposal.tie_breaks
    assert (record.above, record.below, record.rank, record.rule) == (winner, loser, 2, rule)
    assert record.boundary == boundary
    assert proposal.entry(winner).tie_break == rule
    assert proposal.entry(loser).tie_break == rule
    assert proposal.entry(1).tie_break is None
    if boundary == "selection":  # quota 2, reserve 1
        assert decisions(proposal)["selected"] == [1, winner]
        assert proposal.entry(loser).reserve_position == 1
    else:  # quota 1, reserve 1: the reserve boundary lies between ranks 2 and 3
        assert decisions(proposal)["reserve"] == [winner]
        assert proposal.entry(loser).decision == "not_selected"


def test_the_order_of_the_tie_break_rules_matters():
    # 2 wins on the criterion, 3 on the standard deviation
    rows = [candidate(2, 70, mean3=8.0, std=9.0), candidate(3, 70, mean3=6.0, std=1.0)]
    by_criterion = propose(rows, quota=1, reserve_size=0, tie_breaks=(CRITERION, LOWER_STD))
    by_std = propose(rows, quota=1, reserve_size=0, tie_breaks=(LOWER_STD, CRITERION))
    assert by_criterion.ids("selected") == [2]
    assert by_std.ids("selected") == [3]
    assert by_std.tie_breaks[0].rule == LOWER_STD


def test_a_three_way_tie_records_each_adjacent_pair():
    rows = [
        candidate(5, 50, mean3=7.0, std=3.0),
        candidate(6, 50, mean3=9.0),
        candidate(7, 50, mean3=7.0, std=1.0),
    ]
    proposal = propose(rows, quota=1, reserve_size=1, tie_breaks=CALL_RULES)
    records = [(r.above, r.below, r.rule, r.boundary) for r in proposal.tie_breaks]
    assert records == [(6, 7, CRITERION, "selection"), (7, 5, LOWER_STD, "reserve")]
    # 7 is tied with both neighbours: the rule against the one above is kept
    assert proposal.entry(7).tie_break == CRITERION


def test_pure_decisions_and_counts_without_rules():
    rows = [candidate(i, 100 - i) for i in range(1, 8)]
    proposal = propose(rows, quota=3, reserve_size=2, tie_breaks=CALL_RULES)
    assert decisions(proposal) == {
        "selected": [1, 2, 3],
        "reserve": [4, 5],
        "not_selected": [6, 7],
    }
    assert decisions(proposal, pure=True) == decisions(proposal)
    assert [e.reserve_position for e in proposal.entries] == [None] * 3 + [1, 2] + [None] * 2
    assert proposal.counts == {"selected": 3, "reserve": 2, "not_selected": 2}
    assert proposal.tie_breaks == () and proposal.adjustments == () and proposal.changed == []


def test_a_quota_larger_than_the_candidates():
    proposal = propose(
        [candidate(1, 50), candidate(2, 60)], quota=30, reserve_size=10, tie_breaks=()
    )
    assert decisions(proposal) == {"selected": [2, 1], "reserve": [], "not_selected": []}
    assert propose([], quota=30, reserve_size=10, tie_breaks=()).entries == ()


def test_at_most_per_sector_skips_to_the_next_eligible_rank():
    sectors = {1: "A", 2: "A", 3: "A", 4: "B", 5: "A", 6: "C"}
    rows = [candidate(i, 100 - i, sector=s) for i, s in sectors.items()]
    proposal = propose(
        rows, quota=3, reserve_size=2, tie_breaks=CALL_RULES, balance_rules=[PER_SECTOR_2]
    )
    assert decisions(proposal, pure=True) == {
        "selected": [1, 2, 3],
        "reserve": [4, 5],
        "not_selected": [6],
    }
    # 3 would be the third A: skipped for 4 (B); 5 is never examined, the quota is full
    assert decisions(proposal) == {"selected": [1, 2, 4], "reserve": [3, 5], "not_selected": [6]}
    assert proposal.adjustments == (Adjustment("skipped", 3, PER_SECTOR_2),)
    assert proposal.entry(3).reserve_position == 1
    assert [e.dossier_id for e in proposal.changed] == [4, 3]
    assert proposal.unsatisfied == ()


def test_at_most_for_one_value_and_places_left_empty():
    rule = BalanceRule("sector", "A", "at_most", 1)
    rows = [candidate(i, 100 - i, sector="A") for i in range(1, 4)]
    proposal = propose(rows, quota=2, reserve_size=5, tie_breaks=(), balance_rules=[rule])
    assert decisions(proposal) == {"selected": [1], "reserve": [2, 3], "not_selected": []}
    assert [a.dossier_id for a in proposal.adjustments] == [2, 3]


def test_at_least_promotes_and_displaces_the_lowest_ranked():
    genders = {1: "M", 2: "F", 3: "M", 4: "M", 5: "F", 6: "F"}
    rows = [candidate(i, 100 - i, gender=g) for i, g in genders.items()]
    proposal = propose(
        rows, quota=3, reserve_size=1, tie_breaks=CALL_RULES, balance_rules=[WOMEN_2]
    )
    assert decisions(proposal) == {"selected": [1, 2, 5], "reserve": [3], "not_selected": [4, 6]}
    assert proposal.adjustments == (
        Adjustment("promoted", 5, WOMEN_2, 3),
        Adjustment("displaced", 3, WOMEN_2, 5),
    )
    assert proposal.entry(5).pure_decision == "not_selected"
    assert proposal.unsatisfied == ()


def test_at_least_never_displaces_a_candidate_another_rule_needs():
    sector_b = BalanceRule("sector", "B", "at_least", 1)
    people = {1: ("M", "A"), 2: ("F", "A"), 3: ("M", "B"), 4: ("M", "A"), 5: ("F", "A")}
    rows = [candidate(i, 100 - i, gender=g, sector=s) for i, (g, s) in people.items()]
    proposal = propose(
        rows, quota=3, reserve_size=1, tie_breaks=(), balance_rules=[sector_b, WOMEN_2]
    )
    # 3 is the only B and 2 a woman: 1 is the lowest-ranked candidate nobody needs
    assert decisions(proposal)["selected"] == [2, 3, 5]
    assert proposal.adjustments[0] == Adjustment("promoted", 5, WOMEN_2, 1)


def test_an_unsatisfiable_rule_is_reported():
    rule = BalanceRule("gender", "F", "at_least", 3)
    genders = {1: "M", 2: "M", 3: "F", 4: "M", 5: "F"}
    rows = [candidate(i, 100 - i, gender=g) for i, g in genders.items()]
    proposal = propose(rows, quota=3, reserve_size=0, tie_breaks=(), balance_rules=[rule])
    assert decisions(proposal)["selected"] == [1, 3, 5]  # both women promoted, 2 displaced
    (unmet,) = proposal.unsatisfied
    assert (unmet.rule, unmet.value, unmet.required, unmet.actual) == (rule, "F", 3, 2)
    assert unmet.reason == "not_enough_candidates"
    assert "at least 3 selected with gender=F: 2" in unmet.message


def test_a_floor_blocked_by_a_cap_is_reported():
    people = {1: ("M", "B"), 2: ("F", "A"), 3: ("M", "C"), 4: ("F", "A")}
    rows = [candidate(i, 100 - i, gender=g, sector=s) for i, (g, s) in people.items()]
    cap = BalanceRule("sector", None, "at_most", 1)
    proposal = propose(rows, quota=3, reserve_size=0, tie_breaks=(), balance_rules=[cap, WOMEN_2])
    assert decisions(proposal)["selected"] == [1, 2, 3]
    assert proposal.unsatisfied[0].reason == "blocked_by_other_rules"


@pytest.mark.parametrize(
    "bad",
    [
        lambda: TieBreak("coin"),
        lambda: TieBreak("criterion_mean"),
        lambda: BalanceRule("gender", None, "at_least", 1),
        lambda: BalanceRule("sector", None, "at_most", -1),
        lambda: propose([candidate(1, 1), candidate(1, 2)], quota=1, reserve_size=0, tie_breaks=()),
        lambda: propose([], quota=-1, reserve_size=0, tie_breaks=()),
    ],
)
def test_invalid_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


@pytest.fixture
def five():
    """Ranks 1-5 = dossiers 1-5: selected 1, 2; reserve 3, 4; not selected 5."""
    rows = [candidate(i, 100 - i, gender="F" if i == 1 else "M") for i in range(1, 6)]
    return propose(
        rows,
        quota=2,
        reserve_size=2,
        tie_breaks=(),
        balance_rules=[BalanceRule("gender", "F", "at_least", 1)],
    )


@pytest.mark.parametrize("justification", ["", "   ", None])
def test_an_override_needs_a_justification(five, justification):
    with pytest.raises(ValueError, match="justification"):
        apply_overrides(five, [Override(2, "not_selected", justification)])


def test_moving_in_when_full_needs_a_move_out(five):
    with pytest.raises(ValueError, match="quota of 2"):
        apply_overrides(five, [Override(5, "selected", "Unique regional impact")])


def test_moving_in_and_out_recomputes_the_reserve_by_rank(five):
    moves = [Override(5, "selected", "Regional impact"), Override(2, "not_selected", "Conflict")]
    result = apply_overrides(five, moves)
    assert decisions(result) == {"selected": [1, 5], "reserve": [3, 4], "not_selected": [2]}
    assert decisions(result, pure=True) == decisions(five)
    assert result.entry(5).override.justification == "Regional impact"
    assert result.overrides == tuple(moves)
    assert decisions(five)["selected"] == [1, 2]  # the proposal itself is unchanged


def test_a_dossier_moved_to_the_reserve_keeps_a_place_there(five):
    moves = [Override(5, "selected", "Regional impact"), Override(2, "reserve", "Keep close")]
    result = apply_overrides(five, moves)
    assert decisions(result) == {"selected": [1, 5], "reserve": [2, 3], "not_selected": [4]}
    result = apply_overrides(five, [Override(5, "reserve", "Promising")])
    assert decisions(result) == {"selected": [1, 2], "reserve": [3, 5], "not_selected": [4]}
    assert result.entry(5).reserve_position == 2


def test_moving_out_alone_leaves_a_place_and_breaking_a_rule_is_reported(five):
    result = apply_overrides(five, [Override(1, "not_selected", "Already funded")])
    assert decisions(result) == {"selected": [2], "reserve": [3, 4], "not_selected": [1, 5]}
    (unmet,) = result.unsatisfied
    assert (unmet.value, unmet.actual, unmet.reason) == ("F", 0, "overridden")
    later = apply_overrides(result, [Override(1, "selected", "Funding fell through")])
    assert decisions(later)["selected"] == [1, 2] and later.unsatisfied == ()
    assert len(later.overrides) == 2


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        ([Override(9, "selected", "x")], "not in the proposal"),
        ([Override(3, "elected", "x")], "Unknown decision"),
        ([Override(3, "reserve", "x"), Override(3, "selected", "y")], "twice"),
        ([Override(i, "reserve", "x") for i in (1, 2, 5)], "reserve holds 2"),
    ],
)
def test_invalid_overrides_are_refused(five, moves, message):
    with pytest.raises(ValueError, match=message):
        apply_overrides(five, moves)


CANDIDATES = st.lists(
    st.builds(
        candidate,
        st.integers(0, 10**6),
        st.sampled_from([40.0, 50.0, 60.0, 70.0]),
        mean3=st.sampled_from([4.0, 6.0]),
        std=st.sampled_from([1.0, 2.0]),
        at=st.sampled_from([day(1), day(2), None]),
        sector=st.sampled_from("ABC"),
        gender=st.sampled_from("FM"),
    ),
    max_size=25,
    unique_by=lambda c: c.dossier_id,
)
RULES = st.lists(
    st.sampled_from(
        [
            PER_SECTOR_2,
            WOMEN_2,
            BalanceRule("sector", "C", "at_least", 3),
            BalanceRule("gender", "M", "at_most", 3),
        ]
    ),
    unique=True,
)


@settings(max_examples=150, deadline=None)
@given(CANDIDATES, st.integers(0, 12), st.integers(0, 6), RULES)
def test_invariants(rows, quota, reserve_size, rules):
    proposal = propose(
        rows, quota=quota, reserve_size=reserve_size, tie_breaks=CALL_RULES, balance_rules=rules
    )
    for pure in (False, True):
        chosen = decisions(proposal, pure=pure)
        assert len(chosen["selected"]) <= quota
        assert len(chosen["reserve"]) <= reserve_size
        every = [i for ids in chosen.values() for i in ids]
        assert sorted(every) == sorted(c.dossier_id for c in rows)
    assert sorted(e.rank for e in proposal.entries) == list(range(1, len(rows) + 1))
    positions = [proposal.entry(i).reserve_position for i in proposal.ids("reserve")]
    assert positions == list(range(1, len(positions) + 1))
    assert (
        proposal.ids("selected", pure=True)
        == [e.dossier_id for e in sorted(proposal.entries, key=lambda e: e.rank)][:quota]
    )
    assert (
        propose(
            list(reversed(rows)),
            quota=quota,
            reserve_size=reserve_size,
            tie_breaks=CALL_RULES,
            balance_rules=rules,
        )
        == proposal
    )
