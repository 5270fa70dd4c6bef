"""The bootstrap estimate of the decision's stability (see app/selection/stability.py)."""

import inspect

import numpy as np
import pytest

from app.selection.stability import coin_tosses, selection_probability


def synthetic_call():
    """21 dossiers, 3 reviews each: dossier 0 far above the cut, 20 far below, a noisy middle."""
    rng = np.random.default_rng(7)
    middle = [50 + rng.normal(0, 10, size=3) for _ in range(19)]
    return [np.array([95.0, 96.0, 94.0]), *middle, np.array([5.0, 6.0, 4.0])]


def test_far_above_the_cut_is_almost_sure_and_far_below_almost_never():
    probability = selection_probability(synthetic_call(), quota=10)
    assert probability[0] >= 0.99
    assert probability[20] <= 0.01
    assert probability.shape == (21,)


def test_each_round_selects_exactly_the_quota():
    probability = selection_probability(synthetic_call(), quota=10, rounds=500)
    assert probability.sum() == pytest.approx(10.0)


def test_a_dossier_at_the_boundary_is_a_coin_toss():
    # A's reviews 40, 50, 60 (mean 50) against B's steady 50, one place. A resampled
    # mean is above 50 for 10 of the 27 equally likely draws, equal for 7 (-10+0+10 or
    # 0+0+0 in some order), below for 10. Equal means go to the original rank: A first.
    noisy, steady = [40.0, 50.0, 60.0], [50.0]
    probability = selection_probability([noisy, steady], quota=1, rounds=4000)
    assert probability[0] == pytest.approx(17 / 27, abs=0.04)
    assert probability[1] == pytest.approx(10 / 27, abs=0.04)
    assert 0.2 <= probability[0] <= 0.8 and 0.2 <= probability[1] <= 0.8
    assert coin_tosses(probability).tolist() == [0, 1]


def test_ties_follow_the_given_rank_order():
    noisy, steady = [40.0, 50.0, 60.0], [50.0]
    probability = selection_probability([noisy, steady], quota=1, rounds=4000, rank_order=[2, 1])
    assert probability[0] == pytest.approx(10 / 27, abs=0.04)


def test_a_single_review_never_moves():
    # 70 alone always beats the pair (60, 65), whose resampled mean is at most 65
    probability = selection_probability(
        [[60.0, 65.0], [70.0], [10.0, 20.0, 30.0, 0.0, 5.0]], quota=1
    )
    assert probability.tolist() == [0.0, 1.0, 0.0]


def test_ragged_review_counts():
    reviews = [[80.0], [70.0, 90.0], [60.0, 75.0, 90.0, 85.0], [10.0, 12.0]]
    probability = selection_probability(reviews, quota=2, rounds=2000)
    assert probability[3] == 0.0
    assert probability.sum() == pytest.approx(2.0)
    # dossier 1 stays in unless both draws are 70 (mean 70 < 80 and below dossier 2's)
    assert 0.5 < probability[1] < 1.0


def test_the_same_seed_gives_the_same_estimate():
    reviews = synthetic_call()
    first = selection_probability(reviews, quota=10, seed=3)
    assert np.array_equal(first, selection_probability(reviews, quota=10, seed=3))
    assert not np.array_equal(first, selection_probability(reviews, quota=10, seed=4))


def test_at_least_1000_rounds_by_default():
    assert inspect.signature(selection_probability).parameters["rounds"].default >= 1000


@pytest.mark.parametrize(("quota", "expected"), [(0, [0.0, 0.0]), (2, [1.0, 1.0]), (5, [1.0, 1.0])])
def test_quota_of_zero_or_at_least_everyone(quota, expected):
    assert selection_probability([[1.0, 2.0], [3.0]], quota=quota).tolist() == expected


def test_no_dossier_and_invalid_inputs():
    assert selection_probability([], quota=3).shape == (0,)
    with pytest.raises(ValueError, match="at least one review"):
        selection_probability([[1.0], []], quota=1)
    with pytest.raises(ValueError):
        selection_probability([[1.0]], quota=1, rounds=0)
    with pytest.raises(ValueError, match="one rank per dossier"):
        selection_probability([[1.0], [2.0]], quota=1, rank_order=[1])


def test_coin_tosses_are_between_the_bounds_inclusive():
    probabilities = np.array([0.1, 0.2, 0.5, 0.8, 0.95])
    assert coin_tosses(probabilities).tolist() == [1, 2, 3]
    assert coin_tosses(probabilities, low=0.4, high=0.6).tolist() == [2]
