"""Aggregation and ranking of the jury's scores: pure functions, no Flask, no database.

Definitions (each is tested against hand-computed values in tests/jury/test_ranking.py):

- **Weighted total of a review**, on 0-100: ``sum(weight * (score - min) / (max - min))``
  over the call's criteria (the weights sum to 100). A criterion left empty counts as
  its minimum; submitted reviews have every criterion scored.
- **Per dossier**: the number of submitted reviews, the mean of their totals, the mean
  of each criterion's scores (on the criterion's own scale), and the **population**
  standard deviation of the totals (``ddof=0``): a dossier's jurors are all of its
  reviewers, not a sample of them, and a single review has a spread of 0 rather than
  an undefined one.
- **Per-juror normalisation** (z-scores): each juror's totals over all their dossiers
  are centred on the juror's mean and divided by the juror's population standard
  deviation, then mapped back to 0-100 through the mean ``M`` and population standard
  deviation ``S`` of every submitted total of the call: ``M + S * z``, clipped to
  [0, 100]. A strict juror and a lenient one thus weigh the same. Fallbacks: a juror
  with a single review keeps the raw total (nothing tells whether they are strict);
  a juror whose totals are all equal (zero spread) gives no preference and each of
  their reviews becomes ``M``. A dossier's normalised score is the mean of its
  reviews' normalised totals.
- **Disagreement**: a dossier is flagged when its standard deviation is strictly above
  the call's threshold.
- **Ranking** (raw or normalised): higher score first, then lower standard deviation,
  then the dossier submitted earlier, then the smaller id. Dossiers without any
  submitted review are not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

#: The ranking methods a call may choose (Call.ranking_method).
RANKING_METHODS = ("raw", "normalised")


@dataclass(frozen=True)
class CriterionScale:
    """What the arithmetic needs of a criterion."""

    id: int
    weight: float
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class SubmittedReview:
    """One submitted review: who scored which dossier, and the score per criterion id."""

    dossier_id: int
    juror_id: int
    scores: Mapping[int, int | None]


@dataclass(slots=True)
class DossierResult:
    """A dossier's aggregates; ``raw_rank``/``normalised_rank`` start at 1."""

    dossier_id: int
    count: int
    mean: float
    std: float
    normalised: float
    criterion_means: dict[int, float] = field(default_factory=dict)
    flagged: bool = False
    raw_rank: int | None = None
    normalised_rank: int | None = None

    def score(self, method: str) -> float:
        return self.normalised if method == "normalised" else self.mean

    def rank(self, method: str) -> int | None:
        return self.normalised_rank if method == "normalised" else self.raw_rank


def review_total(criteria: Sequence[CriterionScale], scores: Mapping[int, int | None]) -> float:
    """The weighted total of one review on 0-100 (an empty criterion counts as its minimum)."""
    total = 0.0
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None:
            continue
        span = criterion.scale_max - criterion.scale_min
        total += criterion.weight * (score - criterion.scale_min) / span
    return total


def _score_matrix(criteria, reviews) -> np.ndarray:
    """Reviews x criteria, NaN where a score is empty."""
    ids = [criterion.id for criterion in criteria]
    return np.array(
        [[review.scores.get(key) for key in ids] for review in reviews], dtype=float
    ).reshape(len(reviews), len(ids))


def _grouped_mean_std(values: np.ndarray, groups: np.ndarray, size: int):
    """Count, mean and population standard deviation of ``values`` per group index."""
    counts = np.bincount(groups, minlength=size)
    means = np.bincount(groups, weights=values, minlength=size) / np.maximum(counts, 1)
    deviations = values - means[groups]
    variances = np.bincount(groups, weights=deviations**2, minlength=size) / np.maximum(counts, 1)
    return counts, means, np.sqrt(variances)


def normalised_totals(totals: np.ndarray, jurors: np.ndarray) -> np.ndarray:
    """Each total re-expressed after per-juror z-score normalisation (see the module doc)."""
    if totals.size == 0:
        return totals.copy()
    juror_ids, juror_index = np.unique(jurors, return_inverse=True)
    counts, means, stds = _grouped_mean_std(totals, juror_index, len(juror_ids))
    pool_mean, pool_std = float(totals.mean()), float(totals.std())
    spread = stds[juror_index]
    scaled = np.divide(
        totals - means[juror_index], spread, out=np.zeros_like(totals), where=spread > 0
    )
    result = pool_mean + pool_std * scaled
    single = counts[juror_index] == 1
    result[single] = totals[single]
    return np.clip(result, 0.0, 100.0)


def aggregate(
    criteria: Sequence[CriterionScale],
    reviews: Sequence[SubmittedReview],
    *,
    threshold: float,
    submitted_at: Mapping[int, datetime | None] | None = None,
) -> dict[int, DossierResult]:
    """Aggregate the submitted reviews of a call per dossier, flag and rank the dossiers.

    ``submitted_at`` (dossier id -> the applicant's submission time) breaks ties after
    the standard deviation. Returns dossier id -> DossierResult, for the dossiers that
    have at least one review.
    """
    if not reviews:
        return {}
    return aggregate_arrays(
        criteria,
        np.array([r.dossier_id for r in reviews]),
        np.array([r.juror_id for r in reviews]),
        _score_matrix(criteria, reviews),
        threshold=threshold,
        submitted_at=submitted_at,
    )


def aggregate_arrays(
    criteria: Sequence[CriterionScale],
    dossiers: np.ndarray,
    jurors: np.ndarray,
    scores: np.ndarray,
    *,
    threshold: float,
    submitted_at: Mapping[int, datetime | None] | None = None,
) -> dict[int, DossierResult]:
    """:func:`aggregate` on arrays: one row per submitted review (its dossier id, its
    juror id, its scores in the order of ``criteria``, NaN where empty)."""
    if len(dossiers) == 0:
        return {}
    minimums = np.array([criterion.scale_min for criterion in criteria], dtype=float)
    matrix = np.where(np.isnan(scores), minimums, scores)
    mins = np.array([c.scale_min for c in criteria], dtype=float)
    spans = np.array([c.scale_max - c.scale_min for c in criteria], dtype=float)
    weights = np.array([c.weight for c in criteria], dtype=float)
    totals = ((matrix - mins) / spans) @ weights
    dossier_ids, index = np.unique(dossiers, return_inverse=True)
    counts, means, stds = _grouped_mean_std(totals, index, len(dossier_ids))
    normalised = normalised_totals(totals, jurors)
    normalised_means = np.bincount(index, weights=normalised) / counts
    criterion_sums = [np.bincount(index, weights=matrix[:, k]) for k in range(len(criteria))]
    results = {}
    for position, dossier_id in enumerate(dossier_ids.tolist()):
        results[dossier_id] = DossierResult(
            dossier_id=dossier_id,
            count=int(counts[position]),
            mean=float(means[position]),
            std=float(stds[position]),
            normalised=float(normalised_means[position]),
            criterion_means={
                criterion.id: float(criterion_sums[k][position] / counts[position])
                for k, criterion in enumerate(criteria)
            },
            flagged=bool(stds[position] > threshold),
        )
    _rank(results.values(), submitted_at or {})
    return results


def _rank(results: Iterable[DossierResult], submitted_at: Mapping[int, datetime | None]) -> None:
    results = list(results)
    for method in RANKING_METHODS:
        for position, result in enumerate(ranking(results, method, submitted_at), start=1):
            if method == "raw":
                result.raw_rank = position
            else:
                result.normalised_rank = position


def ranking(
    results: Iterable[DossierResult],
    method: str,
    submitted_at: Mapping[int, datetime | None] | None = None,
) -> list[DossierResult]:
    """The results in rank order for ``method`` ("raw" or "normalised"), ties broken as
    documented above (a dossier without a submission time comes after those with one)."""
    submitted_at = submitted_at or {}

    def key(result: DossierResult):
        moment = submitted_at.get(result.dossier_id)
        return (
            -round(result.score(method), 9),
            round(result.std, 9),
            moment is None,
            moment.timestamp() if moment else 0.0,
            result.dossier_id,
        )

    return sorted(results, key=key)
