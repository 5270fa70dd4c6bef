"""The planner's statistics, refreshed after a bulk load.

A query plan is chosen from the tables' statistics: a table PostgreSQL has never
analysed looks empty, and a join that is fast with statistics can turn into a nested
loop over millions of row pairs (issue 19's eligibility queue: 425 ms at 20,000
dossiers). Nothing refreshes them after a bulk load before autovacuum gets to it, so
the commands that load many rows at once (the demo, a call import) call
:func:`refresh_statistics` after their commit. SQLite keeps its own in sqlite_stat1.
"""

from sqlalchemy import text

from app.extensions import db


def refresh_statistics() -> None:
    """ANALYZE the whole database (outside the caller's transaction, which has committed)."""
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
