"""Dump every table of a SQLite demo database, row by row in id order, to compare two
builds of the demo for one seed (e.g. before and after a change to app/demo):

    .venv/bin/python bench/demo_build.py --applications 300 --database /tmp/a.db
    .venv/bin/python bench/demo_dump.py /tmp/a.db > /tmp/a.dump
    (change the code, build /tmp/b.db the same way, dump it to /tmp/b.dump)
    diff /tmp/a.dump /tmp/b.dump

Leaves out what differs from one build to the next whatever the code: times (columns
ending in ``_at``, and any value that looks like a time), random secrets (password
hashes, session tokens, verification codes, calendar keys) and the documents' random
storage names.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys

RANDOM = {"storage_name", "session_token", "password_hash", "verification_code", "calendar_key"}
TIME = re.compile(r'"20\d\d-\d\d-\d\d[ T][0-9:.]+(\+00:00)?"')


def main(path: str) -> None:
    database = sqlite3.connect(path)
    tables = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    for (table,) in tables.fetchall():
        columns = [row[1] for row in database.execute(f"PRAGMA table_info('{table}')")]
        kept = [c for c in columns if c not in RANDOM and not c.endswith("_at")]
        order = "id" if "id" in columns else ", ".join(f'"{c}"' for c in kept)
        names = ", ".join(f'"{c}"' for c in kept)
        rows = database.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}').fetchall()  # noqa: S608 - the database's own names
        print(f"## {table}: {len(rows)} rows (left out: {sorted(set(columns) - set(kept))})")
        for row in rows:
            print(TIME.sub('"<time>"', json.dumps(row, default=str, ensure_ascii=False)))


if __name__ == "__main__":
    main(sys.argv[1])
