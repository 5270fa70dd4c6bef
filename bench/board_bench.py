"""The chair's board for 5,000 dossiers and 15,000 submitted reviews (60 jurors, 4 criteria).

Builds the data with bulk inserts into a throw-away SQLite file, then requests the board
through the Flask test client, logged in as the chair: prints the median (and min/max)
server time over several runs and the number of SQL statements per request.
Target: under 300 ms with a bounded number of queries.

    .venv/bin/python bench/board_bench.py [--dossiers 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("JOBS_URL", "immediate://")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert  # noqa: E402

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.auth.models import Role, RoleGrant, User  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.calls.models import Call, Criterion  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review  # noqa: E402

JURORS = 60
PER_DOSSIER = 3
PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away database


def build(dossiers: int, rng: random.Random) -> tuple[int, str]:
    """Insert the call, users, applications, assignments, reviews and scores in bulk."""
    now = utcnow()
    call = Call(
        reference="BENCH-2026",
        name="Bench",
        opens_at=now,
        closes_at=now.replace(year=now.year + 1),
        scoring_open=True,
        criteria=[
            Criterion(position=i + 1, name=n, weight=w)
            for i, (n, w) in enumerate(
                [("Team", 25), ("Project", 35), ("Profitability", 25), ("Overall", 15)]
            )
        ],
    )
    db.session.add(call)
    db.session.flush()
    criteria = [c.id for c in call.criteria]
    hashed = hash_password(PASSWORD)
    users = [
        {
            "id": n,
            "email": f"u{n}@bench.org",
            "full_name": f"User {n}",
            "password_hash": hashed,
            "active": True,
            "locale": "en",
            "session_token": f"t{n}",
            "created_at": now,
        }
        for n in range(1, dossiers + JURORS + 2)
    ]
    db.session.execute(insert(User), users)
    chair_id, juror_ids = dossiers + JURORS + 1, list(range(dossiers + 1, dossiers + JURORS + 1))
    grants = [
        {"user_id": n, "role": "applicant", "granted_at": now} for n in range(1, dossiers + 1)
    ]
    grants += [{"user_id": n, "role": "juror", "granted_at": now} for n in juror_ids]
    grants.append({"user_id": chair_id, "role": Role.CHAIR.value, "granted_at": now})
    db.session.execute(insert(RoleGrant), grants)
    db.session.execute(
        insert(JuryMember),
        [
            {"call_id": call.id, "user_id": n, "is_chair": False, "languages": "", "added_at": now}
            for n in juror_ids
        ]
        + [
            {
                "call_id": call.id,
                "user_id": chair_id,
                "is_chair": True,
                "languages": "",
                "added_at": now,
            }
        ],
    )
    db.session.execute(
        insert(Application),
        [
            {
                "id": n,
                "call_id": call.id,
                "applicant_id": n,
                "status": "in_review",
                "version": 1,
                "number": n,
                "reference": f"BENCH-2026-{n:04d}",
                "answers": {"project_title": f"P{n}"},
                "created_at": now,
                "updated_at": now,
                "submitted_at": now,
            }
            for n in range(1, dossiers + 1)
        ],
    )
    assignments, reviews, scores = [], [], []
    for n in range(1, dossiers + 1):
        for juror in rng.sample(juror_ids, PER_DOSSIER):
            key = len(assignments) + 1
            assignments.append(
                {"id": key, "application_id": n, "juror_id": juror, "created_at": now}
            )
            reviews.append(
                {
                    "id": key,
                    "assignment_id": key,
                    "status": "submitted",
                    "overall_comment": "",
                    "private_notes": "",
                    "total": 50,
                    "submitted_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            scores += [
                {"review_id": key, "criterion_id": c, "score": rng.randint(0, 10), "comment": ""}
                for c in criteria
            ]
    for model, rows in ((JuryAssignment, assignments), (Review, reviews), (CriterionScore, scores)):
        db.session.execute(insert(model), rows)
    db.session.commit()
    return call.id, f"u{chair_id}@bench.org"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(f"sqlite:///{folder}/bench.db", Path(folder)))
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            call_id, chair_email = build(args.dossiers, random.Random(5))  # noqa: S311
            print(
                f"data: {args.dossiers} dossiers, {args.dossiers * PER_DOSSIER} reviews "
                f"({time.perf_counter() - started:.1f} s to build)"
            )
            engine = db.engine
        client = app.test_client()
        client.post("/login", data={"email": chair_email, "password": PASSWORD})
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        timings, counts = [], []
        for _ in range(args.runs + 1):
            statements.clear()
            started = time.perf_counter()
            response = client.get(f"/jury/calls/{call_id}/board")
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements))
            assert response.status_code == 200, response.status_code
        timings = timings[1:]  # the first run warms the templates
        print(
            f"board: median {statistics.median(timings):.0f} ms (min {min(timings):.0f}, "
            f"max {max(timings):.0f}) over {args.runs} runs; {counts[-1]} SQL statements "
            f"per request; {len(response.data) // 1024} KiB of HTML"
        )


if __name__ == "__main__":
    main()
