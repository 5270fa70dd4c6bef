"""The selection of a call: one round (draft, then published) and its decision per dossier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db
from workflows.selection import DECISIONS, RoundStatus


def _one_of(column: str, values) -> str:
    """The SQL of a check constraint: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class SelectionRound(db.Model):
    """The selection of one call: a draft the chair deliberates on, then published once."""

    __tablename__ = "selection_rounds"
    __table_args__ = (
        UniqueConstraint("call_id"),
        CheckConstraint(_one_of("status", RoundStatus), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    #: draft (decisions may still change) or published (applied to the applications).
    status: Mapped[str] = mapped_column(String(10), default=RoundStatus.DRAFT)
    #: Who saved the draft last; None for a command run by the system.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Balance rules the selected group breaks: [{"rule": {...}, "value", "required",
    #: "actual", "reason"}] (see app.selection.proposal.UnsatisfiedRule).
    unsatisfied: Mapped[list] = mapped_column(JSON, default=list)

    decisions: Mapped[list[SelectionDecision]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="SelectionDecision.rank",
    )

    @property
    def published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class SelectionDecision(db.Model):
    """The round's decision on one scored dossier, beside the pure ranking's."""

    __tablename__ = "selection_decisions"
    __table_args__ = (
        UniqueConstraint("round_id", "application_id"),
        CheckConstraint(_one_of("decision", DECISIONS), name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: selected, reserve or not_selected, after the deliberation's overrides.
    decision: Mapped[str] = mapped_column(String(20))
    #: Position in the pure ranking (1 = best); overrides never change it.
    rank: Mapped[int]
    #: 1-based place on the reserve list, for a ``reserve`` decision only.
    reserve_position: Mapped[int | None]
    #: The score the dossier was ranked by (the call's ranking method), 0-100.
    score: Mapped[float] = mapped_column(Float)
    #: The chair's written reason when the deliberation moved the dossier; empty otherwise.
    override_justification: Mapped[str] = mapped_column(Text, default="")
    #: The category of that move (workflows.selection.MoveReason): what the applicant is
    #: told, never the justification; empty when the chair did not move the dossier.
    override_reason: Mapped[str] = mapped_column(String(20), default="")
    #: What the pure ranking decided, kept beside the final decision.
    pure_decision: Mapped[str] = mapped_column(String(20))
    #: The tie-break rule that placed the dossier against an equal score, e.g.
    #: "criterion_mean:3", "lower_std"; empty when no tie.
    tie_break: Mapped[str] = mapped_column(String(40), default="")

    #: Probability (0-1) of being selected with another jury (bootstrap); None if unknown.
    stability: Mapped[float | None] = mapped_column(Float)
    #: The balance-rule move that placed the dossier, if any: {"action": "skipped" |
    #: "promoted" | "displaced", "rule": {...}, "other_id": id or null}.
    adjustment: Mapped[dict | None] = mapped_column(JSON)
    #: Until when a selected (or promoted) applicant may confirm; None for the others.
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[SelectionRound] = relationship(back_populates="decisions")
    application: Mapped[Application] = relationship()
