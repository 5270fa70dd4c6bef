"""The selection's pages at scale: the proposal, ``?all=1``, the decision record and its
download, the ranking export, for a call of many decided dossiers.

Builds the data like bench/selection_db_bench.py (bulk inserts, every dossier scored,
a balance rule), stores the proposal (``refresh_draft``) and a few of the chair's moves,
optionally publishes it, then requests each page as the chair through the Flask test
client: the median (and min/max) server time over several runs after a warm-up, the SQL
statements per request, the size of the response, and the peak of the memory Python
allocated during one more request (tracemalloc, outside the timed runs); each page's
median is also given as a ratio to ``/healthz``'s in the same run (the floor).

SQLite in a throw-away file by default; ``--database-url`` runs on a PostgreSQL
database of your own (its tables are dropped and created again: never a shared one).
``--read-only URL --as EMAIL --call REF`` measures an existing database instead (a demo
built by ``flask demo``), through transactions PostgreSQL refuses to write in, signed in
as EMAIL without the login form (which would write).

    .venv/bin/python bench/selection_pages.py [--dossiers 8200] [--runs 7] [--publish]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_NAME]
    .venv/bin/python bench/selection_pages.py --read-only \
        postgresql+psycopg://postgres@127.0.0.1:5432/scale_20k --as chair@example.com \
        --call MBI-2026
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

#: The jobs publication queues (letters, e-mails) wait in a throw-away queue: never run.
JOBS = Path(tempfile.gettempdir()) / f"selection-pages-bench-jobs-{os.getpid()}.db"
os.environ["JOBS_URL"] = f"sqlite:///{JOBS}"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from board_bench import PASSWORD, build  # noqa: E402
from selection_db_bench import scored  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.calls.models import Call  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.selection.models import SelectionDecision, SelectionRound  # noqa: E402
from app.selection.services import override, publish, refresh_draft  # noqa: E402

#: How many dossiers the chair moves by hand (each needs a justification).
MOVES = 5


def decide(call_id: int, *, published: bool) -> None:
    """Store the proposal, move a few dossiers with a justification, publish if asked."""
    call = db.session.get(Call, call_id)
    refresh_draft(call, actor=None)
    db.session.commit()
    ids = db.session.scalars(
        select(SelectionDecision.application_id)
        .where(SelectionDecision.decision == "not_selected")
        .order_by(SelectionDecision.rank)
        .limit(MOVES)
    ).all()
    for application_id in ids:
        override(call, application_id, "reserve", "Moved for the bench.", actor=None)
    db.session.commit()
    if published:
        publish(call, actor=None)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def pages(call_id: int, total: int, per_page: int = 100) -> dict[str, str]:
    last = max(1, -(-total // per_page))
    base = f"/calls/{call_id}/selection"
    return {
        "proposal": base,
        "?all=1": f"{base}?all=1",
        "?all=1, last page": f"{base}?all=1&page={last}",
        "record": f"{base}/record",
        "record, last page": f"{base}/record?page={last}",
        "record, printable download": f"{base}/record/print",
        "ranking.csv": f"{base}/ranking.csv",
    }


def measure(client, engine, url: str, runs: int) -> tuple[float, str]:
    statements: list[str] = []

    def count(*arguments):
        statements.append(arguments[2])

    event.listen(engine, "before_cursor_execute", count)
    timings, sizes = [], []
    try:
        for _ in range(runs + 1):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            body = response.get_data()  # a streamed body is produced here
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                return 0.0, f"HTTP {response.status_code}"
            sizes.append(len(body))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    tracemalloc.start()
    client.get(url).get_data()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    timings = timings[1:]  # the first run warms the templates and the forms
    median = statistics.median(timings)
    return median, (
        f"median {median:6.1f} ms (min {min(timings):.0f}, max "
        f"{max(timings):.0f}); {len(statements)} SQL statements; {sizes[-1] // 1024} KiB; "
        f"peak Python memory {peak:.0f} MB"
    )


def report(client, engine, call_id: int, dossiers: int, runs: int) -> None:
    floor, line = measure(client, engine, "/healthz", runs)
    print(f"{'/healthz (the floor)':28} {line}", flush=True)
    for name, address in pages(call_id, dossiers).items():
        median, line = measure(client, engine, address, runs)
        print(f"{name:28} {line}; {median / floor:.0f}x the floor", flush=True)


def read_only(url: str, email: str, reference: str, runs: int) -> None:
    """Measure the pages of an existing database without writing to it."""
    with tempfile.TemporaryDirectory() as folder:
        config = TestConfig(url, Path(folder))
        config.JOBS_URL = os.environ["JOBS_URL"]
        config.SQLALCHEMY_ENGINE_OPTIONS = {
            **config.SQLALCHEMY_ENGINE_OPTIONS,
            "connect_args": {"options": "-c default_transaction_read_only=on"},
        }
        app = create_app(config)
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            call = db.session.scalar(select(Call).where(Call.reference == reference))
            dossiers = db.session.scalar(
                select(func.count())
                .select_from(SelectionDecision)
                .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
                .where(SelectionRound.call_id == call.id)
            )
            session_id, call_id, engine = user.get_id(), call.id, db.engine
        print(f"{url.rsplit('/', 1)[-1]} (read only): {reference}, {dossiers} decided dossiers")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
        report(client, engine, call_id, dossiers, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=8200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--publish", action="store_true", help="publish the decisions")
    parser.add_argument("--database-url", help="a PostgreSQL database of your own")
    parser.add_argument("--read-only", metavar="URL", help="an existing database, read only")
    parser.add_argument("--as", dest="email", help="with --read-only: whose pages")
    parser.add_argument("--call", help="with --read-only: the call's reference")
    args = parser.parse_args()
    if args.read_only:
        read_only(args.read_only, args.email, args.call, args.runs)
        JOBS.unlink(missing_ok=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        config = TestConfig(url, Path(folder))
        config.JOBS_URL = os.environ["JOBS_URL"]
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            rng = random.Random(7)  # noqa: S311
            call_id, chair_email = build(args.dossiers, rng)
            scored(call_id, rng)
            decide(call_id, published=args.publish)
            print(
                f"{db.engine.dialect.name}: {args.dossiers} decided dossiers"
                f"{', published' if args.publish else ''} "
                f"({time.perf_counter() - started:.0f} s to build)"
            )
            engine = db.engine
        client = app.test_client()
        client.post("/login", data={"email": chair_email, "password": PASSWORD})
        report(client, engine, call_id, args.dossiers, args.runs)
        if args.database_url:
            with app.app_context():
                db.drop_all()
    JOBS.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
