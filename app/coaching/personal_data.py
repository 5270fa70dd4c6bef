"""What coaching holds about an entrepreneur, for their data download and for erasure
(see app.privacy.registry).

The download holds what the entrepreneur may see on their coaching page: sessions with
their shared summaries (never the coaches' private notes, which stay the programme's
working notes), action items and comments, milestones with their evidence files, and how
coaching ended. Erasure keeps what the programme report counts (dates, durations,
modes, places, milestones reached and their figures) and removes the words and files.
"""

from __future__ import annotations

from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import User
from app.coaching.models import (
    ActionComment,
    ActionItem,
    CoachingAudit,
    CoachingClosure,
    CoachingSession,
    MilestoneProgress,
)
from app.documents import storage
from app.extensions import db
from app.privacy.registry import PersonalData

#: What an erased text reads.
ERASED = "—"


def _project_ids(user: User) -> list[int]:
    return list(
        db.session.scalars(select(Application.id).where(Application.applicant_id == user.id))
    )


def coaching(user: User) -> PersonalData | None:
    projects = _project_ids(user)
    if not projects:
        return None
    sessions = db.session.scalars(
        select(CoachingSession)
        .where(CoachingSession.application_id.in_(projects))
        .order_by(CoachingSession.held_on)
    ).all()
    items = db.session.scalars(
        select(ActionItem).where(ActionItem.application_id.in_(projects)).order_by(ActionItem.id)
    ).all()
    milestones = db.session.scalars(
        select(MilestoneProgress)
        .where(MilestoneProgress.application_id.in_(projects))
        .order_by(MilestoneProgress.id)
    ).all()
    closures = db.session.scalars(
        select(CoachingClosure).where(CoachingClosure.application_id.in_(projects))
    ).all()
    if not (sessions or items or milestones or closures):
        return None
    files = [
        (f"milestone-{m.id}-{m.evidence_filename or 'evidence'}", storage.path_of(m.evidence_file))
        for m in milestones
        if m.evidence_file and storage.path_of(m.evidence_file).exists()
    ]
    return PersonalData(
        {
            "sessions": [
                {
                    "application_id": s.application_id,
                    "held_on": s.held_on,
                    "duration_minutes": s.duration_minutes,
                    "mode": s.mode,
                    "place": s.place,
                    "topics": s.topics,
                    "summary": s.summary,
                    "next_session_on": s.next_session_on,
                }
                for s in sessions
            ],
            "action_items": [
                {
                    "application_id": i.application_id,
                    "text": i.text,
                    "owner": i.owner,
                    "due_on": i.due_on,
                    "done_at": i.done_at,
                    "comments": [
                        {"at": c.created_at, "by": c.author.full_name, "text": c.body}
                        for c in i.comments
                    ],
                }
                for i in items
            ],
            "milestones": [
                {
                    "application_id": m.application_id,
                    "milestone": m.key,
                    "target_on": m.target_on,
                    "reached_on": m.reached_on,
                    "facts": m.facts,
                    "evidence_note": m.evidence_note,
                    "evidence_file": m.evidence_filename,
                }
                for m in milestones
            ],
            "closures": [
                {"application_id": c.application_id, "outcome": c.outcome, "at": c.closed_at}
                for c in closures
            ],
        },
        files,
    )


def erase_coaching(user: User, actor: User | None) -> dict:
    """Words and files go; what the programme report counts stays."""
    projects = _project_ids(user)
    counts = {"coaching_sessions": 0, "action_items": 0, "milestone_files": 0}
    if not projects:
        return counts
    for session in db.session.scalars(
        select(CoachingSession).where(CoachingSession.application_id.in_(projects))
    ):
        session.summary, session.private_notes, session.tags = ERASED, ERASED, []
        counts["coaching_sessions"] += 1
    for item in db.session.scalars(
        select(ActionItem).where(ActionItem.application_id.in_(projects))
    ):
        item.text = ERASED
        counts["action_items"] += 1
    for comment in db.session.scalars(
        select(ActionComment)
        .join(ActionItem, ActionItem.id == ActionComment.item_id)
        .where(ActionItem.application_id.in_(projects))
    ):
        comment.body = ERASED
    for progress in db.session.scalars(
        select(MilestoneProgress).where(MilestoneProgress.application_id.in_(projects))
    ):
        progress.evidence_note = ERASED if progress.evidence_note else ""
        if progress.evidence_file:
            storage.remove_after_commit(db.session(), progress.evidence_file)
            progress.evidence_file = None
            progress.evidence_filename = None
            progress.evidence_content_type = None
            counts["milestone_files"] += 1
    for closure in db.session.scalars(
        select(CoachingClosure).where(CoachingClosure.application_id.in_(projects))
    ):
        closure.text = ERASED
    for entry in db.session.scalars(
        select(CoachingAudit).where(CoachingAudit.application_id.in_(projects))
    ):
        entry.changes = {field: ERASED for field in entry.changes or {}}
    db.session.flush()
    return counts


PROVIDERS = {"coaching": coaching}
ERASERS = {"coaching": erase_coaching}
