"""The selection through the database: 5,000 scored dossiers x 3 reviews (4 criteria).

Builds the data like bench/board_bench.py (bulk inserts into a throw-away SQLite file),
marks every dossier ``scored`` with a gender answer, gives the call a balance rule (at
least 10 women), then times:

- ``refresh_draft``: the proposal from the submitted reviews, its 1,000-round stability
  estimate and the stored draft (5,000 decision rows), median of several runs;
- the chair's proposal page (GET, test client), median and SQL statements per request;
- the publication of every decision (one run: 5,000 transitions, audit rows and emails).

    .venv/bin/python bench/selection_db_bench.py [--dossiers 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from board_bench import PASSWORD, build  # noqa: E402
from sqlalchemy import event, select, update  # noqa: E402

from app import create_app  # noqa: E402
from app.applications.models import Application  # noqa: E402
from app.calls.models import Call  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jury.models import CriterionScore, Review  # noqa: E402
from app.selection.services import publish, refresh_draft  # noqa: E402


def scored(call_id: int, rng: random.Random) -> None:
    """Totals from the criterion scores, every dossier scored, half of them led by women."""
    call = db.session.get(Call, call_id)
    weights = {c.id: c.weight for c in call.criteria}
    totals: dict[int, float] = {}
    for review_id, criterion_id, score in db.session.execute(
        select(CriterionScore.review_id, CriterionScore.criterion_id, CriterionScore.score)
    ):
        totals[review_id] = totals.get(review_id, 0) + weights[criterion_id] * score / 10
    db.session.execute(
        update(Review), [{"id": key, "total": total, "version": 1} for key, total in totals.items()]
    )
    rows = db.session.execute(select(Application.id)).scalars().all()
    db.session.execute(
        update(Application),
        [
            {
                "id": key,
                "status": "scored",
                "version": 1,
                "answers": {"project_title": f"P{key}", "gender": rng.choice("FM")},
            }
            for key in rows
        ],
    )
    call.scoring_open = False
    call.balance_rules = [{"attribute": "gender", "value": "F", "kind": "at_least", "count": 10}]
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(f"sqlite:///{folder}/bench.db", Path(folder)))
        with app.app_context():
            db.create_all()
            call_id, chair_email = build(args.dossiers, rng)
            scored(call_id, rng)
            timings = []
            for _ in range(args.runs):
                call = db.session.get(Call, call_id)
                started = time.perf_counter()
                refresh_draft(call, actor=None)
                db.session.commit()
                timings.append(time.perf_counter() - started)
            print(
                f"refresh_draft ({args.dossiers} dossiers, stability 1,000 rounds, stored): "
                f"median {statistics.median(timings) * 1000:.0f} ms "
                f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) "
                f"over {args.runs} runs"
            )
            engine = db.engine
        client = app.test_client()
        client.post("/login", data={"email": chair_email, "password": PASSWORD})
        statements: list[str] = []

        def count(*arguments):
            statements.append(arguments[2])

        event.listen(engine, "before_cursor_execute", count)
        pages, counts = [], []
        for _ in range(args.runs + 1):
            statements.clear()
            started = time.perf_counter()
            response = client.get(f"/calls/{call_id}/selection")
            pages.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements))
            assert response.status_code == 200, response.status_code
        pages = pages[1:]
        print(
            f"proposal page: median {statistics.median(pages):.0f} ms (min {min(pages):.0f}, "
            f"max {max(pages):.0f}); {counts[-1]} SQL statements per request"
        )
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            call = db.session.get(Call, call_id)
            started = time.perf_counter()
            counts = publish(call, actor=None)
            db.session.commit()
            print(
                f"publish: {counts} in {time.perf_counter() - started:.1f} s "
                f"(one transaction, one audit row and one email per dossier)"
            )


if __name__ == "__main__":
    main()
