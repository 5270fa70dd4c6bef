"""Row locks: of two requests changing one record at once, the second waits its turn."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db


def lock(record) -> None:
    """Take ``record``'s row lock (SELECT ... FOR UPDATE) and reload it: whoever else
    locks it waits until this transaction ends, and this one reads what the other
    committed (its version, its state). SQLite, whose writers take turns anyway, has no
    row locks: there it only reloads."""
    model = type(record)
    db.session.scalars(
        select(model)
        .where(model.id == record.id)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    ).one()
