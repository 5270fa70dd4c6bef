"""The jury's figures that the dashboard draws, kept with the score summary (issue 19:
pivoting every submitted review's scores on each dashboard view cost 100 ms at 20,000
dossiers).

:class:`JuryFigures` holds, for a set of submitted reviews, the scores given per
criterion (counted per score) and each juror's review totals (0-100, sorted). That is all
the dashboard's histograms and spread chart need, and a multiset: the figures of a set of
reviews minus those of a subset are exactly the figures of the rest (:meth:`without`).

app.jury.summary computes the figures of every submitted review of a call when it
recomputes the call's summary, from the same arrays, and keeps them in the summary's
state row. A reader whose scope hides some reviews (a chair or staff member in conflict
with a dossier: app.access.scopes.hidden_reviews) takes the figures of the hidden
reviews away: a few rows read, however large the call.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.jury.ranking import CriterionScale

#: Decimals kept of a review's total (what the dashboard shows and compares).
TOTAL_DECIMALS = 3


def review_totals(criteria: Sequence[CriterionScale], scores: np.ndarray) -> np.ndarray:
    """The weighted total (0-100) of each review, one row of ``scores`` each (criteria in
    the order of ``criteria``; an empty score counts as the scale's minimum), rounded to
    :data:`TOTAL_DECIMALS` decimals."""
    if not scores.shape[0] or not criteria:
        return np.zeros(scores.shape[0])
    lows = np.array([c.scale_min for c in criteria], dtype=float)
    spans = np.array([c.scale_max - c.scale_min for c in criteria], dtype=float)
    weights = np.array([c.weight for c in criteria], dtype=float)
    shares = np.nan_to_num((scores - lows) / spans, nan=0.0)
    return np.round(shares @ weights, TOTAL_DECIMALS)


@dataclass
class JuryFigures:
    #: Criterion id -> how many times each score was given.
    scores: dict[int, Counter] = field(default_factory=dict)
    #: Juror id -> the totals of their reviews, ascending.
    totals: dict[int, list[float]] = field(default_factory=dict)

    @classmethod
    def of_reviews(
        cls, criteria: Sequence[CriterionScale], jurors: np.ndarray, scores: np.ndarray
    ) -> JuryFigures:
        """The figures of the reviews given as arrays: each one's juror id and its scores
        (one row per review, in the order of ``criteria``, NaN where empty)."""
        figures = cls({c.id: Counter() for c in criteria}, {})
        for k, criterion in enumerate(criteria):
            column = scores[:, k]
            values, counts = np.unique(column[~np.isnan(column)], return_counts=True)
            figures.scores[criterion.id].update(
                dict(zip(values.astype(int).tolist(), counts.tolist(), strict=True))
            )
        by_juror: dict[int, list[float]] = {}
        for juror, total in zip(
            jurors.tolist(), review_totals(criteria, scores).tolist(), strict=True
        ):
            by_juror.setdefault(int(juror), []).append(total)
        figures.totals = {juror: sorted(totals) for juror, totals in by_juror.items()}
        return figures

    def without(self, hidden: JuryFigures) -> JuryFigures:
        """These figures less those of ``hidden`` (figures of some of the same reviews)."""
        scores = {
            key: counts - hidden.scores.get(key, Counter()) for key, counts in self.scores.items()
        }
        totals = {}
        for juror, values in self.totals.items():
            kept = list(values)
            for value in hidden.totals.get(juror, ()):
                at = bisect_left(kept, value)
                if at < len(kept) and kept[at] == value:
                    del kept[at]
            if kept:
                totals[juror] = kept
        return JuryFigures(scores, totals)

    # Kept as JSON (keys become text) ---------------------------------------------------
    def to_json(self) -> dict:
        return {
            "scores": {
                str(key): {str(score): n for score, n in sorted(counts.items())}
                for key, counts in self.scores.items()
            },
            "totals": {str(juror): values for juror, values in self.totals.items()},
        }

    @classmethod
    def from_json(cls, data: dict | None) -> JuryFigures:
        data = data or {}
        return cls(
            {
                int(key): Counter({int(score): n for score, n in counts.items()})
                for key, counts in data.get("scores", {}).items()
            },
            {int(juror): values for juror, values in data.get("totals", {}).items()},
        )
