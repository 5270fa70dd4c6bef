"""Benchmark: the eligibility check of a whole call (issue: 5,000 dossiers under 10 s).

    .venv/bin/python bench/eligibility_bench.py [--dossiers 5000] [--runs 5]

Builds a throw-away SQLite database with N submitted dossiers (answers from the
demo generator, four documents each, inserted in bulk), then times
``app.eligibility.checks.check_call`` (what ``flask --app wsgi eligibility check``
runs: read, evaluate every rule, replace the stored outcomes) several times and
prints the median, the best and the number of rule outcomes written.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("JOBS_URL", "immediate://")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import func, insert, select

    from app import create_app
    from app.applications.models import Application
    from app.auth.models import User
    from app.calls.models import DEFAULT_ELIGIBILITY, Call
    from app.common.clock import utcnow
    from app.config import TestConfig
    from app.demo.services import demo_answers
    from app.documents.models import Document
    from app.eligibility.checks import check_call
    from app.eligibility.models import RuleOutcome
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(f"sqlite:///{folder}/bench.db", Path(folder)))
        with app.app_context():
            db.create_all()
            now, rng = utcnow(), random.Random(1)
            call = Call(
                reference="BENCH",
                name="Bench",
                opens_at=now - timedelta(days=30),
                closes_at=now + timedelta(days=30),
                eligibility=dict(DEFAULT_ELIGIBILITY),
            )
            db.session.add(call)
            db.session.flush()
            db.session.execute(
                insert(User),
                [
                    {
                        "email": f"a{n}@example.org",
                        "full_name": f"A {n}",
                        "password_hash": "x",
                        "session_token": f"t{n}",
                        "created_at": now,
                    }
                    for n in range(args.dossiers)
                ],
            )
            user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
            db.session.execute(
                insert(Application),
                [
                    {
                        "call_id": call.id,
                        "applicant_id": user_id,
                        "status": "submitted",
                        "number": n + 1,
                        "reference": f"BENCH-{n + 1:05d}",
                        "version": 1,
                        "answers": demo_answers(rng, f"A {n}", "F"),
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                    for n, user_id in enumerate(user_ids)
                ],
            )
            ids = db.session.scalars(select(Application.id)).all()
            db.session.execute(
                insert(Document),
                [
                    {
                        "application_id": i,
                        "kind": kind,
                        "original_name": f"{kind}.pdf",
                        "content_type": "application/pdf",
                        "size": 1000,
                        "sha256": "0" * 64,
                        "storage_name": f"{i}-{kind}",
                        "uploaded_at": now,
                    }
                    for i in ids
                    for kind in ("identity", "cv", "business_plan", "criminal_record")
                ],
            )
            db.session.commit()
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                summary = check_call(call)
                db.session.commit()
                timings.append(time.perf_counter() - started)
            outcomes = db.session.scalar(select(func.count()).select_from(RuleOutcome))
            db.session.remove()
            db.engine.dispose()
    print(
        f"dossiers={summary.dossiers} rule_outcomes={outcomes} "
        f"pass={summary.passed} fail={summary.failed} info={summary.needs_information}"
    )
    print(
        f"check_call: median {statistics.median(timings):.2f} s, best {min(timings):.2f} s "
        f"over {args.runs} runs (target < 10 s)"
    )


if __name__ == "__main__":
    main()
