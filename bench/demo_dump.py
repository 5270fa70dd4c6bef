"""Dump every table of a demo database (a SQLite file, or a PostgreSQL URL such as
``postgresql://postgres@127.0.0.1:5432/demo_me``), row by row in id order, to compare
two builds of the demo for one seed (e.g. before and after a change to app/demo):

    .venv/bin/python bench/demo_build.py --applications 300 --database /tmp/a.db
    .venv/bin/python bench/demo_dump.py /tmp/a.db > /tmp/a.dump
    (change the code, build /tmp/b.db the same way, dump it to /tmp/b.dump)
    diff /tmp/a.dump /tmp/b.dump

Leaves out what differs from one build to the next whatever the code: times (columns
ending in ``_at``, and any value that looks like a time), random secrets (password
hashes, session tokens, verification codes, calendar keys) and the documents' random
storage names. Compare a PostgreSQL build with another PostgreSQL build: the two
databases give their values in their own forms (JSON as text or as objects).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys

RANDOM = {"storage_name", "session_token", "password_hash", "verification_code", "calendar_key"}
TIME = re.compile(r'"20\d\d-\d\d-\d\d[ T][0-9:.]+(\+00:00)?"')


def main(path: str) -> None:
    if "://" in path:
        import psycopg

        database = psycopg.connect(path.replace("postgresql+psycopg://", "postgresql://"))
        tables = database.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    else:
        database = sqlite3.connect(path)
        tables = database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    for (table,) in tables.fetchall():
        columns = _columns(database, table)
        kept = [c for c in columns if c not in RANDOM and not c.endswith("_at")]
        cast = "" if isinstance(database, sqlite3.Connection) else "::text"  # json has no order
        order = "id" if "id" in columns else ", ".join(f'"{c}"{cast}' for c in kept)
        names = ", ".join(f'"{c}"' for c in kept)
        rows = database.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}').fetchall()  # noqa: S608 - the database's own names
        print(f"## {table}: {len(rows)} rows (left out: {sorted(set(columns) - set(kept))})")
        for row in rows:
            print(TIME.sub('"<time>"', json.dumps(row, default=str, ensure_ascii=False)))


def _columns(database, table: str) -> list[str]:
    """The names of ``table``'s columns, in their order."""
    if isinstance(database, sqlite3.Connection):
        return [row[1] for row in database.execute(f"PRAGMA table_info('{table}')")]
    rows = database.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in rows]


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):  # sqlite3 would create "--help"
        sys.exit(__doc__)
    main(sys.argv[1])
