"""Milestones: where a project stands on each milestone of its call, with its facts
and evidence."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.access.policy import may_update_coaching
from app.applications.models import Application
from app.auth.models import User
from app.coaching.models import MilestoneProgress
from app.coaching.overview import settings_for, today
from app.coaching.services.common import CoachingError, announce_on, changes, require_coach_of
from app.coaching.vocabulary import milestone_facts
from app.common.clock import utcnow
from app.documents import storage
from app.events import Event
from app.extensions import db

#: Largest evidence file accepted.
EVIDENCE_LIMIT = 10 * 1024 * 1024
#: Facts that are numbers, and the largest number of jobs believed.
NUMBERS = ("amount_eur", "jobs")
MAX_JOBS = 100000
NOTE_MAX = 2000
FIELDS = ("target_on", "reached_on", "facts", "evidence_note", "evidence_filename")
#: An edit says that these changed, never what they say.
WORDS = ("evidence_note", "evidence_filename")


def _clean_facts(key: str, data: dict) -> dict:
    """The milestone's own facts (register number; amount and source; jobs), checked."""
    facts = {}
    for name in milestone_facts(key):
        value = data.get(name)
        if name in NUMBERS:
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise CoachingError(_l("Numbers of a milestone cannot be negative."))
            if name == "jobs" and value is not None and value > MAX_JOBS:
                raise CoachingError(_l("Numbers of a milestone cannot be negative."))
        elif value is not None:
            value = " ".join(str(value).split())[:120] or None
        if value is not None:
            facts[name] = value
    return facts


def save_milestone(
    application: Application, key: str, data: dict, *, actor: User, evidence=None
) -> MilestoneProgress:
    """Record the target and actual dates, facts and evidence of one milestone; announced
    as ``milestone_saved`` with the key and ``{field: [old, new]}`` of what changed (the
    evidence only says that it changed).

    ``evidence`` is an optional (content, filename) pair: a PDF or image kept in the
    document store.
    """
    if not may_update_coaching(actor, application):
        require_coach_of(application, actor)  # refuses, saying why
    keys = {entry["key"] for entry in settings_for(application.call).milestones}
    if key not in keys:
        raise CoachingError(_l("This milestone is not tracked for this call."))
    reached_on = data.get("reached_on")
    if reached_on is not None and reached_on > today():
        raise CoachingError(_l("A milestone cannot be reached in the future."))
    facts = _clean_facts(key, data)
    if key == "jobs_created" and reached_on is not None and "jobs" not in facts:
        raise CoachingError(_l("Give the number of jobs created."))
    note = (data.get("evidence_note") or "").strip()
    if len(note) > NOTE_MAX:
        raise CoachingError(_l("The evidence note holds at most 2,000 characters."))
    progress = db.session.scalar(
        select(MilestoneProgress).where(
            MilestoneProgress.application_id == application.id, MilestoneProgress.key == key
        )
    )
    if progress is None:
        progress = MilestoneProgress(application_id=application.id, key=key)
        db.session.add(progress)
    before = {name: getattr(progress, name) for name in FIELDS}
    progress.target_on = data.get("target_on")
    progress.reached_on = reached_on
    progress.facts = facts
    progress.evidence_note = note
    progress.updated_at = utcnow()
    progress.updated_by_id = actor.id
    if evidence is not None:
        _store_evidence(progress, *evidence)
    after = {name: getattr(progress, name) for name in FIELDS}
    db.session.flush()
    data = {"key": key, **changes(before, after, words=WORDS)}
    announce_on(application, Event.MILESTONE_SAVED, progress, actor=actor, data=data)
    db.session.flush()
    return progress


def _store_evidence(progress: MilestoneProgress, content: bytes, filename: str) -> None:
    if len(content) > EVIDENCE_LIMIT:
        raise CoachingError(_l("The evidence file is larger than 10 MB."))
    detected = storage.detect_type(content)
    if detected is None:
        raise CoachingError(_l("The evidence must be a PDF, JPEG or PNG file."))
    content_type, _extension = detected
    if progress.evidence_file:
        storage.remove_after_commit(db.session, progress.evidence_file)
    progress.evidence_file = storage.write_file(db.session, content)
    progress.evidence_filename = storage.clean_filename(filename, content_type)
    progress.evidence_content_type = content_type
