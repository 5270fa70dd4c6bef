"""The one integration test with the real worker: ``flask jobs worker`` as a process, on a
SqliteHuey file and a file SQLite database, killed with SIGKILL half-way and started again.

It must end with exactly one current, stored letter per decision: none missing, none
duplicated, each file matching its SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.config import PROJECT_ROOT
from workflows.letters import OUTCOME_OF_TRIGGER


def _env(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'impulse.db'}",
        "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
        "LETTER_STORE": str(tmp_path / "letters"),
        "IMPULSE_INSTANCE_DIR": str(tmp_path / "instance"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def _run(args, env):
    done = subprocess.run(
        FLASK + args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _worker(env, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            FLASK + ["jobs", "worker", "--workers", "2"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches every process
        )


def _counts(database: Path) -> tuple[int, int]:
    with sqlite3.connect(database, timeout=30) as connection:
        total, done = connection.execute(
            "SELECT count(*), sum(status = 'done') FROM letters WHERE current"
        ).fetchone()
    return total, done or 0


def _wait(database: Path, until, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = _counts(database)
        if until(*counts):
            return counts
        time.sleep(0.05)
    raise AssertionError(f"timed out at {counts}")


def test_killing_the_worker_half_way_ends_with_one_letter_per_decision(tmp_path):
    env = _env(tmp_path)
    database = tmp_path / "impulse.db"
    log = tmp_path / "worker.log"
    _run(["db", "upgrade"], env)
    _run(["demo", "--applications", "70", "--stage", "decided"], env)
    total, done = _counts(database)
    assert total > 20 and done == 0  # the demo leaves every letter pending

    worker = _worker(env, log)  # on start, it queues the pending letters
    try:
        _wait(database, lambda total, done: done >= 3, timeout=120)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(30)
    total, done_at_kill = _counts(database)
    assert 0 < done_at_kill < total, "the kill must land half-way"

    worker = _worker(env, log)
    try:
        _wait(database, lambda total, done: done == total, timeout=180)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)

    with sqlite3.connect(database) as connection:
        triggers = [row[0] for row in connection.execute("SELECT event FROM audit_events")]
        decisions = sum(trigger in OUTCOME_OF_TRIGGER for trigger in triggers)
        rows = connection.execute(
            "SELECT audit_event_id, count(*), sum(current), min(status), max(status), "
            "max(sha256) FROM letters GROUP BY audit_event_id"
        ).fetchall()
    assert len(rows) == decisions  # none missing
    for _entry, count, current, low, high, sha in rows:
        assert (count, current, low, high) == (1, 1, "done", "done")  # none duplicated
        stored = tmp_path / "letters" / sha[:2] / f"{sha}.pdf"
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
