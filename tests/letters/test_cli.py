"""``letters generate`` (foreground, with a pool), ``doctor``, the start-up warning, the demo."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app.config import PROJECT_ROOT as ROOT
from app.events import Event, signal
from app.extensions import db
from app.letters import tasks
from app.letters.content import letter_context
from app.letters.models import DONE, PENDING, Letter
from app.letters.pool import generate_call
from app.letters.rendering import renderer
from tests.letters.conftest import pdf_text, stored_pdf


def _statuses() -> dict[str, int]:
    rows = db.session.execute(
        select(Letter.status, func.count(Letter.id)).group_by(Letter.status)
    ).all()
    return {status: count for status, count in rows}


def _pending_call(make_scored_call, monkeypatch, scores):
    from app.selection.services import publish, refresh_draft

    monkeypatch.setattr(tasks, "enqueue", lambda ids: None)  # as if no worker ran
    call, apps = make_scored_call(scores, quota=2, reserve_size=1)
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    assert _statuses() == {PENDING: len(apps)}
    return call, apps


def test_generate_makes_every_missing_letter_and_prints_the_time(
    runner, make_scored_call, monkeypatch
):
    call, apps = _pending_call(make_scored_call, monkeypatch, [[8], [9], [5], [4]])
    result = runner.invoke(args=["letters", "generate", "--call", call.reference])
    assert result.exit_code == 0, result.output
    assert "4 letters generated in " in result.output and "ms a letter" in result.output
    assert _statuses() == {DONE: 4}
    again = runner.invoke(args=["letters", "generate", "--call", call.reference])
    assert "0 letters generated" in again.output and _statuses() == {DONE: 4}


def test_generate_with_a_pool_of_processes(runner, make_scored_call, monkeypatch):
    call, apps = _pending_call(make_scored_call, monkeypatch, [[8], [9], [5], [4], [6], [7]])
    result = runner.invoke(args=["letters", "generate", "--call", call.reference, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "6 letters generated" in result.output and "(2 workers)" in result.output
    db.session.expire_all()
    assert _statuses() == {DONE: 6}
    assert len({letter.sha256 for letter in db.session.scalars(select(Letter))}) == 6
    # The workers' small app (app.letters.pool.letters_app) writes what this app writes.
    for letter in db.session.scalars(select(Letter)):
        data, _pages = renderer().pdf(letter_context(letter))
        assert pdf_text(stored_pdf(letter)) == pdf_text(data)


def test_a_pool_worker_loads_the_letters_and_not_the_rest_of_the_app(tmp_path):
    """Issue 19: the pool's workers are started afresh with the letters' small app, so
    what the whole app loads besides (its factory, the job queue, Alembic, the
    spreadsheets, numpy) stays out of their memory."""
    probe = (
        "import sys; from pathlib import Path; from app.config import TestConfig; "
        "from app.letters.pool import letters_app; "
        f"letters_app(TestConfig('sqlite:///{tmp_path}/w.db', Path({str(tmp_path)!r}))); "
        "print(' '.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert "app.letters.routes" in loaded
    heavy = {"app.factory", "app.cli", "app.jobs", "huey", "alembic", "openpyxl", "numpy"}
    assert heavy.isdisjoint(loaded)


def test_no_area_subscribes_to_what_a_pool_worker_announces(app):
    """A pool worker loads the letters only (app.letters.pool): another area's receiver
    of the events a letter's generation announces would not run there. Subscribing to
    them means loading that area's subscribers in the worker too."""
    for event in (Event.LETTER_GENERATED, Event.LETTER_FAILED):
        assert not signal(event).receivers, event


def test_generate_refuses_an_unknown_call(runner):
    result = runner.invoke(args=["letters", "generate", "--call", "NOPE-1"])
    assert result.exit_code != 0 and "No call with reference" in result.output


def test_doctor_checks_the_system(runner, monkeypatch):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    for name in ("Pango", "HarfBuzz-Subset", "Fonts", "Letters' font", "Database", "Job queue"):
        assert name in result.output
    from app.letters import rendering

    monkeypatch.setattr(rendering, "harfbuzz_subset_available", lambda load=True: False)
    slow = runner.invoke(args=["doctor"])
    assert slow.exit_code == 0 and "[WARN] HarfBuzz-Subset" in slow.output
    from app.letters import health

    monkeypatch.setattr(
        health, "check_database", lambda: health.Check("Database", health.FAIL, "unreachable")
    )
    broken = runner.invoke(args=["doctor"])
    assert broken.exit_code == 1 and "[FAIL] Database" in broken.output


def test_the_app_warns_at_start_up_when_harfbuzz_subset_is_missing(monkeypatch, caplog):
    import ctypes.util

    from app.letters.health import warn_if_slow

    real = ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if "subset" in name else real(name)
    )
    with caplog.at_level(logging.WARNING, logger="impulse.letters"):
        warn_if_slow()
    assert "HarfBuzz-Subset is missing" in caplog.text


def test_the_decided_demo_leaves_the_letters_to_be_generated(app, monkeypatch):
    from app.calls.models import Call
    from app.demo.services import load_demo

    queued = []
    monkeypatch.setattr(tasks, "enqueue", queued.append)
    load_demo(applications=40, seed=7, stage="decided")
    db.session.commit()
    assert queued == []
    counts = _statuses()
    assert set(counts) == {PENDING} and counts[PENDING] > 10
    call = db.session.scalar(select(Call).where(Call.reference == "MBI-2026"))
    generated, _seconds = generate_call(call)
    assert generated == counts[PENDING] and _statuses() == {DONE: generated}


def test_doctor_fails_when_the_letters_font_is_missing_and_says_how_to_rebuild_it(
    runner, monkeypatch, tmp_path
):
    from app.letters import fonts

    monkeypatch.setattr(fonts, "FONTS", tmp_path)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "[FAIL] Letters' font" in result.output and "letters fonts" in result.output


def test_the_fonts_command_writes_both_faces(runner, tmp_path, monkeypatch):
    from app.letters import fonts

    if not (fonts.SOURCE / "DejaVuSans.ttf").exists():
        pytest.skip("Debian's fonts-dejavu-core is not installed")
    monkeypatch.setattr(fonts, "FONTS", tmp_path)
    result = runner.invoke(args=["letters", "fonts"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(fonts.FACES)
    assert "LetterSans-Bold.ttf" in result.output


def test_the_fonts_command_says_which_file_is_missing_and_writes_nothing(
    runner, tmp_path, monkeypatch
):
    from app.letters import fonts

    target = tmp_path / "fonts"
    monkeypatch.setattr(fonts, "FONTS", target)
    result = runner.invoke(args=["letters", "fonts", "--from", str(tmp_path)])
    assert result.exit_code == 1
    assert "DejaVuSans.ttf" in result.output and "fonts-dejavu-core" in result.output
    assert not target.exists()
