"""The jury of a call: its members, conflicts of interest, assignments, reviews and scores,
and the review aggregates kept per dossier (app.jury.summary)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call, Criterion
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db
from workflows.jury import ReviewStatus

#: Kinds of conflict a juror (or staff) may declare.
CONFLICT_KINDS = ("family", "business_partner", "employer", "investor", "other")
#: The kind of a conflict described in its note only (a recusal is one).
OTHER_KIND = "other"


class JuryMember(db.Model):
    """A person on the jury of one call; ``is_chair`` for its chair(s)."""

    __tablename__ = "jury_members"
    __table_args__ = (UniqueConstraint("call_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    #: Languages the juror reads (codes), for the optional language preference of assignment.
    languages: Mapped[str] = mapped_column(String(40), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the member last declared having no conflict with the call's other dossiers
    #: (app.jury.conflicts.confirm_no_other_conflict); None: not yet.
    conflicts_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the member was reminded that scoring closes soon (once per call: the
    #: reminder job sets it with a conditional UPDATE); None: not reminded.
    scoring_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    user: Mapped[User] = relationship()


class ConflictOfInterest(db.Model):
    """A person (juror, chair, staff) in conflict with a dossier: they see nothing of it
    (the one rule is app.access.policy's). Declared by the person, or recorded by staff."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: One of CONFLICT_KINDS.
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    #: The juror themself, or the staff member who recorded it.
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JuryAssignment(db.Model):
    """Juror x dossier: who reads and scores which eligible application."""

    __tablename__ = "jury_assignments"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Staff member who assigned by hand; None for the automatic assignment.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()
    juror: Mapped[User] = relationship(foreign_keys=[juror_id])
    review: Mapped[Review | None] = relationship(back_populates="assignment", uselist=False)


class Review(db.Model):
    """A juror's scoring of one assigned dossier: draft, then submitted (locked)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("assignment_id"),
        #: The board counts each juror's reviews by status from this index alone.
        Index("ix_reviews_assignment_id_status", "assignment_id", "status"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in ReviewStatus) + ")",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("jury_assignments.id"))
    #: A :class:`~workflows.jury.ReviewStatus`; a submitted review is locked until the
    #: chair reopens it.
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    #: Notes for the jury only, never shown to the applicant.
    private_notes: Mapped[str] = mapped_column(Text, default="")
    #: Weighted total on a 0-100 scale, computed at submission.
    total: Mapped[float | None] = mapped_column(Numeric(6, 3))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic lock: two tabs cannot both save.
    version: Mapped[int] = mapped_column(default=1)

    assignment: Mapped[JuryAssignment] = relationship(back_populates="review")
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        """Submitted: locked, and counted in the ranking."""
        return self.status == ReviewStatus.SUBMITTED


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    #: On the criterion's scale; None while the draft leaves it empty.
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ScoreSummary(db.Model):
    """A dossier on the board of its call's jury (in the jury's states, or assigned) and
    its review aggregates (app.jury.ranking), as of the call's last computation. A dossier
    without a submitted review has ``reviews`` 0 and no score nor rank. app.jury.summary
    writes all of a call's rows at once (a juror's normalisation depends on every review
    they made); the board reads them a page at a time, without touching the wide
    applications table but for the page's lines.

    No foreign keys: the rows are derived and rewritten whole at each computation, and
    PostgreSQL's checks would lock every dossier and the call once per row (FOR KEY
    SHARE), three quarters of the rewrite's time at 8,000 dossiers."""

    __tablename__ = "score_summaries"

    #: The dossier (applications.id).
    application_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Its call (calls.id).
    call_id: Mapped[int] = mapped_column(index=True)
    #: The dossier's number in its call (the order of the dossiers not ranked).
    number: Mapped[int | None]
    #: Submitted reviews of the dossier; 0: not ranked, no score.
    reviews: Mapped[int]
    #: Mean of their weighted totals (0-100).
    mean: Mapped[float | None]
    #: Population standard deviation of their totals.
    std: Mapped[float | None]
    #: Mean of their totals after per-juror normalisation (0-100).
    normalised: Mapped[float | None]
    #: Place in the call's raw ranking, from 1.
    raw_rank: Mapped[int | None]
    #: Place in the call's normalised ranking, from 1.
    normalised_rank: Mapped[int | None]
    #: Standard deviation above the call's disagreement threshold.
    flagged: Mapped[bool] = mapped_column(default=False)
    #: Mean score per criterion, on the criterion's scale: {"criterion id": mean}.
    criterion_means: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class ScoreSummaryState(db.Model):
    """How fresh the score summary of a call is. Every change that moves its aggregates
    bumps ``version`` (app.jury.subscribers); the summary is up to date while
    ``computed_version`` equals it. No row: never computed."""

    __tablename__ = "score_summary_states"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    #: Bumped (in the changing transaction, at its commit) by every change of the reviews,
    #: assignments, dossiers entering or leaving the jury's states, or the call's
    #: criteria, weights and ranking settings.
    version: Mapped[int] = mapped_column(default=1)
    #: The version the call's ScoreSummary rows were computed at.
    computed_version: Mapped[int] = mapped_column(default=0)
    #: When they were computed; None: never.
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The figures of the call's submitted reviews the dashboard draws
    #: (app.jury.figures.JuryFigures, as JSON), computed with the rows.
    figures: Mapped[dict | None] = mapped_column(JSON)
