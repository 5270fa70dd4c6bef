"""Coaching in the entrepreneur's data download and in erasure (app.privacy.registry)."""

from __future__ import annotations

import json
import zipfile

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.coaching import services as coaching
from app.coaching.models import ActionComment, ActionItem, CoachingSession
from app.extensions import db
from app.privacy.services import erase_person, export_personal_data
from tests.coaching.conftest import session_data


def logged(project, coach):
    session = coaching.log_session(project, session_data(), actor=coach)
    item = next(i for i in session.items if i.owner == "entrepreneur")
    coaching.comment_item(item, "Offer from the first bank received.", actor=project.applicant)
    db.session.commit()
    return session


def test_the_download_holds_shared_summaries_and_items_never_private_notes(project, coach):
    logged(project, coach)
    with export_personal_data(project.applicant) as handle, zipfile.ZipFile(handle) as archive:
        text = archive.read("data.json").decode()
    part = json.loads(text)["parts"]["coaching"]
    assert part["sessions"][0]["summary"] == "We reviewed the financing plan."
    assert part["sessions"][0]["duration_minutes"] == 90
    assert {i["text"] for i in part["action_items"]} >= {"Ask two banks for an offer"}
    assert "Offer from the first bank received." in text
    assert "SECRET-NOTE" not in text


def test_erasure_removes_the_words_and_keeps_what_the_report_counts(project, coach):
    logged(project, coach)
    project.status = "completed"  # erasure waits for the end of coaching
    db.session.commit()
    report = erase_person(project.applicant, actor=None)
    db.session.commit()
    assert report["coaching"]["coaching_sessions"] == 1
    session = db.session.scalar(select(CoachingSession))
    assert (session.summary, session.private_notes, session.tags) == ("—", "—", [])
    assert (session.duration_minutes, session.mode, session.place) == (90, "in_person", "belgium")
    assert {i.text for i in db.session.scalars(select(ActionItem))} == {"—"}
    assert {c.body for c in db.session.scalars(select(ActionComment))} == {"—"}
    for entry in db.session.scalars(select(AuditEvent)):
        assert "SECRET-NOTE" not in json.dumps(entry.data)
        assert "Offer from the first bank" not in json.dumps(entry.data)
