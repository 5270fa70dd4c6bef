"""Results of the eligibility rules per dossier, requests for information, decisions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.auth.models import User
from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.eligibility.rules import RuleResult
from app.extensions import db
from workflows.application import ApplicationStatus


class DecisionStatus(StrEnum):
    """Where staff's eligibility decision stands. With four eyes, an ineligibility is
    proposed, then confirmed (final) or cancelled by another staff member."""

    PROPOSED = "proposed"
    FINAL = "final"
    CANCELLED = "cancelled"


class RuleOutcome(db.Model):
    """The latest outcome of one rule for one dossier (replaced by every check)."""

    __tablename__ = "rule_outcomes"
    __table_args__ = (UniqueConstraint("application_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: Name of the rule (app.eligibility.rules).
    rule: Mapped[str] = mapped_column(String(40))
    #: An :class:`app.eligibility.rules.Outcome`: pass, fail or needs_information.
    outcome: Mapped[str] = mapped_column(String(20))
    #: The reason's message (msgid) and the values it cites: shown in any language.
    template: Mapped[str] = mapped_column(Text)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def reason(self):
        return RuleResult(self.rule, self.outcome, self.template, self.values).reason


class InformationRequest(db.Model):
    """Staff asked the applicant for named answers and documents, by a reply-by date."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: Answer names the applicant may change.
    fields: Mapped[list] = mapped_column(JSON, default=list)
    #: Document kinds the applicant may upload again.
    documents: Mapped[list] = mapped_column(JSON, default=list)
    #: What staff wrote to the applicant.
    message: Mapped[str] = mapped_column(Text)
    reply_by: Mapped[date] = mapped_column(Date)
    #: The answers when the request was made, to highlight what changed.
    answers_before: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the applicant submits again.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    requested_by: Mapped[User] = relationship()

    def changed_answers(self) -> set[str]:
        """Once answered, the names of the answers that differ from those asked about."""
        if self.answered_at is None:
            return set()
        now, before = self.application.answers or {}, self.answers_before or {}
        return {name for name in set(now) | set(before) if now.get(name) != before.get(name)}


class EligibilityDecision(db.Model):
    """Staff's decision on a dossier. With four eyes, an ineligibility waits for a second
    staff member (status "proposed") before it becomes final."""

    __tablename__ = "eligibility_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: The state it leads the dossier to: ApplicationStatus.ELIGIBLE or INELIGIBLE.
    outcome: Mapped[str] = mapped_column(String(20))
    #: A :class:`DecisionStatus`: proposed (waiting for a second staff member), final,
    #: or cancelled.
    status: Mapped[str] = mapped_column(String(20), default=DecisionStatus.FINAL.value)
    #: For the applicant (ineligible): why, in words they will read in their letter.
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Rules that failed, as staff confirmed them.
    failed_rules: Mapped[list] = mapped_column(JSON, default=list)
    #: Why staff overrode the automatic verdict (kept in the audit trail too).
    override_justification: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def is_eligible(self) -> bool:
        return self.outcome == ApplicationStatus.ELIGIBLE

    @property
    def is_ineligible(self) -> bool:
        return self.outcome == ApplicationStatus.INELIGIBLE


def open_request(application: Application) -> InformationRequest | None:
    """The information request the applicant has not answered yet, if any."""
    return db.session.scalar(
        select(InformationRequest)
        .where(
            InformationRequest.application_id == application.id,
            InformationRequest.answered_at.is_(None),
        )
        .order_by(InformationRequest.id.desc())
    )


def last_request(application: Application) -> InformationRequest | None:
    """The latest information request of the dossier, answered or not."""
    return db.session.scalar(
        select(InformationRequest)
        .where(InformationRequest.application_id == application.id)
        .order_by(InformationRequest.id.desc())
    )


def published_decision(application: Application) -> EligibilityDecision | None:
    """The final eligibility decision, once published to the applicant."""
    if application.call.eligibility_published_at is None:
        return None
    return db.session.scalar(
        select(EligibilityDecision)
        .where(
            EligibilityDecision.application_id == application.id,
            EligibilityDecision.status == DecisionStatus.FINAL,
        )
        .order_by(EligibilityDecision.id.desc())
    )
