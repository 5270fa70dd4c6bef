"""Stability of the decision: how likely each dossier is to be selected with another jury.

Pure NumPy, no Flask, no database. Tested in tests/selection/test_stability.py.

**Bootstrap.** A round resamples each dossier's reviews with replacement (as many draws
as the dossier has reviews), recomputes every dossier's mean, and takes the ``quota``
best means as "selected". :func:`selection_probability` returns, per dossier, the
fraction of rounds in which it was selected. The rounds are vectorised: dossiers are
grouped by their number of reviews ``k`` and, for each group, a ``(k, rounds, dossiers)``
array of draws (``Generator.integers``) indexes the group's review matrix, so no Python
loop runs over dossiers or rounds (only over chunks of rounds, to bound memory, and over
the distinct review counts). A dossier with a single review always keeps its mean.

**What is resampled.** The values given per dossier are the per-review totals of the
ranking the call uses: raw totals, or normalised totals for a normalised ranking. In the
latter case the per-juror normalisation is held fixed (computed once on the real reviews)
rather than recomputed per round: the estimate measures how much the decision depends on
*which* reviews a dossier got, not on how each juror's scale was estimated.

**Ties inside a round.** Means are compared to 1e-9 (as in app/jury/ranking.py). Dossiers
with equal resampled means are ordered by their original rank: ``rank_order`` (lower is
better, e.g. the proposal's 1-based ranks) or, by default, the original mean (higher
first) and then the position in the input. The call's tie-break rules are therefore not
re-evaluated per round; the original rank already embodies them.

**Scope.** The estimate concerns the cut-off of the pure ranking: balance rules and the
deliberation's overrides are not simulated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Default number of bootstrap rounds (the issue requires at least 1,000).
DEFAULT_ROUNDS = 1000
#: Default seed: the same reviews always give the same percentages.
DEFAULT_SEED = 20260
#: Upper bound on the draws held in memory at once (per review-count group).
_CHUNK_DRAWS = 4_000_000
_PLACES = 9


def selection_probability(
    reviews_by_dossier: Sequence[Sequence[float] | np.ndarray],
    *,
    quota: int,
    rounds: int = DEFAULT_ROUNDS,
    seed: int | None = DEFAULT_SEED,
    rank_order: Sequence[int] | np.ndarray | None = None,
) -> np.ndarray:
    """The fraction of ``rounds`` bootstrap rounds in which each dossier is in the top ``quota``.

    ``reviews_by_dossier[i]`` holds dossier ``i``'s review totals (any count >= 1; counts
    may differ). ``rank_order[i]`` (optional) is dossier ``i``'s original rank, used to
    order equal means. Returns a float array aligned with the input; each round selects
    exactly ``min(quota, n)`` dossiers, so the probabilities sum to that number.

    Raises ValueError for a dossier without reviews, ``rounds < 1`` or a negative quota.
    """
    if quota < 0 or rounds < 1:
        raise ValueError("The quota must be >= 0 and the number of rounds >= 1.")
    arrays = [np.asarray(values, dtype=float).ravel() for values in reviews_by_dossier]
    if any(values.size == 0 for values in arrays):
        raise ValueError("Every dossier needs at least one review to be resampled.")
    count = len(arrays)
    if quota == 0 or count == 0:
        return np.zeros(count)
    if quota >= count:
        return np.ones(count)
    counts = np.array([values.size for values in arrays])
    order = _best_first(arrays, rank_order)
    arrays, counts = [arrays[i] for i in order], counts[order]
    rng = np.random.default_rng(seed)
    hits = np.zeros(count, dtype=np.int64)
    step = max(1, _CHUNK_DRAWS // int(counts.sum()))
    for start in range(0, rounds, step):
        means = _resampled_means(arrays, counts, min(step, rounds - start), rng)
        hits += _top(np.round(means, _PLACES), quota).sum(axis=0)
    probability = np.empty(count)
    probability[order] = hits / rounds
    return probability


def coin_tosses(probabilities: np.ndarray, low: float = 0.2, high: float = 0.8) -> np.ndarray:
    """Indexes of the dossiers whose fate is a coin toss: ``low <= probability <= high``."""
    probabilities = np.asarray(probabilities, dtype=float)
    return np.flatnonzero((probabilities >= low) & (probabilities <= high))


def _best_first(arrays: list[np.ndarray], rank_order) -> np.ndarray:
    """The dossier indexes in original rank order (see "Ties inside a round")."""
    if rank_order is not None:
        ranks = np.asarray(rank_order)
        if ranks.shape != (len(arrays),):
            raise ValueError("rank_order needs one rank per dossier.")
        return np.argsort(ranks, kind="stable")
    means = np.round(np.array([values.mean() for values in arrays]), _PLACES)
    return np.lexsort((np.arange(len(arrays)), -means))


def _resampled_means(arrays, counts: np.ndarray, rounds: int, rng) -> np.ndarray:
    """A (rounds x dossiers) matrix of means of reviews drawn with replacement."""
    means = np.empty((rounds, len(arrays)))
    for size in np.unique(counts).tolist():
        columns = np.flatnonzero(counts == size)
        matrix = np.stack([arrays[i] for i in columns.tolist()], axis=1)  # size x dossiers
        if size == 1:
            means[:, columns] = matrix[0]
            continue
        dtype = np.uint8 if size <= 255 else np.int64
        draws = rng.integers(0, size, size=(size, rounds, columns.size), dtype=dtype)
        positions = np.arange(columns.size)
        sums = np.zeros((rounds, columns.size))
        for draw in draws:
            sums += matrix[draw, positions]
        means[:, columns] = sums / size
    return means


def _top(means: np.ndarray, quota: int) -> np.ndarray:
    """Per row, the ``quota`` largest values; among equal values at the cut, the leftmost."""
    cut = -np.partition(-means, quota - 1, axis=1)[:, quota - 1 : quota]
    above = means > cut
    tied = means == cut
    room = quota - above.sum(axis=1, keepdims=True)
    chosen = above | tied
    crowded = np.flatnonzero(chosen.sum(axis=1) > quota)
    if crowded.size:
        rows = tied[crowded]
        chosen[crowded] = above[crowded] | (rows & (np.cumsum(rows, axis=1) <= room[crowded]))
    return chosen
