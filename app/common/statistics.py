"""The planner's statistics (and, on PostgreSQL, the tables' dead rows), refreshed after
a bulk load.

A query plan is chosen from the tables' statistics: a table PostgreSQL has never
analysed looks empty, and a join that is fast with statistics can turn into a nested
loop over millions of row pairs (issue 19's eligibility queue: 425 ms at 20,000
dossiers). Nothing refreshes them after a bulk load before autovacuum gets to it, so
the commands that write many rows at once call :func:`refresh_statistics` after their
commit: the demo, a restore (pg_restore copies rows, not statistics) and the
eligibility check of a whole call (every rule outcome replaced). SQLite keeps its own
in sqlite_stat1 and has them refreshed by the same calls.

A call imported from a definition (``flask calls import``) writes a handful of rows:
no bulk load, no ANALYZE.
"""

from sqlalchemy import text

from app.extensions import db


def refresh_statistics(*tables: str) -> None:
    """ANALYZE ``tables`` (table names), or the whole database when none is named,
    outside the caller's transaction (which has committed). On PostgreSQL, VACUUM
    (ANALYZE): a bulk load that updates its rows (the demo moves each dossier through
    several states) leaves as many dead row versions as live ones, which every scan
    reads until autovacuum passes, if it is on; the vacuum also marks the pages
    all-visible, so that index-only scans need not visit the table."""
    with db.engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        command = "ANALYZE"
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            command = "VACUUM (ANALYZE)"  # not inside a transaction block
        for statement in [f"{command} {quote(table)}" for table in tables] or [command]:
            connection.execute(text(statement))
        connection.commit()
