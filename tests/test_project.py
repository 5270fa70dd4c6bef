"""Promises of the project itself: configuration, migrations, the generated workflow diagram."""

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from app import config as app_config
from app import create_app
from app.cli import README, WORKFLOW_DOC, readme_with_diagram, render_workflow_doc
from app.config import PROJECT_ROOT, Config
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import database_of_its_own


def test_the_workflow_diagram_in_docs_is_generated_from_the_machine():
    assert WORKFLOW_DOC.read_text() == render_workflow_doc(), (
        "docs/workflow.md is out of date: run `make diagram`"
    )
    readme = README.read_text()
    assert readme == readme_with_diagram(readme), "README.md's diagram is out of date: make diagram"
    assert "draft --> submitted: submit" in readme


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("IMPULSE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "ENV_NAME", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config()


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    monkeypatch.setattr(Config, "ENV_NAME", "production")
    config = Config()
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"


def test_production_refuses_rate_limits_counted_per_worker(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(Config, "ENV_NAME", "production")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        Config()


def test_development_generates_its_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "INSTANCE_DIR", tmp_path)
    first, second = Config(), Config()
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_session_cookie_is_httponly_and_samesite(client, make_user, login_as):
    from app.auth.models import Role

    login_as(make_user(Role.STAFF))
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the suite's kind: a SQLite file, or one of its own on the
    PostgreSQL server."""
    if not (TEST_DATABASE_URL or "").startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with database_of_its_own(TEST_DATABASE_URL, "migrated") as url:
        yield url


def test_migrations_build_exactly_the_models(empty_database, tmp_path):
    """`flask db upgrade` on an empty database gives the schema the models describe, and
    `flask db migrate` (the same comparison, with the app's options) proposes nothing:
    on PostgreSQL, not dropping the indexes made outside the metadata."""
    app = create_app(app_config.TestConfig(empty_database, tmp_path))
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        options = app.extensions["migrate"].configure_args
        engine = create_engine(empty_database)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, db.metadata)
            tables = inspect(connection).get_table_names()
            indexes = {index["name"] for index in inspect(connection).get_indexes("applications")}
        engine.dispose()
        db.engine.dispose()
    assert differences == []
    assert "alembic_version" in tables
    if engine.dialect.name == "postgresql":  # the comparison had them to leave out
        assert {"ix_applications_call_order", "ix_applications_answers"} <= indexes


def test_the_wsgi_entry_point_builds_the_app(tmp_path):
    code = "import wsgi; print(sorted(wsgi.app.blueprints))"
    env = {"IMPULSE_INSTANCE_DIR": str(tmp_path), "JOBS_URL": "immediate://", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "applications" in result.stdout and "auth" in result.stdout
