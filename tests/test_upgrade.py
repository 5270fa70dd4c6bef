"""Existing data survives the upgrade: a database made by the previous release's demo
(its selection decided, its letters generated) is upgraded by this release's
migrations, and every dossier keeps its answers, its rule outcomes and its letters,
which still read (the form and the rules are data now: 0015 to 0018)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import config as app_config
from app import create_app
from app.applications.models import Application
from app.extensions import db
from app.letters.store import read_pdf

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The last release that landed before the form and the rules became data.
PREVIOUS_RELEASE = "f2cb5cf"
BIN = Path(sys.executable).parent
OUTCOMES = 'SELECT application_id, rule, outcome, template, "values" FROM rule_outcomes'


def _run(command: list, cwd: Path, env: dict) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


GIT = shutil.which("git")


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GIT, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """The previous release's demo database (stage decided, letters generated)."""
    if GIT is None or _git("cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}").returncode:
        pytest.skip(f"needs the git history holding {PREVIOUS_RELEASE} (a full clone)")
    base = tmp_path_factory.mktemp("previous-release")
    tree, instance = base / "tree", base / "instance"
    assert _git("worktree", "add", "--detach", str(tree), PREVIOUS_RELEASE).returncode == 0
    env = {
        **os.environ,
        "IMPULSE_INSTANCE_DIR": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'impulse.db'}",
        "JOBS_URL": "immediate://",
        "PYTHONPATH": str(tree),
    }
    env.pop("TEST_DATABASE_URL", None)
    try:
        _run([str(BIN / "pybabel"), "compile", "-d", "app/translations"], tree, env)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        _run([*flask, "db", "upgrade"], tree, env)
        _run([*flask, "demo", "--applications", "15", "--stage", "decided"], tree, env)
        _run([*flask, "letters", "generate", "--call", "MBI-2026"], tree, env)
    finally:
        _git("worktree", "remove", "--force", str(tree))
    return instance, env


def _rows(database: Path, query: str) -> list:
    with sqlite3.connect(database) as connection:
        return sorted(connection.execute(query).fetchall())


def test_the_previous_releases_dossiers_keep_answers_verdicts_and_letters(previous):
    instance, env = previous
    database = instance / "impulse.db"
    answers = _rows(database, "SELECT id, answers FROM applications")
    outcomes = _rows(database, OUTCOMES)
    letters = _rows(database, "SELECT application_id, outcome, status, sha256 FROM letters")
    assert len(answers) == 15 and outcomes and letters

    upgraded_env = {**env, "PYTHONPATH": str(PROJECT_ROOT)}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    _run([*flask, "db", "upgrade"], PROJECT_ROOT, upgraded_env)

    assert _rows(database, "SELECT id, answers FROM applications") == answers
    assert _rows(database, OUTCOMES) == outcomes
    assert _rows(database, "SELECT application_id, outcome, status, sha256 FROM letters") == letters
    app = create_app(app_config.TestConfig(f"sqlite:///{database}", instance))
    with app.app_context():
        for application in db.session.scalars(db.select(Application)):
            assert application.form_version_id is None  # the default form, as before
            if application.status != "draft":
                assert application.missing_items() == []
        for _id, _outcome, status, sha256 in letters:
            assert status == "done" and read_pdf(sha256).startswith(b"%PDF")
        client = app.test_client()
        client.post("/login", data={"email": "staff@example.com", "password": "impulse-demo"})
        dossier = next(a for a in db.session.scalars(db.select(Application)) if a.status != "draft")
        review = client.get(f"/staff/eligibility/{dossier.id}")  # staff read French
        assert review.status_code == 200 and " ans au " in review.get_data(as_text=True)
        db.engine.dispose()
