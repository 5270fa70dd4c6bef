"""Benchmark: staff's eligibility queue on an existing database (issue 19: 425 ms at
20,000 dossiers before PostgreSQL had statistics, a nested loop over 6.6 M row pairs).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/DB \\
        .venv/bin/python bench/eligibility_queue_bench.py [--runs 9] [--explain]
        [--statistics keep|drop|analyze]

Reads the database as it is (build it with ``flask --app wsgi demo``): takes the call
with the most dossiers waiting for the check and a staff member, then times what the
queue page reads (:func:`app.eligibility.queue.queue`, every verdict tab, and
:func:`~app.eligibility.queue.all_passing`): the median and best over ``--runs`` and
the number of SQL statements. ``--explain`` prints PostgreSQL's EXPLAIN ANALYZE of each
statement of one page. ``--statistics drop`` deletes the planner's statistics of the
tables first (pg_statistic: what ANALYZE gathers; the database then plans as right
after a bulk load), ``analyze`` runs ANALYZE first; ``keep`` (default) leaves them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("JOBS_URL", "immediate://")

from sqlalchemy import event, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.auth.models import Role, RoleGrant, User  # noqa: E402
from app.calls.models import Call  # noqa: E402
from app.eligibility.queue import all_passing, queue  # noqa: E402
from app.extensions import db  # noqa: E402
from workflows.application import TO_CHECK  # noqa: E402

VERDICTS = ("", "pass", "needs_information", "fail")


def _statistics(how: str) -> None:
    if how == "analyze":
        db.session.execute(text("ANALYZE"))
    elif how == "drop":
        db.session.execute(
            text(
                "DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class "
                "WHERE relnamespace = 'public'::regnamespace)"
            )
        )
    db.session.commit()


def _page(viewer: User, call: Call) -> int:
    """Everything the queue's page and its "confirm all" page read; the rows shown."""
    shown = 0
    for verdict in VERDICTS:
        shown += len(queue(viewer, call, verdict, 1)["applications"])
    return shown + len(all_passing(viewer, call))


def _explain(viewer: User, call: Call) -> None:
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        _page(viewer, call)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    cursor = db.session.connection().connection.cursor()
    for statement, parameters in seen:
        if "rule_outcomes" not in statement:
            continue
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        print("-" * 78 + "\n" + " ".join(statement.split())[:300] + "\n" + plan)
    db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--statistics", choices=("keep", "drop", "analyze"), default="keep")
    options = parser.parse_args()

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _statistics(options.statistics)
        call = db.session.scalars(
            select(Call)
            .join(Application, Application.call_id == Call.id)
            .where(Application.status.in_(TO_CHECK))
            .group_by(Call.id)
            .order_by(func.count().desc())
        ).first()
        viewer = db.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.STAFF)
            .order_by(User.id)
        ).first()
        waiting = db.session.scalar(
            select(func.count()).where(
                Application.call_id == call.id, Application.status.in_(TO_CHECK)
            )
        )
        if options.explain and db.engine.dialect.name == "postgresql":
            _explain(viewer, call)
        counted: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: counted.append(a[2]))
        timings = []
        for _ in range(options.runs):
            counted.clear()
            started = time.perf_counter()
            shown = _page(viewer, call)
            timings.append(1000 * (time.perf_counter() - started))
            db.session.rollback()
        total = db.session.scalar(select(func.count(Application.id)))
        dialect, reference = db.engine.dialect.name, call.reference
    print(
        f"{dialect}, statistics {options.statistics}: {total} dossiers, call "
        f"{reference} with {waiting} to check; {len(VERDICTS)} queue tabs + confirm-all "
        f"({shown} rows shown, {len(counted)} statements): median "
        f"{statistics.median(timings):.1f} ms, best {min(timings):.1f} ms over {options.runs} runs"
    )


if __name__ == "__main__":
    main()
