"""A call's dashboard and its staff applications list for 5,000 dossiers and about
10,000 submitted reviews (60 jurors, 4 criteria): every state, answers of about 1.2 KB
each (as the demo's) with those the profile charts count, submissions over 60 days.

Builds the data with bulk inserts into a throw-away SQLite file (or, with
``--database-url``, into a PostgreSQL database of your own: its tables are dropped and
made again, then ANALYZEd), then requests each page through the Flask test client,
logged in as staff: prints the median (and min/max) server time over several runs, its
ratio to ``/healthz`` in the same run, and the number of SQL statements per request.
The staff list is timed on its first and its last page.

    .venv/bin/python bench/dashboard_bench.py [--dossiers 5000] [--runs 7]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_yours]
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

os.environ.setdefault("JOBS_URL", "immediate://")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.auth.models import RoleGrant, User  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.calls.models import Call, Criterion  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.demo.reference import CHANNELS, MOROCCAN_REGIONS, NACE_SECTIONS  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review  # noqa: E402

JURORS = 60
PER_DOSSIER = 3
PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away database
#: How the 5,000 dossiers spread over the lifecycle (weights).
STATES = {
    "draft": 10,
    "submitted": 5,
    "ineligible": 15,
    "in_review": 20,
    "scored": 25,
    "selected": 2,
    "reserve": 2,
    "not_selected": 16,
    "withdrawn": 5,
}
REVIEWED = {"in_review", "scored", "selected", "reserve", "not_selected"}
#: Words of the long answers (the demo's dossiers hold about 1.2 KB of answers).
WORDS = "market export cooperative solar argan training women youth water tourism".split()
PER_PAGE = 25


def build(dossiers: int, rng: random.Random) -> tuple[int, str]:
    """Insert the call, users, applications, assignments, reviews and scores in bulk."""
    now = utcnow()
    call = Call(
        reference="BENCH-2026",
        name="Bench",
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
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
    staff_id = dossiers + JURORS + 1
    db.session.execute(
        insert(User),
        [
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
            for n in range(1, staff_id + 1)
        ],
    )
    juror_ids = list(range(dossiers + 1, dossiers + JURORS + 1))
    grants = [
        {"user_id": n, "role": "applicant", "granted_at": now} for n in range(1, dossiers + 1)
    ]
    grants += [{"user_id": n, "role": "juror", "granted_at": now} for n in juror_ids]
    grants.append({"user_id": staff_id, "role": "staff", "granted_at": now})
    db.session.execute(insert(RoleGrant), grants)
    db.session.execute(
        insert(JuryMember),
        [
            {"call_id": call.id, "user_id": n, "is_chair": False, "languages": "", "added_at": now}
            for n in juror_ids
        ],
    )
    states = rng.choices(list(STATES), weights=list(STATES.values()), k=dossiers)
    sectors = list(NACE_SECTIONS)
    rows, number = [], 0
    for n, state in enumerate(states, start=1):
        submitted = state != "draft"
        if submitted:
            number += 1
        rows.append(
            {
                "id": n,
                "call_id": call.id,
                "applicant_id": n,
                "status": state,
                "version": 1,
                "number": number if submitted else None,
                "reference": f"BENCH-2026-{number:04d}" if submitted else None,
                "answers": {
                    "project_title": f"P{n}",
                    "moroccan_region": rng.choice(MOROCCAN_REGIONS),
                    "sector": rng.choice(sectors),
                    "channel": rng.choice(CHANNELS),
                    "gender": rng.choice("FMFMX-"),
                    "birth_date": f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-15",
                    "summary": " ".join(rng.choices(WORDS, k=120)),
                    "financing_plan": " ".join(rng.choices(WORDS, k=30)),
                },
                "created_at": now,
                "updated_at": now,
                "submitted_at": (
                    now - timedelta(days=rng.triangular(0, 60, 2), hours=rng.random() * 24)
                    if submitted
                    else None
                ),
            }
        )
    db.session.execute(insert(Application), rows)
    assignments, reviews, scores = [], [], []
    for n, state in enumerate(states, start=1):
        if state not in REVIEWED:
            continue
        for juror in rng.sample(juror_ids, PER_DOSSIER):
            key = len(assignments) + 1
            bias = (juror % 7) - 3  # some jurors stricter, some more lenient
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
                {
                    "review_id": key,
                    "criterion_id": c,
                    "score": min(10, max(0, rng.randint(2, 9) + bias // 2)),
                    "comment": "",
                }
                for c in criteria
            ]
    for model, data in ((JuryAssignment, assignments), (Review, reviews), (CriterionScore, scores)):
        db.session.execute(insert(model), data)
    db.session.commit()
    return call.id, f"u{staff_id}@bench.org", len(reviews)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database of your own (its tables are dropped); default: SQLite",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = create_app(TestConfig(url, Path(folder)))
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            call_id, staff_email, review_count = build(args.dossiers, random.Random(9))
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as connection:
                    connection.execute(text("ANALYZE"))
            print(
                f"data: {args.dossiers} dossiers, {review_count} submitted reviews on "
                f"{db.engine.dialect.name} ({time.perf_counter() - started:.1f} s to build)"
            )
            engine = db.engine
        client = app.test_client()
        client.post("/login", data={"email": staff_email, "password": PASSWORD})
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        last_page = -(-args.dossiers // PER_PAGE)
        listed = f"/staff/calls/{call_id}/applications"
        floor = None
        for path, label in (
            ("/healthz", "/healthz (the floor)"),
            (f"/dashboard/calls/{call_id}", "dashboard"),
            (f"/dashboard/calls/{call_id}/reports.xlsx", "workbook (XLSX)"),
            (listed, "staff list, first page"),
            (f"{listed}?page={last_page}", f"staff list, last page ({last_page})"),
            (f"{listed}?page={last_page}&sort=name", "staff list, last page by name"),
            (f"{listed}?sector=C", "staff list, one sector"),
        ):
            timings, counts = [], []
            for _ in range(args.runs + 1):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(statements))
                assert response.status_code == 200, response.status_code
            timings = timings[1:]  # the first run warms the templates
            median = statistics.median(timings)
            floor = floor or median
            print(
                f"{label}: median {median:.1f} ms, {median / floor:.0f}x the floor "
                f"(min {min(timings):.0f}, max {max(timings):.0f}) over {args.runs} runs; "
                f"{counts[-1]} SQL statements per request; {len(response.data) // 1024} KiB"
            )


if __name__ == "__main__":
    main()
