"""Every page each person reaches, timed: a sweep for the pages that grow with the call.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scale_20k \\
        .venv/bin/python bench/crawl_at_scale.py [--runs 3] [--per-shape 2] [--top 25]

Logs in as each demo person (staff, chair, a juror, a coach, an applicant; password
``impulse-demo``), follows the links from their home page (GET only, this site only),
and reads at most ``--per-shape`` addresses of each shape (a path with its numbers
replaced by ``{n}``, and the names of its query parameters), so that a call of 20,000
dossiers is not read dossier by dossier. Each address is then requested ``--runs``
times more; prints, slowest first: the median server time, its ratio to ``/healthz``
(median of 51 requests at the start of the run), the SQL statements per request
and the response's size.

bench/pages_at_scale.py times the issue's table of pages; this sweep finds the others.
Run it on two demos (1,000 and 20,000 applications) and compare the lists: a page whose
time, statements or size grows with the call does work that is not on the screen.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("JOBS_URL", "immediate://")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from tests.policy.crawl import links  # noqa: E402 (the policy crawl's own link reading)

PASSWORD = "impulse-demo"  # noqa: S105 (the demo accounts' published password)
PEOPLE = (
    "staff@example.com",
    "chair@example.com",
    "juror1@example.com",
    "coach1@example.com",
    "applicant1@example.com",
)
NUMBER = re.compile(r"/\d+(?=/|$)")


def shape(address: str) -> tuple[str, frozenset]:
    parts = urlsplit(address)
    names = frozenset(pair.split("=", 1)[0] for pair in parts.query.split("&") if pair)
    return NUMBER.sub("/{n}", parts.path), names


class Counted:
    """SQL statements sent to ``engine`` while the block runs."""

    engine = None

    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


def timed(client, address: str):
    """(seconds, status, bytes, statements) of one GET, the body read in full."""
    with Counted() as counted:
        start = time.perf_counter()
        response = client.get(address)
        body = response.get_data()
        seconds = time.perf_counter() - start
    response.close()
    return seconds, response.status_code, len(body), counted.count, body, response


def crawl(client, per_shape: int, limit: int) -> list[str]:
    """The addresses reached from the home page, ``per_shape`` of each shape at most."""
    seen, shapes, reached = set(), Counter(), []
    queue = deque(["/"])
    while queue and len(reached) < limit:
        address = queue.popleft()
        if address in seen or shapes[shape(address)] >= per_shape:
            continue
        seen.add(address)
        shapes[shape(address)] += 1
        _, status, _, _, body, response = timed(client, address)
        if status in (301, 302, 303):
            target = urlsplit(response.headers["Location"])
            if not target.netloc or target.netloc == "localhost":
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if status != 200:
            continue
        reached.append(address)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            queue.extend(links(body.decode("utf-8", "replace")))
    return reached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-shape", type=int, default=2)
    parser.add_argument("--limit", type=int, default=400, help="addresses per person")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--people", nargs="*", default=list(PEOPLE))
    options = parser.parse_args()
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the bench posts its logins without a form
    logging.disable(logging.INFO)  # no access-log line per request in the timings
    with app.app_context():  # only to reach the engine: each request has its own context
        Counted.engine = db.engine
    floor_client = app.test_client()
    floor = statistics.median(timed(floor_client, "/healthz")[0] for _ in range(51))
    results = []
    for email in options.people:
        client = app.test_client()
        answer = client.post("/login", data={"email": email, "password": PASSWORD})
        if answer.status_code != 302:
            print(f"{email}: cannot log in ({answer.status_code})", file=sys.stderr)
            continue
        for address in crawl(client, options.per_shape, options.limit):
            runs = [timed(client, address) for _ in range(options.runs)]
            median = statistics.median(run[0] for run in runs)
            results.append((median, median / floor, runs[-1][3], runs[-1][2], email, address))
    results.sort(reverse=True)
    print(f"{'ms':>8} {'x floor':>8} {'SQL':>5} {'KB':>8}  person / address")
    for median, ratio, statements, size, email, address in results[: options.top]:
        print(
            f"{median * 1000:8.1f} {ratio:8.0f} {statements:5d} {size / 1024:8.1f}"
            f"  {email.split('@')[0]} {address}"
        )
    print(f"{len(results)} addresses read; /healthz (the floor): {floor * 1000:.1f} ms.")


if __name__ == "__main__":
    main()
