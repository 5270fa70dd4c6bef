"""Accounts under attack, tried from outside: gunicorn (4 workers), a private Redis for
the rate limits, real HTTP with CSRF tokens from loopback addresses.

    .venv/bin/python bench/accounts_under_attack.py [--tries 50] [--workers 4]

Prints, with the figures behind each:
1. login time, unknown address vs known address with a wrong password: medians and
   their ratio over --tries each (target 0.9 to 1.1: timing tells nobody which
   addresses have accounts);
2. 30 wrong passwords on one account from 127.0.0.2, .3 and .4: how many were
   evaluated before the refusals began;
3. 14 different accounts log in from one address within a minute;
4. registering a taken address and a new one: the same answer;
5. the rate-limit Redis stopped: logins still succeed (limits go on in memory).
Exits non-zero when one of them does not hold. A throw-away SQLite database and
instance directory; the production password hashing (argon2id, 19 MiB, t=2).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "the right passphrase"  # noqa: S105 - a throw-away account of the bench


class FromAddress(HTTPAdapter):
    """Connect from a given loopback address (127.0.0.2 ...), as another client would."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser(base: str, address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    session.base = base
    return session


def csrf(session, path: str) -> str:
    page = session.get(session.base + path, timeout=30).text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def log_in(session, email: str, password: str) -> tuple[int, float]:
    token = csrf(session, "/login")
    started = time.perf_counter()
    response = session.post(
        session.base + "/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code, (time.perf_counter() - started) * 1000


def start_redis(port: int, directory: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def prepare(env: dict, people: int) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    script = f"""
from app import create_app
from app.auth.passwords import hash_password
from app.auth.services import create_user
from app.extensions import db
app = create_app()
with app.app_context():
    digest = hash_password({PASSWORD!r})
    create_user("target@example.org", "Target", None, ["staff"], password_hash=digest)
    create_user("taken@example.org", "Taken", None, ["applicant"], password_hash=digest)
    for n in range({people}):
        create_user(f"juror{{n}}@example.org", f"Juror {{n}}", None, ["juror"],
                    password_hash=digest)
    db.session.commit()
"""
    subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        print("needs redis-server (apt-get install redis-server)")
        return 2
    instance = Path(tempfile.mkdtemp(prefix="impulse-attack-"))
    redis_port, port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{instance / 'attack.db'}",
        IMPULSE_INSTANCE_DIR=str(instance),
        DOCUMENT_STORE=str(instance / "documents"),
        JOBS_URL=f"sqlite:///{instance / 'jobs.db'}",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="attack-bench-" + "x" * 40,
    )
    redis = start_redis(redis_port, instance)
    prepare(env, people=14)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    failures = []
    try:
        for _ in range(100):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)

        # 1. timing, alternating, each from its own address so no limit interferes
        unknown, known = [], []
        for n in range(args.tries):
            client = browser(base, f"127.0.1.{n % 200 + 1}")
            for email, times in (("nobody@example.org", unknown), ("target@example.org", known)):
                status, elapsed = log_in(client, email, f"wrong guess {n}")
                assert status == 200, status
                times.append(elapsed)
            # the target's count is reset by a successful reset only: use a fresh count
            subprocess.run(
                ["redis-cli", "-p", str(redis_port), "flushall"], check=True, capture_output=True
            )
        ratio = statistics.median(unknown) / statistics.median(known)
        print(
            f"1. login, wrong password, {args.tries} tries each: unknown address median "
            f"{statistics.median(unknown):.1f} ms, known address {statistics.median(known):.1f}"
            f" ms, ratio {ratio:.2f} (target 0.9-1.1)"
        )
        if not 0.9 <= ratio <= 1.1:
            failures.append("timing ratio")

        # 2. 30 wrong passwords on one account from three addresses
        clients = [browser(base, f"127.0.0.{n}") for n in (2, 3, 4)]
        codes = [log_in(clients[n % 3], "target@example.org", f"guess {n}")[0] for n in range(30)]
        evaluated = codes.count(200)
        print(
            f"2. 30 wrong passwords on one account from 3 addresses: {evaluated} evaluated, "
            f"{codes.count(429)} refused (429); first refusal at try {codes.index(429) + 1}"
            if 429 in codes
            else f"2. 30 wrong passwords: never refused ({codes})"
        )
        if codes[-1] != 429:
            failures.append("per-account limit")

        # 3. fourteen accounts from one address within a minute
        started, room = time.monotonic(), browser(base, "127.0.0.20")
        statuses = []
        for n in range(14):
            statuses.append(log_in(room, f"juror{n}@example.org", PASSWORD)[0])
            room.post(base + "/logout", data={"csrf_token": csrf(room, "/account/password")})
        seconds = time.monotonic() - started
        print(
            f"3. 14 accounts from one address in {seconds:.1f} s: "
            f"{statuses.count(302)} logged in, statuses {sorted(set(statuses))}"
        )
        if statuses != [302] * 14:
            failures.append("room of jurors")

        # 4. registering a taken address and a new one
        answers = []
        for email in ("taken@example.org", "newcomer@example.org"):
            client = browser(base, "127.0.0.30")
            response = client.post(
                base + "/register",
                data={
                    "csrf_token": csrf(client, "/register"),
                    "full_name": "Someone",
                    "email": email,
                    "password": PASSWORD,
                    "confirm": PASSWORD,
                    "locale": "en",
                    "accept_privacy": "y",
                },
                timeout=30,
            )
            answers.append(
                (
                    response.status_code,
                    response.url.replace(base, ""),
                    re.sub(r'value="[^"]{40,}"', "", response.text).replace(email, "@"),
                )
            )
        same = answers[0] == answers[1]
        print(
            f"4. registering a taken and a new address: {answers[0][0]} -> {answers[0][1]} "
            f"and {answers[1][0]} -> {answers[1][1]}; pages identical: {same}"
        )
        if not same:
            failures.append("registration answers")

        # 5. the rate-limit Redis stopped
        redis.terminate()
        redis.wait(timeout=10)
        down = [
            log_in(browser(base, "127.0.0.40"), f"juror{n}@example.org", PASSWORD)[0]
            for n in range(8)
        ]
        health = requests.get(base + "/healthz", timeout=10).status_code
        print(f"5. rate-limit Redis stopped: logins {down}; /healthz {health}")
        if down != [302] * 8:
            failures.append("logins without Redis")
    finally:
        server.terminate()
        server.wait(timeout=20)
        if redis.poll() is None:
            redis.terminate()
        shutil.rmtree(instance, ignore_errors=True)
    print("all hold" if not failures else f"does not hold: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
