"""Coaching of the selected project holders: coaches, sessions, action items, milestones.

Everything hangs on the application (the dossier), so that the programme can show
what the selection led to. Private notes of a session live in their own column and
are read only by the coaches' and staff pages, never by the entrepreneur's. Every
change is a domain event in the one audit log (app.events.announce).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.auth.models import User
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db
from workflows.coaching import CoachingOutcome, CoachRole


class ItemOwner(StrEnum):
    """Who must do an action item."""

    ENTREPRENEUR = "entrepreneur"
    COACH = "coach"


#: Where a coach works.
LOCATIONS = ("belgium", "morocco")
#: How a session was held.
MODES = ("in_person", "video", "phone")
#: Where a session was held.
PLACES = ("belgium", "morocco", "online")
#: Who must do an action item.
ITEM_OWNERS = tuple(ItemOwner)
#: Days during which the author may still edit a session (again after a staff unlock).
EDIT_DAYS = 7


def _one_of(column: str, values) -> CheckConstraint:
    """The check that ``column`` holds one of ``values``, named ``<column>_known``."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"{column}_known")


class CoachProfile(db.Model):
    """What staff need to know to assign a coach: languages and where they work."""

    __tablename__ = "coach_profiles"
    __table_args__ = (_one_of("location", LOCATIONS),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: Language codes, comma-separated (``fr,ar,nl``).
    languages: Mapped[str] = mapped_column(String(40), default="")
    #: belgium or morocco.
    location: Mapped[str] = mapped_column(String(10), default="belgium")
    #: Largest number of entrepreneurs the coach should follow at once (shown beside the load).
    capacity: Mapped[int] = mapped_column(default=8)

    user: Mapped[User] = relationship()

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class CoachingSettings(db.Model):
    """A call's coaching programme: its topics, its milestones and when follow-up stalls."""

    __tablename__ = "coaching_settings"
    __table_args__ = (CheckConstraint("stall_days >= 1", name="stall_days_positive"),)

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    #: Topics a session may cover: [{"key": "financing", "label": "Financing"}].
    topics: Mapped[list] = mapped_column(JSON, default=list)
    #: Milestones tracked per project: [{"key": "first_sale", "label": "First sale"}];
    #: the keys of app.coaching.milestones.STANDARD carry their own fields.
    milestones: Mapped[list] = mapped_column(JSON, default=list)
    #: A project with no session for more than this many days is stalled.
    stall_days: Mapped[int] = mapped_column(default=21)


class CoachAssignment(db.Model):
    """One coach following one project for a while; ended rows are the history."""

    __tablename__ = "coach_assignments"
    __table_args__ = (
        _one_of("role", tuple(CoachRole)),
        Index("ix_coach_assignments_coach_open", "coach_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: primary (the main coach) or morocco (a second coach on the ground).
    role: Mapped[str] = mapped_column(String(10), default=CoachRole.PRIMARY)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None while the coach follows the project.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Staff member who assigned the coach.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Staff member who ended the assignment (reassignment), None for the system.
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])


class CoachingSession(db.Model):
    """One coaching session, logged by its coach."""

    __tablename__ = "coaching_sessions"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        _one_of("mode", MODES),
        _one_of("place", PLACES),
        Index("ix_coaching_sessions_application_held", "application_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    #: The coach who logged it; only they may edit it.
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int]
    mode: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(10))
    #: Keys of the call's topics.
    topics: Mapped[list] = mapped_column(JSON, default=list)
    #: Free tags, lower-case.
    tags: Mapped[list] = mapped_column(JSON, default=list)
    #: Shared with the entrepreneur.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Read by coaches and staff only, never by the entrepreneur.
    private_notes: Mapped[str] = mapped_column(Text, default="")
    next_session_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When staff last reopened it for editing after the lock (7 more days).
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Optimistic lock: of two edits from pages showing the same version, the second
    #: is refused (409) instead of silently overwriting the first.
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    items: Mapped[list[ActionItem]] = relationship(
        back_populates="session", order_by="ActionItem.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def edit_deadline(self) -> datetime:
        """Until when the author may edit the session: EDIT_DAYS after logging it, or
        after staff last unlocked it."""
        start = max(self.created_at, self.unlocked_at or self.created_at)
        return start + timedelta(days=EDIT_DAYS)

    @property
    def locked(self) -> bool:
        """Past its edit deadline: only a staff unlock lets its author change it again."""
        return utcnow() >= self.edit_deadline


class ActionItem(db.Model):
    """Something to do before a date, by the entrepreneur or by the coach."""

    __tablename__ = "action_items"
    __table_args__ = (
        _one_of("owner", ITEM_OWNERS),
        Index("ix_action_items_application_done", "application_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    #: The session it came out of, if any.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: An ItemOwner: entrepreneur or coach.
    owner: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    session: Mapped[CoachingSession | None] = relationship(back_populates="items")
    comments: Mapped[list[ActionComment]] = relationship(
        back_populates="item", order_by="ActionComment.id", cascade="all, delete-orphan"
    )

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < today


class ActionComment(db.Model):
    """A comment on an action item, by the entrepreneur, a coach or staff."""

    __tablename__ = "action_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ActionItem] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class MilestoneProgress(db.Model):
    """Where one project stands on one milestone of its call."""

    __tablename__ = "milestone_progress"
    __table_args__ = (UniqueConstraint("application_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: Key of the milestone in the call's coaching settings.
    key: Mapped[str] = mapped_column(String(40))
    target_on: Mapped[date | None] = mapped_column(Date)
    #: When it was reached; None while it is not.
    reached_on: Mapped[date | None] = mapped_column(Date)
    #: The milestone's own facts: register_number; amount_eur and source; jobs.
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Evidence written down (a note), and/or a file in the document store.
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_content_type: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CoachingClosure(db.Model):
    """How coaching ended: completed with a closing report, or dropped out with a reason."""

    __tablename__ = "coaching_closures"
    __table_args__ = (
        UniqueConstraint("application_id"),
        _one_of("outcome", tuple(CoachingOutcome)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    outcome: Mapped[str] = mapped_column(String(12))
    #: The coach's closing report (completed) or the reason (dropped out).
    text: Mapped[str] = mapped_column(Text)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    closed_by: Mapped[User] = relationship()
