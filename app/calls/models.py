"""A call for projects (one edition of a programme) and its scoring criteria."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db

#: The eligibility parameters a call holds, with the MBI values as defaults.
#: Each is read by one rule of the eligibility engine.
DEFAULT_ELIGIBILITY = {
    "minimum_age": 18,
    "accepted_nationalities": ["MA", "BE"],
    "belgian_nationals_need_moroccan_ties": True,
    "residence_country": "BE",
    "residence_min_years": 2,
    "residence_window_years": 5,
    "accepted_languages": ["fr", "ar", "en"],
    "company_max_age_years": 5,
    "company_country": "MA",
    "ownership_min_percent": 50,
    "required_declarations": ["no_banking_ban", "no_legal_proceedings", "truthful", "consent"],
    # Not read any more: the documents a dossier owes are its form's (app.documents.
    # requirements). Kept for the public page's "Documents to prepare" until it lists
    # the form's (templates/documents/_to_prepare.html).
    "required_documents": {
        "all": ["identity", "cv", "business_plan", "criminal_record"],
        "company": ["trade_register_certificate", "statutes", "balance_sheets"],
    },
}


def new_calendar_key() -> str:
    """A fresh random key for a call's calendar feed."""
    return secrets.token_urlsafe(24)


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        CheckConstraint("quota >= 1", name="quota_positive"),
        CheckConstraint("reserve_size >= 0", name="reserve_not_negative"),
        CheckConstraint("jurors_per_dossier >= 1", name="jurors_positive"),
        CheckConstraint("confirmation_days >= 1", name="confirmation_days_positive"),
        CheckConstraint("scoring_reminder_days >= 0", name="scoring_reminder_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short unique code, also the prefix of application references (``MBI-2026``).
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Applications accepted from this moment (stored UTC, set in Europe/Brussels).
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Submission refused after this moment.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Number of projects selected (30 for MBI).
    quota: Mapped[int] = mapped_column(default=30)
    #: Length of the ranked reserve list.
    reserve_size: Mapped[int] = mapped_column(default=10)
    #: Jurors who score each eligible dossier.
    jurors_per_dossier: Mapped[int] = mapped_column(default=3)
    #: Simple parameters of the default eligibility rules (see DEFAULT_ELIGIBILITY and
    #: app.eligibility.rule_sets), used while the call has no rule set of its own.
    eligibility: Mapped[dict] = mapped_column(JSON, default=lambda: dict(DEFAULT_ELIGIBILITY))
    #: The call's own eligibility rules as data (app.eligibility.conditions), or None.
    eligibility_rules: Mapped[dict | None] = mapped_column(JSON)
    #: Four eyes: an ineligibility needs a second staff member's confirmation.
    four_eyes_ineligibility: Mapped[bool] = mapped_column(default=False)
    #: When staff published the eligibility decisions to applicants (None: not yet).
    eligibility_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Jury phase: jurors may save and submit reviews only while scoring is open.
    scoring_open: Mapped[bool] = mapped_column(default=False)
    #: When scoring is announced to close (the jurors' deadline, shown to them and
    #: reminded); None: no deadline set. Closing itself stays staff's or the chair's act.
    scoring_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Days before ``scoring_closes_at`` when jurors with reviews not submitted are
    #: reminded by e-mail (once per juror per call; 0: no reminder).
    scoring_reminder_days: Mapped[int] = mapped_column(default=3)
    #: Each juror must confirm "no other conflict of interest" before their first dossier
    #: opens (app.jury.conflicts.confirm_no_other_conflict).
    conflicts_confirmation_required: Mapped[bool] = mapped_column(default=False)
    #: Which ranking the selection uses: "raw" means of totals, or "normalised" (z-scores).
    ranking_method: Mapped[str] = mapped_column(String(12), default="raw")
    #: A dossier whose jurors' totals have a standard deviation above this is flagged.
    disagreement_threshold: Mapped[float] = mapped_column(default=15.0)
    #: After submitting their own review, may jurors see the others' scores of that dossier?
    jurors_see_others: Mapped[bool] = mapped_column(default=True)
    #: ... and if so, without the other jurors' names?
    anonymous_reviews: Mapped[bool] = mapped_column(default=True)
    #: Tie-break rules of the selection, in order: [{"kind": "criterion_mean",
    #: "criterion": <position>}, {"kind": "lower_std"}, {"kind": "earlier_submission"}].
    #: Empty: the mean on the heaviest criterion, then the lower std, then the earlier submission.
    tie_breaks: Mapped[list] = mapped_column(JSON, default=list)
    #: Balance rules of the selection: [{"attribute": "sector", "value": null,
    #: "kind": "at_most", "count": 8}, {"attribute": "gender", "value": "female",
    #: "kind": "at_least", "count": 10}] (attributes are answers of the application form).
    balance_rules: Mapped[list] = mapped_column(JSON, default=list)
    #: Days a selected applicant has to confirm their place (from publication or promotion).
    confirmation_days: Mapped[int] = mapped_column(default=14)
    #: Who signs the decision letters of this call, and in what role.
    letter_signatory_name: Mapped[str] = mapped_column(String(200), default="")
    letter_signatory_role: Mapped[str] = mapped_column(String(200), default="")
    #: The place printed before the date of a letter.
    letter_place: Mapped[str] = mapped_column(String(100), default="Bruxelles")
    #: The partners named on the letterhead, one per line.
    letter_partners: Mapped[str] = mapped_column(Text, default="")
    #: Frequently asked questions shown on the public page, in French, each with its
    #: other languages: [{"question", "answer", "translations": {"nl": {"question",
    #: "answer"}, ...}}] (read with app.i18n.localized).
    faq: Mapped[list] = mapped_column(JSON, default=list)
    #: Texts in the other languages, French being the columns themselves:
    #: {"nl": {"description": "..."}, "ar": {...}, "en": {...}}; a missing text falls back
    #: to French (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The call's application form (a FormVersion's id; app.application_forms): None
    #: while the call uses the default form. Not a foreign key: versions point at calls.
    form_version_id: Mapped[int | None]
    #: The call's own texts of its letters and e-mails, replacing the templates' where
    #: given: {outcome: {language: {"letter" | "subject" | "email": text}}} (see
    #: app.calls.wording). Empty: every text reads as the templates say.
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The secret the link of the call's calendar feed is signed with (app.calls.calendar);
    #: a new one makes the old link stop working.
    calendar_key: Mapped[str] = mapped_column(String(64), default=new_calendar_key)
    #: Last number given to a submitted application; references are gap-free.
    last_application_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="call",
        cascade="all, delete-orphan",
        order_by="Criterion.position",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"<Call {self.reference}>"

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now <= self.closes_at

    def phase(self, now: datetime) -> str:
        if now < self.opens_at:
            return "upcoming"
        if now <= self.closes_at:
            return "open"
        return "closed"


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("scale_max > scale_min", name="scale_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    #: Order of display, from 1.
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Share of the total score, in percent; the weights of a call sum to 100.
    weight: Mapped[int]
    #: Lowest score a juror may give.
    scale_min: Mapped[int] = mapped_column(default=0)
    #: Highest score a juror may give.
    scale_max: Mapped[int] = mapped_column(default=10)
    #: Name and description in the other languages: {"nl": {"name", "description"}, ...};
    #: a missing text falls back to French (app.i18n.localized).
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    call: Mapped[Call] = relationship(back_populates="criteria")
