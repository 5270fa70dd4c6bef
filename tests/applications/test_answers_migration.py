"""Migration 0024 on PostgreSQL: the answers of existing dossiers become ``jsonb`` in place
and read the same; downgrading makes them ``json`` again with nothing lost."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    String,
    Text,
    insert,
    select,
    text,
)

from app import config as app_config
from app import create_app
from app.config import PROJECT_ROOT
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import database_of_its_own

pytestmark = pytest.mark.postgres

MIGRATIONS = str(PROJECT_ROOT / "migrations")
REVISION = "0024_answers_jsonb"

#: Answers as dossiers hold them: texts in several scripts, lists, numbers, yes/no, a
#: date, an empty document.
ANSWERS = [
    {
        "project_title": "Coopérative d'argan — Tiznit",
        "sector": "A",
        "moroccan_region": "Souss-Massa",
        "languages": ["fr", "ar", "nl"],
        "capital_mad": 100000,
        "gross_margin_percent": 37.5,
        "truthful": True,
        "birth_date": "1990-04-15",
        "summary": "مشروع تعاوني لإنتاج زيت الأركان",
    },
    {"project_title": "Oujda solar kiosks", "sector": "C", "channel": None},
    {},
]


def _filler(column):
    """A value for a NOT NULL column the test does not care about."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b""
    if isinstance(kind, String | Text):
        return uuid.uuid4().hex[: kind.length or 32]
    return 1  # a number


def _add(connection, table, **values) -> None:
    """Insert a row of ``table`` (reflected), every other required column filled in."""
    for column in table.columns:
        needed = not column.nullable and column.server_default is None
        if column.name not in values and needed and column.autoincrement is not True:
            values[column.name] = _filler(column)
    connection.execute(insert(table).values(**values))


@pytest.fixture
def empty_database():
    """A database of its own on the test server, dropped afterwards."""
    with database_of_its_own(TEST_DATABASE_URL, "answers_migration") as url:
        yield url


def _answers_type(connection) -> str:
    return connection.execute(
        text(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'applications' AND column_name = 'answers'"
        )
    ).scalar_one()


def _indexes(connection) -> dict:
    return dict(
        connection.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'applications'")
        ).all()
    )


def _answers(connection) -> list:
    return [
        row[0]
        for row in connection.execute(text("SELECT answers FROM applications ORDER BY id")).all()
    ]


def test_answers_become_jsonb_and_back_with_the_same_data(empty_database, tmp_path):
    app = create_app(app_config.TestConfig(empty_database, tmp_path))
    before = ScriptDirectory(MIGRATIONS).get_revision(REVISION).down_revision
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=before)
        tables = MetaData()
        tables.reflect(db.engine, only=["users", "calls", "applications"])
        with db.engine.begin() as connection:
            assert _answers_type(connection) == "json"
            _add(
                connection,
                tables.tables["calls"],
                id=1,
                opens_at=datetime(2026, 1, 1),  # noqa: DTZ001 - the column's naive UTC
                closes_at=datetime(2026, 3, 1),  # noqa: DTZ001
            )
            for n, answers in enumerate(ANSWERS, start=1):
                _add(connection, tables.tables["users"], id=n, email=f"a{n}@example.org")
                _add(
                    connection,
                    tables.tables["applications"],
                    id=n,
                    call_id=1,
                    applicant_id=n,
                    number=n,
                    reference=f"MIG-{n}",
                    answers=answers,
                )

        upgrade(directory=MIGRATIONS, revision=REVISION)
        with db.engine.connect() as connection:
            assert _answers_type(connection) == "jsonb"
            assert _answers(connection) == ANSWERS
            indexes = _indexes(connection)
            assert "gin (answers jsonb_path_ops)" in indexes["ix_applications_answers"]
            assert "COALESCE(number, 0), id" in indexes["ix_applications_call_order"]
            held = connection.execute(
                text("SELECT id FROM applications WHERE answers @> :wanted"),
                {"wanted": '{"sector": "C"}'},
            ).all()
            assert held == [(2,)]
            titles = connection.execute(
                select(text("answers ->> 'project_title'")).select_from(text("applications"))
            ).scalars()
            assert list(titles) == [ANSWERS[0]["project_title"], "Oujda solar kiosks", None]

        downgrade(directory=MIGRATIONS, revision=before)
        with db.engine.connect() as connection:
            assert _answers_type(connection) == "json"
            assert _answers(connection) == ANSWERS
            assert not {"ix_applications_answers", "ix_applications_call_order"} & set(
                _indexes(connection)
            )
        db.engine.dispose()
