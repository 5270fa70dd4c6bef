"""What coaching holds about an entrepreneur, for their data download and for erasure
(see app.privacy.registry).

The download holds what the entrepreneur may see on their coaching page, read through
the scopes of app.access.scopes: sessions with their shared summaries (never the
coaches' private notes, which stay the programme's working notes), action items and
comments, milestones with their evidence files, and how coaching ended. Who wrote a
comment or ticked an item is said by role ("you", "your coach", "your coach in
Morocco", "programme staff"), never by name. Erasure keeps what the programme report
counts (dates, durations, modes, places, milestones reached and their figures) and
removes the words and files; the audit log holds none of them (app.coaching.services).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access.scopes import visible_action_items, visible_milestones
from app.applications.models import Application
from app.auth.models import User
from app.coaching.models import (
    ActionComment,
    ActionItem,
    CoachingClosure,
    CoachingSession,
    MilestoneProgress,
)
from app.coaching.overview import coach_roles_of, shared_sessions
from app.coaching.vocabulary import party_for_entrepreneur
from app.documents import storage
from app.extensions import db
from app.privacy.registry import PersonalData
from workflows.application import COACHING_STATES

#: What an erased text reads.
ERASED = "—"


def _projects(user: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.applicant_id == user.id, Application.status.in_(COACHING_STATES))
            .order_by(Application.id)
        )
    )


def _sessions(user: User, application: Application) -> list[dict]:
    rows = db.session.execute(
        shared_sessions(user, application).order_by(CoachingSession.held_on, CoachingSession.id)
    )
    return [{"application_id": application.id, **row._asdict()} for row in rows]


def _items(user: User, application: Application, coach_roles: dict) -> list[dict]:
    def who(person_id):
        return party_for_entrepreneur(person_id, user.id, coach_roles)

    items = db.session.scalars(
        visible_action_items(user, application)
        .options(selectinload(ActionItem.comments))
        .order_by(ActionItem.id)
    )
    return [
        {
            "application_id": application.id,
            "text": item.text,
            "owner": item.owner,
            "due_on": item.due_on,
            "done_at": item.done_at,
            "done_by": who(item.done_by_id) if item.done_at else None,
            "comments": [
                {"at": comment.created_at, "by": who(comment.author_id), "text": comment.body}
                for comment in item.comments
            ],
        }
        for item in items
    ]


def _milestones(user: User, application: Application) -> list[MilestoneProgress]:
    return list(
        db.session.scalars(visible_milestones(user, application).order_by(MilestoneProgress.id))
    )


def coaching(user: User) -> PersonalData | None:
    sessions, items, milestones, closures = [], [], [], []
    for application in _projects(user):
        sessions += _sessions(user, application)
        items += _items(user, application, coach_roles_of(application))
        milestones += _milestones(user, application)
        closures += db.session.scalars(
            select(CoachingClosure).where(CoachingClosure.application_id == application.id)
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
            "sessions": sessions,
            "action_items": items,
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


def _project_ids(user: User) -> list[int]:
    return list(
        db.session.scalars(select(Application.id).where(Application.applicant_id == user.id))
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
    db.session.flush()
    return counts


PROVIDERS = {"coaching": coaching}
ERASERS = {"coaching": erase_coaching}
