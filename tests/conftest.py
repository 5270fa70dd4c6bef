"""Fixtures: an app on a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
a client, factories, and logging in as any role.

Tables are created once per run and emptied after each test.
"""

from __future__ import annotations

import os

os.environ.setdefault("JOBS_URL", "immediate://")

import itertools
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.applications.models import Application
from app.auth.models import Role, RoleGrant, User
from app.auth.passwords import hash_password
from app.calls.models import DEFAULT_ELIGIBILITY, Call, Criterion
from app.common.clock import utcnow
from app.config import TestConfig
from app.extensions import db, limiter
from app.jury.models import JuryMember
from tests.helpers import COMPLETE_ANSWERS, attach_required_documents

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def pytest_collection_modifyitems(config, items):
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL (run by .ci/run)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'test.db'}"
    app = create_app(TestConfig(url, instance))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, hence its own ``g`` and database session,
    as in production; the test's own session only sees what was committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_app):
    """The application, with a clean database and a pushed app context."""
    _app.config.update(WTF_CSRF_ENABLED=False)
    limiter.enabled = False
    _app.test_client_class = IsolatedClient
    with _app.app_context():
        yield _app
        _empty_tables()
        db.session.remove()
    limiter.enabled = False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_emails = itertools.count(1)
_PASSWORD_HASH: dict[str, str] = {}


@pytest.fixture
def make_user(app):
    """make_user(*roles, email=None, active=True, locale="en") -> User (committed)."""

    def make(
        *roles: str,
        email: str | None = None,
        active: bool = True,
        locale: str = "en",
        full_name: str | None = None,
    ) -> User:
        if "hash" not in _PASSWORD_HASH:
            _PASSWORD_HASH["hash"] = hash_password(PASSWORD)
        number = next(_emails)
        user = User(
            email=email or f"user{number}@example.org",
            full_name=full_name or f"Person {number}",
            password_hash=_PASSWORD_HASH["hash"],
            active=active,
            locale=locale,
        )
        user.grants = [RoleGrant(role=str(Role(role))) for role in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_call(app):
    """make_call(reference="TEST-2026", opens_in=-days, closes_in=+days, **fields) -> Call."""

    def make(
        reference: str | None = None, *, opens_in: float = -10, closes_in: float = 20, **fields
    ) -> Call:
        now = utcnow()
        call = Call(
            reference=reference or f"CALL-{next(_emails)}",
            name=fields.pop("name", "Test call"),
            description=fields.pop("description", "A call for tests."),
            opens_at=now + timedelta(days=opens_in),
            closes_at=now + timedelta(days=closes_in),
            eligibility=dict(DEFAULT_ELIGIBILITY),
            criteria=[
                Criterion(position=1, name="Team", weight=25),
                Criterion(position=2, name="Project", weight=35),
                Criterion(position=3, name="Profitability", weight=25),
                Criterion(position=4, name="Overall", weight=15),
            ],
            **fields,
        )
        db.session.add(call)
        db.session.commit()
        return call

    return make


@pytest.fixture
def make_application(app, make_user, make_call):
    """make_application(status="draft", call=None, applicant=None, complete=True) -> Application."""

    def make(
        status: str = "draft",
        *,
        call: Call | None = None,
        applicant: User | None = None,
        complete: bool = True,
    ) -> Application:
        call = call or make_call()
        applicant = applicant or make_user(Role.APPLICANT)
        answers = dict(COMPLETE_ANSWERS) if complete else {}
        application = Application(call=call, applicant=applicant, answers=answers, status=status)
        if status != "draft":
            call.last_application_number += 1
            application.number = call.last_application_number
            application.reference = f"{call.reference}-{application.number:04d}"
            application.submitted_at = utcnow()
        db.session.add(application)
        if complete:
            db.session.flush()
            attach_required_documents(application)
        db.session.commit()
        return application

    return make


@pytest.fixture
def make_chair(make_user):
    """make_chair(call, **user_fields) -> a user with the chair role who chairs the jury of
    ``call`` (the policy lets only a call's own chairs steer and decide it)."""

    def make(call: Call, **fields) -> User:
        chair = make_user(Role.CHAIR, **fields)
        db.session.add(JuryMember(call_id=call.id, user_id=chair.id, is_chair=True))
        db.session.commit()
        return chair

    return make


@pytest.fixture
def login_as(client):
    """login_as(user) logs the test client in as ``user`` (through the real login form)."""

    def login(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login
