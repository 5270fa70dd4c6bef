"""Benchmark: how long the demo takes to build (issue 19: 20,000 applications in 120 s).

    .venv/bin/python bench/demo_build.py --applications 5000 [--stage decided]
        [--database /tmp/demo_build.db] [--profile /tmp/demo_build.prof]

Removes the SQLite file named by ``--database`` (or, given a URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/demo_me``, drops that database's public
schema: use a database of your own), brings it up to date with the migrations, then
times what ``flask --app wsgi demo --applications N --stage S`` does: ``load_demo`` and
the commit (the migrations are not counted). Prints the wall and CPU seconds of this
process (a SQLite database has no server: its work is in the CPU figure; PostgreSQL's
is not). With ``--profile``, also writes a cProfile file of the load (in CPU time), to
read with ``python -m pstats``.

The same measure from the shell, with the peak memory as well:

    export DATABASE_URL=sqlite:////tmp/fastdemo/5000.db
    .venv/bin/flask --app wsgi db upgrade
    /usr/bin/time -v .venv/bin/flask --app wsgi demo --applications 5000 --stage decided

The documents' files are written to a temporary folder, removed afterwards (unless
``DOCUMENT_STORE`` names one). A shared machine's speed varies from one minute to the
next: compare runs made side by side.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--stage", default="decided")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default=str(Path(tempfile.gettempdir()) / "demo_build.db"))
    parser.add_argument("--profile", help="write a cProfile file of the load here")
    options = parser.parse_args()
    if "://" in options.database:  # a server's database: emptied first (its schema dropped)
        os.environ["DATABASE_URL"] = options.database
    else:
        database = Path(options.database)
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"

    # The documents' files go to a store of this run's own, removed at the end: the
    # instance's store would keep every earlier run's (a hundred thousand files a
    # 20,000-dossier build), each run writing into a bigger folder than the last.
    store = None
    if "DOCUMENT_STORE" not in os.environ:
        store = tempfile.mkdtemp(prefix="demo_build_documents_")
        os.environ["DOCUMENT_STORE"] = store

    from flask_migrate import upgrade

    from app import create_app
    from app.demo.services import load_demo
    from app.extensions import db

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        # CPU time: on a shared machine the wall clock counts other processes' turns.
        profile = cProfile.Profile(time.process_time) if options.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        summary = load_demo(
            applications=options.applications, seed=options.seed, stage=options.stage
        )
        db.session.commit()
        if profile:
            profile.disable()
            profile.dump_stats(options.profile)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if store:
        shutil.rmtree(store, ignore_errors=True)
    print(summary)
    print(
        f"demo --applications {options.applications} --stage {options.stage}: "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
