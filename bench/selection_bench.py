"""The selection proposal with its stability estimate: 5,000 dossiers x 3 reviews.

Pure computation (app/selection): builds synthetic review totals on 0-100 (integers, so
ties occur), the candidates with their criterion means, sectors and genders, then times
``propose`` (quota 30, reserve 10, three tie-breaks, two balance rules) plus
``selection_probability`` (1,000 bootstrap rounds). Prints the median (and min/max) of
several runs. Target: under 2 s.

    .venv/bin/python bench/selection_bench.py [--dossiers 5000] [--reviews 3] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.selection.proposal import BalanceRule, Candidate, TieBreak, propose  # noqa: E402
from app.selection.stability import coin_tosses, selection_probability  # noqa: E402

QUOTA, RESERVE, ROUNDS = 30, 10, 1000
TIE_BREAKS = (TieBreak("criterion_mean", criterion_id=2), TieBreak("lower_std"))
TIE_BREAKS += (TieBreak("earlier_submission"),)
RULES = (BalanceRule("sector", None, "at_most", 5), BalanceRule("gender", "F", "at_least", 17))


def build(dossiers: int, reviews: int, seed: int = 1):
    """Review totals per dossier and the matching candidates."""
    rng = np.random.default_rng(seed)
    totals = np.clip(rng.normal(rng.uniform(30, 80, (dossiers, 1)), 8, (dossiers, reviews)), 0, 100)
    totals = totals.round()
    criterion = rng.integers(0, 11, (dossiers, reviews)).astype(float)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    sectors, genders = rng.choice(list("ABCDEFG"), dossiers), rng.choice(["F", "M"], dossiers)
    candidates = [
        Candidate(
            dossier_id=i + 1,
            score=float(totals[i].mean()),
            std=float(totals[i].std()),
            criterion_means={2: float(criterion[i].mean())},
            submitted_at=start + timedelta(minutes=int(rng.integers(0, 60 * 24 * 60))),
            attributes={"sector": str(sectors[i]), "gender": str(genders[i])},
        )
        for i in range(dossiers)
    ]
    return list(totals), candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    totals, candidates = build(args.dossiers, args.reviews)
    totals_ms, propose_ms = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        proposal = propose(
            candidates,
            quota=QUOTA,
            reserve_size=RESERVE,
            tie_breaks=TIE_BREAKS,
            balance_rules=RULES,
        )
        proposed = time.perf_counter()
        ranks = [proposal.entry(c.dossier_id).rank for c in candidates]
        probability = selection_probability(totals, quota=QUOTA, rounds=ROUNDS, rank_order=ranks)
        totals_ms.append((time.perf_counter() - started) * 1000)
        propose_ms.append((proposed - started) * 1000)
    print(f"{args.dossiers} dossiers x {args.reviews} reviews, quota {QUOTA}, {ROUNDS} rounds")
    print(
        f"counts {proposal.counts}; {len(proposal.adjustments)} balance adjustments, "
        f"{len(proposal.tie_breaks)} tie-breaks, {len(coin_tosses(probability))} coin tosses"
    )
    print(f"propose alone: median {statistics.median(propose_ms):.0f} ms")
    print(
        f"propose + stability: median {statistics.median(totals_ms):.0f} ms "
        f"(min {min(totals_ms):.0f}, max {max(totals_ms):.0f}) over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
