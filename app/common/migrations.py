"""What ``flask db migrate`` compares: the models' metadata, less the indexes a table
makes outside it.

Some indexes are made by ``after_create`` DDL and by a migration, not declared in the
metadata, because Alembic can compare neither (an index of expressions, a GIN index with
an operator class). A table lists them in ``info["indexes_outside_metadata"]``; without
this filter, autogenerate on PostgreSQL would propose dropping them.
"""

from __future__ import annotations

from app.extensions import db


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object`` hook: leave out a table's indexes kept outside the
    metadata."""
    if type_ == "index" and reflected and compare_to is None:
        table = db.metadata.tables.get(obj.table.name)
        if table is not None and name in table.info.get("indexes_outside_metadata", ()):
            return False
    return True
