"""The automatic assignment's invariants, on randomised inputs (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.jury.assignment import Dossier, Existing, Juror, plan_assignment

LANGUAGES = ["fr", "nl", "ar", "en"]


@st.composite
def inputs(draw, max_conflict_share=0.25):
    k = draw(st.integers(1, 3))
    jurors = [
        Juror(100 + n, frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))))
        for n in range(draw(st.integers(k, 9)))
    ]
    dossiers = [
        Dossier(n, frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))))
        for n in range(1, draw(st.integers(0, 25)) + 1)
    ]
    pairs = [(d.id, j.id) for d in dossiers for j in jurors]
    conflicts = draw(
        st.sets(st.sampled_from(pairs), max_size=int(len(pairs) * max_conflict_share))
        if pairs
        else st.just(set())
    )
    return dossiers, jurors, conflicts, k


def _check(plan, dossiers, jurors, conflicts, k, existing=()):
    counted = {d.id: 0 for d in dossiers}
    juror_ids = {j.id for j in jurors}
    for item in existing:
        if item.juror_id in juror_ids and (item.dossier_id, item.juror_id) not in conflicts:
            counted[item.dossier_id] += 1
    for dossier_id, juror_id in plan.new:
        assert (dossier_id, juror_id) not in conflicts
        assert juror_id in juror_ids
        counted[dossier_id] += 1
    assert len(set(plan.new)) == len(plan.new)
    assert all(count == k for count in counted.values()), counted


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_exactly_k_no_conflict_balanced_or_problems(data):
    dossiers, jurors, conflicts, k = data
    plan = plan_assignment(dossiers, jurors, conflicts, [], k)
    if plan.problems:
        assert plan.new == [] and plan.released == []  # nothing half-way
        for problem in plan.problems:
            allowed = len(jurors) - sum(
                1 for j in jurors if (problem.dossier_id, j.id) in conflicts
            )
            assert allowed < k and problem.candidates == allowed and problem.needed == k
        return
    _check(plan, dossiers, jurors, conflicts, k)
    loads = list(plan.loads.values())
    if plan.balanced:
        assert max(loads) - min(loads) <= 1
    assert plan == plan_assignment(list(reversed(dossiers)), jurors, conflicts, [], k)


@settings(max_examples=100, deadline=None)
@given(inputs(max_conflict_share=0.0))
def test_without_conflicts_loads_are_within_one(data):
    dossiers, jurors, _, k = data
    plan = plan_assignment(dossiers, jurors, set(), [], k)
    assert plan.ok and plan.balanced
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1


@settings(max_examples=100, deadline=None)
@given(inputs(), st.data())
def test_a_rerun_only_fills_gaps_and_never_moves_a_started_review(data, more):
    dossiers, jurors, conflicts, k = data
    first = plan_assignment(dossiers, jurors, conflicts, [], k)
    if not first.ok or not first.new:
        return
    started = set(more.draw(st.sets(st.sampled_from(first.new))))
    # A late conflict on some assignments, and one juror leaving.
    late = set(more.draw(st.sets(st.sampled_from(first.new), max_size=3)))
    leaving = more.draw(st.sampled_from(jurors))
    staying = [j for j in jurors if j != leaving]
    existing = [Existing(d, j, (d, j) in started) for d, j in first.new]
    second = plan_assignment(dossiers, staying, conflicts | late, existing, k)
    for d, j in started:
        assert (d, j) not in second.released
    assert not set(second.new) & set(first.new)
    kept = [e for e in existing if (e.dossier_id, e.juror_id) not in second.released]
    if second.ok:
        _check(second, dossiers, staying, conflicts | late, k, kept)
        unchanged = plan_assignment(dossiers, jurors, conflicts, existing, k)
        assert unchanged.new == [] and unchanged.released == []
    else:
        assert second.new == [] and second.released == []


def test_impossible_constraints_list_the_dossiers_and_assign_nothing():
    jurors = [Juror(1), Juror(2), Juror(3)]
    dossiers = [Dossier(10), Dossier(11), Dossier(12)]
    plan = plan_assignment(dossiers, jurors, {(11, 1), (12, 2), (12, 3)}, [], 3)
    assert plan.new == []
    assert [(p.dossier_id, p.needed, p.candidates, p.conflicted) for p in plan.problems] == [
        (11, 3, 2, 1),
        (12, 3, 1, 2),
    ]


def test_an_unavoidable_imbalance_is_reported():
    jurors = [Juror(1), Juror(2), Juror(3), Juror(4)]
    dossiers = [Dossier(n) for n in range(1, 9)]
    conflicts = {(n, 4) for n in range(1, 9)}
    plan = plan_assignment(dossiers, jurors, conflicts, [], 3)
    assert plan.ok and not plan.balanced and plan.loads[4] == 0


def test_language_is_preferred_among_equally_loaded_jurors():
    jurors = [Juror(1, frozenset({"nl"})), Juror(2, frozenset({"ar"}))]
    plan = plan_assignment([Dossier(1, frozenset({"ar"}))], jurors, set(), [], 1)
    assert plan.new == [(1, 2)]
    plan = plan_assignment([Dossier(1, frozenset({"nl"}))], jurors, set(), [], 1)
    assert plan.new == [(1, 1)]
