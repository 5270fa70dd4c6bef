"""Backup and restore: a round trip into an empty instance, on SQLite and PostgreSQL."""

import json
import tarfile
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from app import config as app_config
from app import create_app
from app.applications.models import Application
from app.auth.models import User
from app.documents import storage
from app.documents.models import Document
from app.extensions import db, limiter
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import planner_statistics


def _fill(make_application, app):
    application = make_application("submitted")
    letters = app.config["LETTER_STORE"]
    letters.mkdir(parents=True, exist_ok=True)
    (letters / "decision-0001.pdf").write_bytes(b"%PDF-1.4 a letter")
    return {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "reference": application.reference,
        "answers": application.answers,
        "files": {d.storage_name: storage.path_of(d.storage_name).read_bytes()
                  for d in application.documents},
    }  # fmt: skip


def _empty_instance(tmp_path, url):
    instance = tmp_path / "restored"
    instance.mkdir()
    target = create_app(app_config.TestConfig(url, instance))
    limiter.enabled = False
    return target


def _check_restored(target, expected):
    with target.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == expected["users"]
        application = db.session.scalar(select(Application))
        assert application.reference == expected["reference"]
        assert application.answers == expected["answers"]
        for name in db.session.scalars(select(Document.storage_name)):
            assert storage.path_of(name).read_bytes() == expected["files"][name]
        letter = target.config["LETTER_STORE"] / "decision-0001.pdf"
        assert letter.read_bytes() == b"%PDF-1.4 a letter"
        # analysed after the load: the planner knows the restored tables (issue 19)
        assert planner_statistics("applications")
        db.session.remove()
        db.engine.dispose()


def _invoke(target, *args):
    """Run a command of ``target`` (its context on top of the test app's)."""
    with target.app_context():
        result = target.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


def _backup(runner, path):
    result = runner.invoke(args=["backup", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return result


def test_backup_then_restore_into_an_empty_instance(app, runner, make_application, tmp_path):
    if TEST_DATABASE_URL:
        pytest.skip("the SQLite round trip; test_postgres_round_trip covers PostgreSQL")
    expected = _fill(make_application, app)
    archive = tmp_path / "impulse.tar.gz"
    result = _backup(runner, archive)
    assert "sqlite database" in result.output

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.sqlite3", "letters/decision-0001.pdf"} <= names
    assert {f"documents/{name}" for name in expected["files"]} <= names
    assert {entry["name"] for entry in manifest["files"]} == names - {"manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    target = _empty_instance(tmp_path, f"sqlite:///{tmp_path}/restored.db")
    restored = _invoke(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    _check_restored(target, expected)


def test_restore_refuses_a_database_that_holds_data(app, runner, make_application, tmp_path):
    make_application("draft")
    archive = tmp_path / "impulse.tar.gz"
    _backup(runner, archive)
    users = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_restore_refuses_a_tampered_archive(app, runner, make_application, tmp_path):
    if TEST_DATABASE_URL:
        pytest.skip("SQLite instance")
    make_application("draft")
    archive = tmp_path / "impulse.tar.gz"
    _backup(runner, archive)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as sink:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("documents/"):
                content = content + b"changed"
                member.size = len(content)
            import io

            sink.addfile(member, io.BytesIO(content))
    target = _empty_instance(tmp_path, f"sqlite:///{tmp_path}/restored.db")
    result = _invoke(target, "restore", str(tampered))
    assert result.exit_code != 0 and "checksum mismatch" in result.output
    with target.app_context():
        assert not any(target.config["DOCUMENT_STORE"].glob("*"))
        db.engine.dispose()


@pytest.mark.postgres
def test_postgres_round_trip(app, runner, make_application, tmp_path):
    expected = _fill(make_application, app)
    archive = tmp_path / "impulse.tar.gz"
    result = _backup(runner, archive)
    assert "postgresql database" in result.output

    name = f"impulse_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target_url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    try:
        target = _empty_instance(tmp_path, target_url)
        with target.app_context():
            db.create_all()  # a migrated, empty database is still empty
            db.engine.dispose()
        restored = _invoke(target, "restore", str(archive))
        assert restored.exit_code == 0, restored.output
        _check_restored(target, expected)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
