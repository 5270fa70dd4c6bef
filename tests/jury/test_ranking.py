"""Aggregation and ranking against values computed by hand (see app/jury/ranking.py)."""

from datetime import UTC, datetime

import numpy as np
import pytest

from app.jury.ranking import (
    CriterionScale,
    SubmittedReview,
    aggregate,
    normalised_totals,
    ranking,
    review_total,
)

MBI = [
    CriterionScale(1, 25, 0, 10),
    CriterionScale(2, 35, 0, 10),
    CriterionScale(3, 25, 0, 10),
    CriterionScale(4, 15, 0, 10),
]
#: One criterion on 0-100 weighing 100: a review's total is its score.
PLAIN = [CriterionScale(9, 100, 0, 100)]


def scores(*values):
    return dict(zip([1, 2, 3, 4], values, strict=True))


@pytest.mark.parametrize(
    ("given", "total"),
    [
        (scores(8, 6, 4, 10), 66.0),  # 25*.8 + 35*.6 + 25*.4 + 15*1 = 20 + 21 + 10 + 15
        (scores(5, 5, 5, 5), 50.0),
        (scores(10, 10, 10, 10), 100.0),
        (scores(0, 0, 0, 0), 0.0),
        (scores(10, None, None, None), 25.0),  # a draft's empty criteria count as minimum
    ],
)
def test_weighted_total_on_0_100(given, total):
    assert review_total(MBI, given) == pytest.approx(total)


def test_a_scale_that_does_not_start_at_zero():
    assert review_total([CriterionScale(1, 100, 1, 5)], {1: 3}) == pytest.approx(50.0)


def test_dossier_mean_population_std_criterion_means_count_and_flag():
    reviews = [
        SubmittedReview(7, 1, scores(8, 6, 4, 10)),  # 66
        SubmittedReview(7, 2, scores(5, 5, 5, 5)),  # 50
        SubmittedReview(7, 3, scores(10, 10, 10, 10)),  # 100
    ]
    result = aggregate(MBI, reviews, threshold=15)[7]
    assert result.count == 3
    assert result.mean == pytest.approx(72.0)
    # deviations -6, -22, 28: (36 + 484 + 784) / 3 = 434.667 (population, ddof=0)
    assert result.std == pytest.approx(20.8487, abs=1e-4)
    assert result.criterion_means == pytest.approx({1: 23 / 3, 2: 7.0, 3: 19 / 3, 4: 25 / 3})
    assert result.flagged is True
    assert aggregate(MBI, reviews, threshold=21)[7].flagged is False


def test_a_single_review_has_no_spread_and_is_never_flagged():
    result = aggregate(MBI, [SubmittedReview(1, 1, scores(8, 6, 4, 10))], threshold=0)[1]
    assert (result.count, result.mean, result.std, result.flagged) == (1, 66.0, 0.0, False)


def test_normalisation_evens_out_a_strict_and_a_lenient_juror():
    # juror 1 (strict): X 40, Y 20 -> mean 30, std 10, z = +1, -1
    # juror 2 (lenient): X 90, Y 70 -> mean 80, std 10, z = +1, -1
    # pool 40, 20, 90, 70: M = 55, S = sqrt(2900 / 4) = 26.9258
    reviews = [
        SubmittedReview(10, 1, {9: 40}),
        SubmittedReview(11, 1, {9: 20}),
        SubmittedReview(10, 2, {9: 90}),
        SubmittedReview(11, 2, {9: 70}),
    ]
    results = aggregate(PLAIN, reviews, threshold=100)
    assert results[10].normalised == pytest.approx(55 + 26.9258, abs=1e-4)
    assert results[11].normalised == pytest.approx(55 - 26.9258, abs=1e-4)
    assert results[10].mean == pytest.approx(65.0)
    assert results[10].std == pytest.approx(25.0)


def test_normalisation_fallbacks_single_review_and_zero_spread():
    # juror 1 gives 30 and 30 (no spread): both become the pool mean M
    # juror 2 gives X 80, Y 40: mean 60, std 20, z = +1, -1
    # juror 3 has a single review (Z 60): kept raw
    # pool 30, 30, 80, 40, 60: M = 48, S = sqrt((324+324+1024+64+144) / 5) = sqrt(376)
    totals = np.array([30.0, 30.0, 80.0, 40.0, 60.0])
    jurors = np.array([1, 1, 2, 2, 3])
    pool_std = 376**0.5
    expected = [48.0, 48.0, 48 + pool_std, 48 - pool_std, 60.0]
    assert normalised_totals(totals, jurors) == pytest.approx(expected)


def test_normalised_totals_are_clipped_to_0_100():
    # A: 0, 0, 0, 100 (mean 25, std 43.30); B: 100, 100, 0, 100 (mean 75, std 43.30)
    # pool M = 50, S = 50: A's 100 -> 50 + 50 * 1.732 = 136.6 -> 100; B's 0 -> -36.6 -> 0
    totals = np.array([0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 0.0, 100.0])
    jurors = np.array([1, 1, 1, 1, 2, 2, 2, 2])
    result = normalised_totals(totals, jurors)
    assert result[3] == 100.0 and result[6] == 0.0
    assert result[0] == pytest.approx(50 - 50 / 3**0.5)
    assert result[4] == pytest.approx(50 + 50 / 3**0.5)


def test_raw_and_normalised_ranks_and_tie_order():
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    reviews = [
        # dossier 1: 60, 60 (std 0); dossier 2: 50, 70 (std 10); same mean 60
        SubmittedReview(1, 1, {9: 60}),
        SubmittedReview(1, 2, {9: 60}),
        SubmittedReview(2, 1, {9: 50}),
        SubmittedReview(2, 2, {9: 70}),
        # dossiers 3 and 4: equal mean and std, 3 submitted later
        SubmittedReview(3, 3, {9: 60}),
        SubmittedReview(4, 3, {9: 60}),
        SubmittedReview(5, 3, {9: 90}),
    ]
    times = {3: late, 4: early, 5: late}
    results = aggregate(PLAIN, reviews, threshold=100, submitted_at=times)
    raw = [result.dossier_id for result in ranking(results.values(), "raw", times)]
    # 1, 3, 4 tie on mean 60 and std 0: 4 was submitted first, then 3; 1 has no time
    assert raw == [5, 4, 3, 1, 2]
    assert [results[d].raw_rank for d in raw] == [1, 2, 3, 4, 5]
    normalised = ranking(results.values(), "normalised", times)
    assert [r.normalised_rank for r in normalised] == [1, 2, 3, 4, 5]
    # jurors 1 and 2 score alike once normalised: dossiers 1 and 2 tie, 1 has the lower std
    assert [r.dossier_id for r in normalised][1:3] == [1, 2]


def test_no_review_no_result():
    assert aggregate(MBI, [], threshold=15) == {}
