"""Many rows into one table at once, without the ORM: PostgreSQL's COPY, elsewhere the
table's INSERT with many parameter sets.

Why COPY: psycopg turns a query's ``%(name)s`` placeholders into ``$n`` by parsing its
text, and a text too long for its cache is parsed again at every execution. A
thousand-row ``INSERT ... VALUES`` (what SQLAlchemy's "insertmanyvalues" sends) of ten
columns is ten thousand placeholders to parse: at 20,000 demo applications that parsing
was about a third of the build's CPU on PostgreSQL (issue 19). COPY sends the rows as
data, with no SQL text to parse per row.

A handful of rows go as one INSERT (a COPY costs a round trip more). A COPY returns
nothing, so the rows whose ids the caller needs take them from the table's sequence
first (:func:`reserved_ids`: one query for all), in order, as an ``INSERT ...
RETURNING`` of the same rows in the same order would have.

The rows are what the table's INSERT would write: the columns' Python-side defaults
(``default=utcnow``, ``default=dict``...) are filled in, row by row, for the columns the
rows do not name, and every value goes through its column type's bind processing (an
aware time stored as UTC, a JSON value wrapped for the driver), as SQLAlchemy does.

An INSERT goes through the session, as any statement (its listeners hear it); a COPY
goes past SQLAlchemy, so it tells the figures kept from the table's rows itself
(:func:`app.common.kept.table_written`).
"""

from __future__ import annotations

from sqlalchemy import Table, insert, text

from app.common.kept import table_written
from app.extensions import db

#: Fewer rows go as one INSERT: a COPY takes two round trips to the server, an INSERT one.
COPY_FROM = 50


def insert_rows(
    table: Table, rows: list[dict], *, ids: bool = False, copy_from: int = COPY_FROM
) -> list[int]:
    """Insert ``rows`` (dicts naming the same columns) into ``table``, on the session's
    connection, in its transaction. With ``ids``, return the new rows' ids in the order of
    ``rows`` (else an empty list). On PostgreSQL, ``copy_from`` rows or more go by COPY
    (1: always, so that the statements sent are the same for any number of rows)."""
    if not rows:
        return []
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    if not postgresql and not ids:  # SQLite's executemany: one statement prepared once
        db.session.execute(insert(table), rows)
        return []
    if not postgresql or len(rows) < copy_from:
        # RETURNING even without ``ids``: SQLAlchemy then sends multi-row VALUES, a
        # thousand rows a statement, where psycopg's executemany sends one a row.
        key = table.primary_key.columns[0]
        statement = insert(table).returning(key, sort_by_parameter_order=True)
        new_ids = list(db.session.execute(statement, rows).scalars())
        return new_ids if ids else []
    new_ids = reserved_ids(table, len(rows)) if ids else []
    if new_ids:
        key = table.primary_key.columns[0].name
        rows = [{**row, key: new_id} for row, new_id in zip(rows, new_ids, strict=True)]
    _copy(connection, table, rows)
    table_written(db.session(), table.name)  # no listener hears a COPY
    return new_ids


def reserved_ids(table: Table, count: int) -> list[int]:
    """``count`` new ids of ``table`` from its sequence (PostgreSQL), ascending."""
    key = table.primary_key.columns[0].name
    statement = text(
        "SELECT nextval(pg_get_serial_sequence(:table, :column)) "
        "FROM generate_series(1, :count) ORDER BY 1"
    )
    return list(
        db.session.connection()
        .execute(statement, {"table": table.name, "column": key, "count": count})
        .scalars()
    )


def _copy(connection, table: Table, rows: list[dict]) -> None:
    """COPY ``rows`` into ``table``: the columns the first row names, then those with a
    Python-side default, each value processed by its column's type."""
    dialect = connection.dialect
    named = [column for column in table.columns if column.key in rows[0]]
    defaulted = [
        column
        for column in table.columns
        if column.key not in rows[0] and column.default is not None and not column.primary_key
    ]
    columns = named + defaulted
    processors = [column.type._cached_bind_processor(dialect) for column in columns]
    defaults = [_default_of(column) for column in defaulted]
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(column.name) for column in columns)
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {preparer.format_table(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [row[column.key] for column in named]
                values += [default() for default in defaults]
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for value, process in zip(values, processors, strict=True)
                    ]
                )


def _default_of(column):
    """A function giving ``column``'s Python-side default for a new row."""
    default = column.default
    if default.is_scalar:
        return lambda: default.arg
    if default.is_callable:
        return lambda: default.arg(None)  # SQLAlchemy's wrapper of a function of no argument
    raise ValueError(f"{column}: a default COPY cannot compute ({default!r})")
