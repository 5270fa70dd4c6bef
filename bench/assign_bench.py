"""Benchmark of the automatic assignment: 5,000 dossiers x 3 jurors among 60 jurors.

Target: under 5 s. Prints the median of several runs of the pure algorithm
(app.jury.assignment.plan_assignment) and of run_assignment end to end (4 reads,
one bulk insert, 5,000 audited start_review transitions) on a fresh SQLite file.

    .venv/bin/python bench/assign_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("JOBS_URL", "immediate://")

DOSSIERS, JURORS, K = 5000, 60, 3
LANGUAGES = ["fr", "nl", "ar", "en"]


def _inputs(rng: random.Random):
    from app.jury.assignment import Dossier, Juror

    dossiers = [Dossier(n, frozenset(rng.sample(LANGUAGES, 2))) for n in range(1, DOSSIERS + 1)]
    jurors = [Juror(10000 + n, frozenset(rng.sample(LANGUAGES, 2))) for n in range(JURORS)]
    conflicts = {(rng.randint(1, DOSSIERS), 10000 + rng.randrange(JURORS)) for _ in range(300)}
    return dossiers, jurors, conflicts


def bench_algorithm(runs: int) -> float:
    from app.jury.assignment import plan_assignment

    dossiers, jurors, conflicts = _inputs(random.Random(1))  # noqa: S311 - benchmark data
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        plan = plan_assignment(dossiers, jurors, conflicts, [], K)
        times.append(time.perf_counter() - start)
        assert plan.ok and len(plan.new) == DOSSIERS * K and plan.balanced
    return statistics.median(times)


def _seed_database():
    from sqlalchemy import insert

    from app.applications.models import Application
    from app.auth.models import Role, RoleGrant, User
    from app.calls.models import Call
    from app.common.clock import utcnow
    from app.extensions import db
    from app.jury.models import JuryMember

    now = utcnow()
    call = Call(
        reference="BENCH-2026",
        name="Bench",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        jurors_per_dossier=K,
    )
    db.session.add(call)
    users = [
        {"email": f"user{n}@example.org", "full_name": f"Person {n}", "password_hash": "x"}
        for n in range(DOSSIERS + JURORS)
    ]
    db.session.execute(insert(User), users)
    db.session.flush()
    ids = [u.id for u in db.session.query(User.id).order_by(User.id)]
    jurors, applicants = ids[:JURORS], ids[JURORS:]
    db.session.execute(insert(RoleGrant), [{"user_id": i, "role": Role.JUROR} for i in jurors])
    db.session.execute(
        insert(JuryMember),
        [{"call_id": call.id, "user_id": i, "languages": "fr,ar"} for i in jurors],
    )
    db.session.execute(
        insert(Application),
        [
            {
                "call_id": call.id,
                "applicant_id": applicant,
                "status": "eligible",
                "number": n,
                "reference": f"BENCH-2026-{n:04d}",
                "answers": {"languages": ["fr", "nl"]},
            }
            for n, applicant in enumerate(applicants, start=1)
        ],
    )
    db.session.commit()
    return call


def bench_end_to_end(runs: int) -> tuple[float, int]:
    from app import create_app
    from app.config import TestConfig
    from app.extensions import db
    from app.jury.services import run_assignment
    from tests.helpers import QueryCounter

    instance = Path(tempfile.mkdtemp(prefix="assign-bench-"))
    app = create_app(TestConfig(f"sqlite:///{instance / 'bench.db'}", instance))
    times, queries = [], 0
    with app.app_context():
        db.create_all()
        call = _seed_database()
        for _ in range(runs):
            start = time.perf_counter()
            with QueryCounter(db.engine) as counter:
                summary = run_assignment(call, actor=None)
                db.session.flush()
            times.append(time.perf_counter() - start)
            queries = counter.count
            assert summary.made == DOSSIERS * K and not summary.problems
            db.session.rollback()
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"{DOSSIERS} dossiers x {K} jurors among {JURORS} jurors, median of {runs} runs")
    print(f"  plan_assignment (pure):       {bench_algorithm(runs):.3f} s")
    seconds, queries = bench_end_to_end(runs)
    print(f"  run_assignment (SQLite, e2e): {seconds:.3f} s ({queries} SQL statements)")


if __name__ == "__main__":
    main()
