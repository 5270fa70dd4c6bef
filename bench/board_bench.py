"""The chair's board for 5,000 dossiers and 15,000 submitted reviews (60 jurors, 4 criteria).

Builds the data with bulk inserts into a throw-away SQLite file, then requests the
board through the Flask test client, logged in as the chair: prints the median (and
min/max) server time over several runs, its ratio to ``/healthz`` in the same run,
and the number of SQL statements per request, for two cases:

- ``kept``: the call's score summary is fresh (the usual read);
- ``after a change``: the summary is marked stale before each request (as a review
  submitted meanwhile does), so each request recomputes it once (app.jury.summary;
  ``SUMMARY_GRACE_SECONDS`` 0);
- ``after a change, read late``: the same, within the grace: the board shows the
  summary it has and queues its refresh (the job is left in the queue, not run).

With ``--database URL`` it reads an existing database instead (e.g. a copy of the
PostgreSQL demo, at the schema's head): the board of ``--call`` (default MBI-2026),
logged in as the demo's chair. It writes that call's score summary: give it a copy,
never a shared database. A tree without the score summary measures ``kept`` only.

    .venv/bin/python bench/board_bench.py [--dossiers 5000] [--runs 7]
    .venv/bin/python bench/board_bench.py --database postgresql+psycopg://.../copy --runs 9
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

from sqlalchemy import event, func, insert, select, update  # noqa: E402

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.auth.models import Role, RoleGrant, User  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.calls.models import Call, Criterion  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.demo.services import DEMO_PASSWORD  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jobs import huey  # noqa: E402
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


def _timed(client, url: str, runs: int, engine, before=None) -> tuple[list[float], int]:
    """Server times (ms) of ``runs`` GETs of ``url`` after a warm-up, and the SQL
    statements of the last; ``before()`` runs ahead of each request, outside the timing."""
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    timings = []
    for run in range(runs + 1):
        if before is not None:
            before()
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        if run:  # the first run warms the templates (and computes the summary)
            timings.append(elapsed)
    return timings, len(statements)


def _stale_marker(engine, call_id: int):
    """A function marking the call's score summary stale, or None in a tree without it."""
    try:
        from app.jury.models import ScoreSummaryState  # lazy: trees before the summary
    except ImportError:
        return None

    def mark() -> None:
        with engine.begin() as connection:
            connection.execute(
                update(ScoreSummaryState)
                .where(ScoreSummaryState.call_id == call_id)
                .values(version=ScoreSummaryState.version + 1)
            )

    return mark


def _existing(app, reference: str) -> tuple[int, str, str]:
    """The call ``reference`` of an existing database, its chair's e-mail and password."""
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
        email = db.session.scalar(
            select(User.email)
            .join(JuryMember, JuryMember.user_id == User.id)
            .where(JuryMember.call_id == call_id, JuryMember.is_chair)
            .order_by(User.email == "chair@example.com")
        )
        count = db.session.scalar(
            select(func.count()).select_from(Application).where(Application.call_id == call_id)
        )
    print(f"data: {reference}, {count} dossiers, chair {email}")
    return call_id, email, DEMO_PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", help="an existing database's URL (a copy: it writes)")
    parser.add_argument("--call", default="MBI-2026", help="with --database: the call")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(args.database or f"sqlite:///{folder}/bench.db", Path(folder)))
        if args.database:
            call_id, email, password = _existing(app, args.call)
        else:
            with app.app_context():
                db.create_all()
                started = time.perf_counter()
                call_id, email = build(args.dossiers, random.Random(5))  # noqa: S311
                password = PASSWORD
                print(
                    f"data: {args.dossiers} dossiers, {args.dossiers * PER_DOSSIER} reviews "
                    f"({time.perf_counter() - started:.1f} s to build)"
                )
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, "login refused"
        url = f"/jury/calls/{call_id}/board"
        floor, _ = _timed(client, "/healthz", args.runs, engine)
        floor_ms = statistics.median(floor)
        print(f"/healthz: median {floor_ms:.1f} ms over {args.runs} runs")
        mark = _stale_marker(engine, call_id)
        cases = [("kept", None, 0), ("after a change", mark, 0)]
        if "SUMMARY_GRACE_SECONDS" in app.config:
            cases.append(("after a change, read late", mark, 3600))
        for name, before, grace in cases:
            if name != "kept" and before is None:
                print(f"board, {name}: not measured (no score summary in this tree)")
                continue
            app.config["SUMMARY_GRACE_SECONDS"] = grace
            huey.immediate = not grace  # read late: the refresh job waits in the queue
            timings, statements = _timed(client, url, args.runs, engine, before)
            median = statistics.median(timings)
            print(
                f"board, {name}: median {median:.0f} ms (min {min(timings):.0f}, max "
                f"{max(timings):.0f}) over {args.runs} runs, {median / floor_ms:.0f}x the floor; "
                f"{statements} SQL statements per request"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
