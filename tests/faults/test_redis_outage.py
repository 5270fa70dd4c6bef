"""Redis goes down under a running site, then comes back (issue 16).

Everything is real: a private ``redis-server`` on a free port holds the rate-limit
counters and the job queue, the app runs in gunicorn, the worker is ``flask jobs
worker``, both on a SQLite file prepared with ``flask db upgrade`` and the demo; the
test talks HTTP with CSRF tokens like a browser. Redis is stopped half-way and started
again on the same port. While it is down, people still log in and ask for a reset link,
a letter regenerated answers "saved" instead of a 500 that says nothing was saved, and
/healthz says the queue is down; once it is back, the letter left pending is generated
and the reset e-mail sent, by the same worker process, never restarted.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app.config import PROJECT_ROOT

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

pytestmark = [
    pytest.mark.skipif(
        not Path(REDIS_SERVER).exists(),
        reason="needs redis-server (apt-get install redis-server; .ci/run installs it)",
    ),
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")),
        reason="runs once, in the SQLite run: it uses its own SQLite file, not TEST_DATABASE_URL",
    ),
]

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
STAFF = "staff@example.com"
PASSWORD = "impulse-demo"  # the demo's  # noqa: S105
SAVED = "Saved. The letter will be generated as soon as the job queue is back."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(check, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Redis:
    """A private redis-server, without persistence: stopping it loses the queue, as a
    crashed Redis would."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port, self.directory, self.process = port, directory, None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(self.answers, 10, "redis-server to answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        _wait_until(lambda: not self.answers(), 5, "redis-server to stop")


def _env(tmp_path: Path, redis_port: int) -> dict:
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    return {
        **os.environ,
        "IMPULSE_ENV": "development",
        "SECRET_KEY": "fault-test-secret",  # one key for every gunicorn worker
        "DATABASE_URL": f"sqlite:///{tmp_path / 'impulse.db'}",
        "JOBS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "JOBS_REQUEUE_AFTER_SECONDS": "0",  # the sweeper takes any pending letter at once
        "PASSWORD_RESET_RATE_LIMIT": "3 per minute",
        "LETTER_STORE": str(tmp_path / "letters"),
        "IMPULSE_INSTANCE_DIR": str(tmp_path / "instance"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def _prepare(env: dict) -> None:
    """The schema, then the demo decided (its letters pending), without Redis."""
    for args in (["db", "upgrade"], ["demo", "--applications", "3", "--stage", "decided"]):
        done = subprocess.run(
            FLASK + args,
            env={**env, "JOBS_URL": "immediate://"},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]


def _spawn(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _rows(database: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def _healthz(base: str) -> tuple[int, str, str]:
    """The status of /healthz and what it says of the job queue and of the rate limits'
    storage (0: no answer)."""
    try:
        response = requests.get(base + "/healthz", timeout=10)
    except requests.ConnectionError:
        return 0, "", ""
    checks = response.json()
    return response.status_code, checks["jobs"], checks["rate_limits"]


class Browser:
    """A person's browser: cookies, and the CSRF token of the last page read."""

    def __init__(self, base: str) -> None:
        self.base, self.http, self.token = base, requests.Session(), None

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, timeout=30)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        data = {**(data or {}), "csrf_token": self.token}
        return self.http.post(self.base + path, data=data, timeout=30, allow_redirects=False)

    def log_in(self, password: str = PASSWORD) -> int:
        self.get("/login")
        return self.post("/login", {"email": STAFF, "password": password}).status_code


def test_a_redis_outage_keeps_the_site_up_and_loses_no_job(tmp_path):
    redis_port, web_port = _free_port(), _free_port()
    env, database = _env(tmp_path, redis_port), tmp_path / "impulse.db"
    app_log, worker_log = tmp_path / "app.log", tmp_path / "worker.log"
    _prepare(env)
    redis = Redis(redis_port, tmp_path)
    redis.start()
    web = _spawn(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{web_port}"]
        + ["wsgi:app"],
        env,
        app_log,
    )
    worker = _spawn(FLASK + ["jobs", "worker", "--workers", "2"], env, worker_log)
    base = f"http://127.0.0.1:{web_port}"
    try:
        _wait_until(lambda: _healthz(base)[0] == 200, 60, "the site to answer")
        # The worker generates the demo's pending letters when it starts.
        _wait_until(
            lambda: (
                _rows(database, "SELECT count(*) FROM letters WHERE status != 'done'") == [(0,)]
            ),
            60,
            "the demo's letters",
        )
        staff = Browser(base)
        assert staff.log_in() == 302
        staff.get("/")
        staff.post("/language", {"locale": "en", "next": "/"})
        letter_id, application_id = _rows(
            database, "SELECT id, application_id FROM letters WHERE current ORDER BY id LIMIT 1"
        )[0]

        redis.stop()
        answers = {"healthz": _healthz(base)}
        visitor = Browser(base)
        answers["wrong password"] = visitor.log_in("not-the-password")
        answers["login"] = visitor.log_in()
        home = visitor.get("/staff")  # staff only: the login page otherwise
        answers["logged in"] = home.status_code == 200 and "/login" not in home.url
        visitor.get("/password/forgot")
        answers["password forgot"] = visitor.post("/password/forgot", {"email": STAFF}).status_code
        # The limit still holds, counted in each gunicorn worker's memory (3 a minute in
        # each of the 2): 7 requests in all cannot pass.
        answers["then"] = {
            visitor.post("/password/forgot", {"email": "nobody@example.com"}).status_code
            for _ in range(6)
        }
        staff.get(f"/staff/applications/{application_id}/letters")
        regenerated = staff.post(f"/staff/letters/{letter_id}/regenerate")
        answers["regenerate"] = regenerated.status_code
        if regenerated.status_code == 302:
            answers["says saved"] = SAVED in staff.get(regenerated.headers["Location"]).text
        assert answers == {
            "healthz": (503, "error: ConnectionError", "error: unreachable"),
            "wrong password": 200,  # refused, the form again (counted per account)
            "login": 302,
            "logged in": True,
            "password forgot": 302,
            "then": {302, 429},
            "regenerate": 302,
            "says saved": True,
        }
        # Committed: the new version waits, pending; so does the reset e-mail.
        pending = _rows(
            database, "SELECT id, version FROM letters WHERE current AND status = 'pending'"
        )
        assert [version for _id, version in pending] == [2]
        assert _rows(database, "SELECT status FROM outbox_messages WHERE status != 'sent'") == [
            ("queued",)
        ]
        logged = app_log.read_text()
        assert "falling back to in-memory storage" in logged
        assert "job queue unavailable, 1 letter(s) left pending" in logged

        redis.start()
        _wait_until(lambda: _healthz(base)[0] == 200, 30, "/healthz to recover")
        new_letter = pending[0][0]
        _wait_until(
            lambda: (
                _rows(database, "SELECT status FROM letters WHERE id = ?", new_letter)
                == [("done",)]
                and _rows(database, "SELECT count(*) FROM outbox_messages WHERE status != 'sent'")
                == [(0,)]
            ),
            150,
            "the pending letter and e-mail once Redis is back",
            step=1,
        )
        assert worker.poll() is None  # the same worker process did it, never restarted
        assert Browser(base).log_in() == 302
    finally:
        _end(web)
        _end(worker)
        if redis.process and redis.process.poll() is None:
            redis.stop()
