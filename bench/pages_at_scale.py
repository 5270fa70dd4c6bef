"""Issue 19's pages at scale on PostgreSQL: each page's server time as a ratio to /healthz.

Measures in this process, through the Flask test client, logged in as the demo's chair
(board, selection, decision record, dashboard) or its staff member (applications list,
eligibility queue), the pages of issue 19's table on a database holding the demo:

    # once: a database with the demo at the decided stage (migrations, demo, ANALYZE)
    .venv/bin/python bench/pages_at_scale.py --build 1000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/scale_1k
    # then, read-only:
    .venv/bin/python bench/pages_at_scale.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/scale_20k [--runs 9]
    # the two sizes side by side, and how much each page grows from one to the other
    .venv/bin/python bench/pages_at_scale.py --compare \\
        postgresql+psycopg://postgres@127.0.0.1:5432/scale_1k \\
        postgresql+psycopg://postgres@127.0.0.1:5432/scale_20k

``--build N`` creates the database if it does not exist and, if it holds no call, runs
``flask db upgrade`` and ``flask demo --applications N --stage decided`` on it (with this
worktree's code), then ANALYZE; a database that holds data is left as it is.

Each page gets one warm-up request, then ``--runs`` timed ones (9); printed per page:

- the median server time in ms (min and max beside it) and its ratio to /healthz's
  median in the same run (the floor: measured first, over 5x as many runs, at least 45,
  for a steadier median; measured again last, to show how much the machine drifted);
- the median CPU time of this process per request in ms (Python's share: the database
  works in its own process; less sensitive than the server time to a busy machine);
- the SQL statements of one request (the last; "~" when the runs disagreed);
- the size of the response body;
- the process's resident memory (RSS, from /proc/self/statm) kept after the page's
  requests compared to before its warm-up, and how much they raised the process's peak
  RSS (getrusage's ru_maxrss: non-zero only when a page goes past every earlier peak).
  Pages are measured in the table's order in one process, so a page reuses memory an
  earlier page freed: for one page's own growth, measure it alone with ``--only``.

``--only board,record`` measures these pages only (keys: see ``--help``); /healthz is
always measured. ``--json`` prints the figures as JSON (``--compare`` uses it, measuring
each database in a child process).

``--compare A B`` prints, per page: the median at A and at B, the growth B/A beside the
growth in applications B/A, and B's ratio to its floor. Issue 19's targets: each page
grows no faster than N, and stays at 50x the floor or less at 20,000 applications.

Server time here is the WSGI call (the test client adds well under a millisecond); the
jobs queue is ``immediate://`` and the rate limits are counted in memory unless
JOBS_URL / RATELIMIT_STORAGE_URI say otherwise, so /healthz is a ``SELECT 1`` and the
framework's cost. The machine is shared: compare runs made side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "impulse-demo"  # noqa: S105 - the documented demo password
CHAIR, STAFF = "chair@example.com", "staff@example.com"
MB = 1024 * 1024
FLOOR_TARGET = 50  # issue 19: every page at 50x /healthz or less at 20,000 applications

#: key -> (label, who, endpoint, query string). A page number of ``"middle"`` or
#: ``"last"`` is read from the pagination of the same page without it.
PAGES = {
    "board": ("chair's board, first page", CHAIR, "jury.board", {}),
    "board-middle": ("chair's board, middle page", CHAIR, "jury.board", {"page": "middle"}),
    "selection": ("selection page", CHAIR, "selection.proposal", {}),
    "selection-all": ("selection, ?all=1", CHAIR, "selection.proposal", {"all": 1}),
    "record": ("selection decision record", CHAIR, "selection.record", {}),
    "dashboard": ("dashboard (the chair's: jury part)", CHAIR, "dashboard.show", {}),
    "dashboard-staff": ("dashboard (staff: every part)", STAFF, "dashboard.show", {}),
    "staff-list": ("staff list, first page", STAFF, "applications.list_applications", {}),
    "staff-list-last": (
        "staff list, last page",
        STAFF,
        "applications.list_applications",
        {"page": "last"},
    ),
    "eligibility": ("eligibility queue", STAFF, "eligibility.queue", {}),
}
#: "Page 3 of 40" in any language: the two numbers of the pagination's <span>.
PAGINATION = re.compile(r'class="pagination".*?<span>[^<\d]*(\d+)[^<\d]+(\d+)[^<]*</span>', re.S)


# Building the database -----------------------------------------------------------------


def build(database_url: str, applications: int) -> None:
    """Create the database if needed; load the demo into it if it holds no call; ANALYZE."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
            print(f"database {url.database} created")
    server.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if "calls" in inspect(connection).get_table_names() and connection.scalar(
            text("SELECT count(*) FROM calls")
        ):
            print(f"{url.database} holds data already: not built again")
            return
    env = {**os.environ, "DATABASE_URL": database_url, "JOBS_URL": "immediate://"}
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    started = time.perf_counter()
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    demo = subprocess.run(
        [*flask, "demo", "--applications", str(applications), "--stage", "decided"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,  # the demo's e-mails, sent at once by the immediate queue
        text=True,
    )
    print(demo.stdout.strip().splitlines()[-1])
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    print(f"{url.database}: demo of {applications} applications built in "
          f"{time.perf_counter() - started:.0f} s, then ANALYZE")  # fmt: skip


# Measuring -------------------------------------------------------------------------------


def rss() -> int:
    """This process's resident memory in bytes (second field of /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """The highest resident memory this process reached, in bytes (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def log_in(app, email: str):
    """A test client logged in as ``email`` (the login form's CSRF token included)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
    )
    if response.status_code != 302:
        raise SystemExit(f"login refused for {email} ({response.status_code})")
    return client


def page_count(client, url: str) -> int:
    """How many pages the pagination of ``url`` says there are (1 without pagination)."""
    match = PAGINATION.search(client.get(url).get_data(as_text=True))
    return int(match.group(2)) if match else 1


def measure(client, url: str, runs: int, statements: list) -> dict:
    """One warm-up request, then ``runs`` timed ones: times, SQL, size and memory."""
    before, peak_before = rss(), peak_rss()
    timings, cpu, counts = [], [], []
    for _ in range(runs + 1):
        statements.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        counts.append(len(statements))
        if response.status_code != 200:
            return {"url": url, "error": f"HTTP {response.status_code}"}
    timings, cpu, counts = timings[1:], cpu[1:], counts[1:]
    return {
        "url": url,
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "cpu_ms": statistics.median(cpu),
        "queries": counts[-1],
        "queries_vary": len(set(counts)) > 1,
        "bytes": len(response.data),
        "rss_growth_mb": (rss() - before) / MB,
        "peak_growth_mb": (peak_rss() - peak_before) / MB,
    }


def run(database_url: str, runs: int, only: list[str]) -> dict:
    """Every page of ``only`` (all by default) on ``database_url``, /healthz first and last."""
    os.environ["DATABASE_URL"] = database_url  # read when app.config is imported
    os.environ.setdefault("JOBS_URL", "immediate://")
    os.environ.setdefault("REQUEST_LOG", "0")
    from flask import url_for
    from sqlalchemy import event, func, select

    from app import create_app
    from app.applications.models import Application
    from app.calls.models import Call
    from app.demo.services import DEMO_CALL
    from app.extensions import db

    app = create_app()
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.reference == DEMO_CALL))
        if call_id is None:
            raise SystemExit(f"no demo call {DEMO_CALL} in {database_url} (see --build)")
        applications = db.session.scalar(
            select(func.count()).select_from(Application).where(Application.call_id == call_id)
        )
        engine = db.engine
    statements: list = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients = {CHAIR: log_in(app, CHAIR), STAFF: log_in(app, STAFF)}
    results = {"database": database_url.rsplit("/", 1)[-1], "applications": applications}
    results["rss_start_mb"] = rss() / MB
    floor_runs = max(5 * runs, 45)  # cheap, and a steadier median on a busy machine
    pages = {"healthz": measure(clients[STAFF], "/healthz", floor_runs, statements)}
    for key in only or PAGES:
        label, who, endpoint, query = PAGES[key]
        query = dict(query)
        with app.test_request_context():
            url = url_for(endpoint, call_id=call_id)
        if query.get("page") in ("middle", "last"):
            count = page_count(clients[who], url)
            query["page"] = count // 2 + 1 if query["page"] == "middle" else count
            query["page"] = min(query["page"], count)
            label = f"{label} ({query['page']} of {count})"
        if query:
            url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
        pages[key] = {"label": label, **measure(clients[who], url, runs, statements)}
    pages["healthz-again"] = measure(clients[STAFF], "/healthz", floor_runs, statements)
    pages["healthz"]["label"] = "/healthz (the floor)"
    pages["healthz-again"]["label"] = "/healthz again, last"
    results["pages"], results["floor_runs"] = pages, floor_runs
    results["rss_end_mb"] = rss() / MB
    return results


# Printing --------------------------------------------------------------------------------


def print_run(results: dict, runs: int) -> None:
    pages, floor = results["pages"], results["pages"]["healthz"]["median_ms"]
    print(
        f"\n{results['database']}: {results['applications']} applications in the demo call; "
        f"median of {runs} runs after a warm-up (/healthz: {results['floor_runs']}); "
        "RSS from /proc/self/statm"
    )
    print(
        f"{'page':<42} {'median':>8} {'min-max':>11} {'x floor':>8} {'CPU':>6} {'SQL':>5} "
        f"{'size':>9} {'RSS +MB':>8} {'peak +MB':>9}"
    )
    for page in pages.values():
        if "error" in page:
            print(f"{page['label']:<42} {page['error']} ({page['url']})")
            continue
        size = page["bytes"]
        size = (
            f"{size} B"
            if size < 1024
            else f"{size / 1024:.0f} KiB"
            if size < MB
            else f"{size / MB:.1f} MiB"
        )
        queries = ("~" if page["queries_vary"] else "") + str(page["queries"])
        print(
            f"{page['label']:<42} {page['median_ms']:>5.1f} ms "
            f"{page['min_ms']:>5.0f}-{page['max_ms']:<5.0f} {page['median_ms'] / floor:>7.1f}x "
            f"{page['cpu_ms']:>6.0f} {queries:>5} {size:>9} "
            f"{page['rss_growth_mb']:>+8.1f} {page['peak_growth_mb']:>+9.1f}"
        )
    print(
        f"process RSS {results['rss_start_mb']:.0f} MB after start-up and logins, "
        f"{results['rss_end_mb']:.0f} MB at the end"
    )


def print_comparison(small: dict, large: dict) -> None:
    growth_n = large["applications"] / small["applications"]
    floor = large["pages"]["healthz"]["median_ms"]
    print(
        f"\n{small['database']} -> {large['database']}: applications x{growth_n:.1f}; "
        f"targets: growth <= x{growth_n:.1f}, <= {FLOOR_TARGET}x the floor, same SQL count"
    )
    print(
        f"{'page':<16} {str(small['applications']) + ' apps':>10} "
        f"{str(large['applications']) + ' apps':>10} "
        f"{'growth':>7} {'N grows':>8} {'x floor':>8} {'SQL':>9}  verdict"
    )
    for key, page in large["pages"].items():
        before = small["pages"].get(key, {})
        if key == "healthz-again":
            continue
        if "error" in page or "error" in before or not before:
            print(f"{key:<16} {page.get('error') or before.get('error') or 'not measured'}")
            continue
        growth = page["median_ms"] / before["median_ms"]
        ratio = page["median_ms"] / floor
        problems = [
            *(["grows faster than N"] if growth > growth_n else []),
            *([f"over {FLOOR_TARGET}x"] if ratio > FLOOR_TARGET else []),
            *(["SQL grows"] if page["queries"] > before["queries"] else []),
        ]
        print(
            f"{key:<16} {before['median_ms']:>7.1f} ms {page['median_ms']:>7.1f} ms "
            f"{growth:>6.1f}x {growth_n:>7.1f}x {ratio:>7.1f}x "
            f"{before['queries']:>4}->{page['queries']:<4}  {', '.join(problems) or 'ok'}"
        )


def measure_in_child(database_url: str, args) -> dict:
    """Run this script on one database in a child process (the app reads its database
    from the environment when imported) and read its JSON."""
    command = [sys.executable, __file__, "--database-url", database_url, "--runs", str(args.runs)]
    command += ["--json"] + (["--only", args.only] if args.only else [])
    output = subprocess.run(command, cwd=ROOT, check=False, text=True, capture_output=True)
    if output.returncode != 0:
        raise SystemExit(f"measuring {database_url} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--build",
        type=int,
        metavar="N",
        help="if the database holds no call, build the demo with N applications first",
    )
    parser.add_argument("--only", help=f"comma-separated pages among: {', '.join(PAGES)}")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--compare", nargs=2, metavar=("SMALL_URL", "LARGE_URL"), help="two databases"
    )
    args = parser.parse_args()
    only = [key.strip() for key in args.only.split(",")] if args.only else []
    unknown = set(only) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if args.compare:
        small, large = (measure_in_child(url, args) for url in args.compare)
        print_run(small, args.runs)
        print_run(large, args.runs)
        print_comparison(small, large)
        return
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is needed")
    if args.build:
        build(args.database_url, args.build)
    results = run(args.database_url, args.runs, only)
    if args.json:
        print(json.dumps(results))
    else:
        print_run(results, args.runs)


if __name__ == "__main__":
    main()
