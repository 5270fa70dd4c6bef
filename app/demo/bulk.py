"""The demo's rows in bulk: a plan made in Python, then one multi-row INSERT per table.

The demo tells its story through the services (app.demo.services), but going through
them dossier by dossier took about 27 ms each (issue 19: 20,000 applications in 7
minutes). Here the demo's high-volume steps -- accounts, applications and their
documents, submissions, eligible declarations, reviews -- write the rows those services
write, in the same order (so the ids are the same for a seed), with
``session.execute(insert(Model), rows)``:

- every change of state still goes through the lifecycle (:func:`workflows.application.fire`
  on a stand-in, guards included) and leaves the audit row ``apply_transition`` writes;
- the subscribers' work is done as they do it: the rules run on a submission
  (:func:`app.eligibility.conditions.evaluate_rules`, with the call's rule set built once)
  and the applicant's e-mail is rendered by the outbox
  (:func:`app.outbox.subscribers.applicant_email`) and sent after the commit;
- reviews get their criterion scores and weighted total as :mod:`app.jury.scoring`
  computes them.

The rare steps (an ineligible dossier, an information request, the publication) still
call their services. Nothing here checks who may act: the demo's people may.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, update

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User, normalise_email
from app.calls.models import Call
from app.common.clock import BRUSSELS, utcnow
from app.documents import storage
from app.documents.models import Document
from app.documents.services import stored_document
from app.eligibility.conditions import evaluate_rules
from app.eligibility.models import DecisionStatus, EligibilityDecision, RuleOutcome
from app.eligibility.rule_sets import rule_set
from app.eligibility.rules import Context
from app.events import Event
from app.extensions import db
from app.jury.models import CriterionScore, Review
from app.jury.ranking import CriterionScale, review_total
from app.outbox.models import OutboxMessage
from app.outbox.services import queued, rendered_email
from app.outbox.subscribers import applicant_email
from workflows import application as lifecycle
from workflows.application import ApplicationStatus, Trigger
from workflows.jury import ReviewStatus


@dataclass
class Person:
    """A demo applicant's account before it is inserted (``id`` set then)."""

    email: str
    full_name: str
    locale: str
    id: int | None = None


@dataclass
class Kind:
    """A stored document as the rules and the form see it: its kind."""

    kind: str


@dataclass
class Dossier:
    """A stand-in for an :class:`Application` while the demo plans its rows: what the
    form, the lifecycle's guards, the documents, the rules and the e-mails read of it."""

    call: Call
    applicant: Person
    answers: dict
    form: object
    form_version_id: int | None = None
    #: (kind, file name, content) of each document, in the form's order.
    files: list = field(default_factory=list)
    status: str = ApplicationStatus.DRAFT
    id: int | None = None
    number: int | None = None
    reference: str | None = None
    submitted_at: datetime | None = None
    #: Whether the applicant submits it.
    submit: bool = False

    @property
    def documents(self) -> list[Kind]:
        return [Kind(kind) for kind, _name, _content in self.files]

    call_id = property(lambda self: self.call.id)
    deadline = property(Application.deadline.fget)
    title = property(Application.title.fget)
    missing_items = Application.missing_items


def _ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in order and return their ids, in the same order (the table's
    INSERT, without the ORM's per-row bookkeeping: the columns' defaults apply)."""
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), rows)


def transition_row(
    dossier, trigger: str, *, actor_id: int | None, now: datetime, event: str | None = None
) -> dict:
    """Fire ``trigger`` on ``dossier`` (anything the lifecycle's guards can read) and
    return the audit row :func:`app.applications.services.apply_transition` writes."""
    source, dest = lifecycle.fire(dossier, trigger, now=now)
    return audit_row(
        event or trigger,
        actor_id=actor_id,
        subject=("application", dossier.id),
        call_id=dossier.call.id,
        application_id=dossier.id,
        data={"from": str(source), "to": str(dest), "note": None},
        now=now,
    )


def audit_row(event, *, actor_id, subject, call_id, application_id, data, now) -> dict:
    """One audit row, as :func:`app.events.announce` writes it (no request: a command)."""
    kind, subject_id = subject
    return {
        "event": str(event),
        "actor_id": actor_id,
        "subject_kind": kind,
        "subject_id": subject_id,
        "call_id": call_id,
        "application_id": application_id,
        "data": data,
        "created_at": now,
        "request_id": None,
    }


class RuleRunner:
    """The call's rules, built once, run as app.eligibility.checks runs them."""

    def __init__(self, call: Call) -> None:
        self.rules = rule_set(call)
        self.closing = call.closes_at.astimezone(BRUSSELS).date()

    def outcomes(self, application_id: int, answers: dict, kinds: list[str], applied, now):
        facts = {**(answers or {}), "documents": kinds}
        context = Context(self.closing, applied.astimezone(BRUSSELS).date())
        results = evaluate_rules(self.rules, facts, context)
        return results, [
            {
                "application_id": application_id,
                "rule": r.rule,
                "outcome": r.outcome,
                "template": r.template,
                "values": r.values,
                "checked_at": now,
            }
            for r in results
        ]


class DossierWriter:
    """Writes the dossiers given to :meth:`add` with :func:`write_dossiers`, a thousand at
    a time (their documents' contents need not all stay in memory); :meth:`close` writes
    the rest and returns how many were submitted."""

    BATCH = 1000

    def __init__(self, call: Call, *, password_hash: str) -> None:
        self.call, self.password_hash = call, password_hash
        self.dossiers: list[Dossier] = []
        self.submitted = 0

    def add(self, dossier: Dossier) -> None:
        self.dossiers.append(dossier)
        if len(self.dossiers) >= self.BATCH:
            self._write()

    def close(self) -> int:
        self._write()
        return self.submitted

    def _write(self) -> None:
        if self.dossiers:
            self.submitted += write_dossiers(
                self.call, self.dossiers, password_hash=self.password_hash
            )
        self.dossiers = []


def write_dossiers(call: Call, dossiers: list[Dossier], *, password_hash: str) -> int:
    """Insert the applicants, their applications and documents, and submit those marked
    ``submit`` (in order: the call's numbers follow), as the per-dossier demo did through
    ``Application``, ``attach_document`` and ``apply_transition(..., "submit")``.
    Returns the number submitted."""
    db.session.flush()  # the accounts and the call made through the ORM come first
    now = utcnow()
    people = [dossier.applicant for dossier in dossiers]
    user_ids = _ids(
        User,
        [
            {
                "email": normalise_email(person.email),
                "full_name": person.full_name.strip(),
                "password_hash": password_hash,
                "locale": person.locale,
            }
            for person in people
        ],
    )
    for person, user_id in zip(people, user_ids, strict=True):
        person.id = user_id
    _insert(RoleGrant, [{"user_id": person.id, "role": str(Role.APPLICANT)} for person in people])
    application_ids = _ids(
        Application,
        [
            {
                "call_id": call.id,
                "applicant_id": dossier.applicant.id,
                "form_version_id": dossier.form_version_id,
                "answers": dossier.answers,
            }
            for dossier in dossiers
        ],
    )
    documents = []
    for dossier, application_id in zip(dossiers, application_ids, strict=True):
        dossier.id = application_id
        for kind, filename, content in dossier.files:
            values = stored_document(
                kind,
                content,
                filename,
                uploaded_by_id=dossier.applicant.id,
                content_type=storage.detect_type(content)[0],
            )
            documents.append({"application_id": application_id, **values})
    _insert(Document, documents)
    return _submit(call, [dossier for dossier in dossiers if dossier.submit], now)


def _submit(call: Call, dossiers: list[Dossier], now: datetime) -> int:
    """The ``submit`` transition of each dossier, in order: number, reference and time;
    the audit row; the rules' outcomes; the acknowledgement e-mail."""
    if not dossiers:
        return 0
    first = (call.last_application_number or 0) + 1
    audit, outcomes, emails, changes = [], [], [], []
    rules = RuleRunner(call)
    for number, dossier in enumerate(dossiers, start=first):
        audit.append(
            transition_row(dossier, Trigger.SUBMIT, actor_id=dossier.applicant.id, now=now)
        )
        dossier.number, dossier.submitted_at = number, now
        dossier.reference = f"{call.reference}-{number:04d}"
        changes.append(
            {
                "b_id": dossier.id,
                "b_status": str(dossier.status),
                "b_number": number,
                "b_reference": dossier.reference,
                "b_submitted_at": now,
            }
        )
        kinds = [kind for kind, _name, _content in dossier.files]
        outcomes += rules.outcomes(dossier.id, dossier.answers, kinds, now, now)[1]
        email = applicant_email(dossier, Trigger.SUBMIT, context={})
        emails.append(rendered_email(*email[0], **email[1]))
    table = Application.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            number=bindparam("b_number"),
            reference=bindparam("b_reference"),
            submitted_at=bindparam("b_submitted_at"),
            version=table.c.version + 1,
        ),
        changes,
    )
    db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(last_application_number=first - 1 + len(dossiers)),
        execution_options={"synchronize_session": "fetch"},
    )
    _insert(AuditEvent, audit)
    _insert(RuleOutcome, outcomes)
    queued(_ids(OutboxMessage, emails))
    return len(dossiers)


class Eligible:
    """Staff's ``declare_eligible`` on many dossiers whose rules all pass, as
    :func:`app.eligibility.services.declare_eligible` does it: the rules run again
    (their outcomes replaced), a final decision, the transition and its audit row.
    Collect with :meth:`add`, write with :meth:`write` (before any service writes
    another row of these tables, so that the ids keep their order)."""

    def __init__(self, call: Call, staff: User) -> None:
        self.call, self.staff, self.rules = call, staff, RuleRunner(call)
        self.pending: list = []

    def add(self, row, kinds: list[str]) -> bool:
        """Plan ``row`` (id, answers, submitted_at, status, version); False when a rule
        does not pass (the service then asks for a justification: call it instead)."""
        results, outcomes = self.rules.outcomes(
            row.id, row.answers, kinds, row.submitted_at or utcnow(), None
        )
        if any(result.outcome != "pass" for result in results):
            return False
        self.pending.append((row, outcomes))
        return True

    def write(self) -> None:
        if not self.pending:
            return
        now = utcnow()
        decisions, audit, outcomes, changes = [], [], [], []
        for row, rows in self.pending:
            outcomes += [{**outcome, "checked_at": now} for outcome in rows]
            decisions.append(
                {
                    "application_id": row.id,
                    "outcome": str(ApplicationStatus.ELIGIBLE),
                    "status": str(DecisionStatus.FINAL),
                    "override_justification": "",
                    "decided_by_id": self.staff.id,
                    "confirmed_at": now,
                }
            )
            dossier = _Moving(self.call, row.id, row.status)
            audit.append(
                transition_row(dossier, Trigger.DECLARE_ELIGIBLE, actor_id=self.staff.id, now=now)
            )
            changes.append({"b_id": row.id, "b_status": str(dossier.status)})
        ids = [row.id for row, _rows in self.pending]
        db.session.execute(delete(RuleOutcome).where(RuleOutcome.application_id.in_(ids)))
        _insert(RuleOutcome, outcomes)
        _insert(EligibilityDecision, decisions)
        table = Application.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status"), version=table.c.version + 1),
            changes,
        )
        _insert(AuditEvent, audit)
        self.pending = []


@dataclass
class _Moving:
    """A dossier as the lifecycle sees it for a transition without guards."""

    call: Call
    id: int
    status: str


class Reviews:
    """Jurors' reviews, written as :mod:`app.jury.scoring` writes them: a review with one
    score row per criterion, its weighted total once submitted, and the audit row
    (``review_draft_saved`` or ``review_submitted``) with the juror as actor."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.criteria = list(call.criteria)
        self.scales = [
            CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in self.criteria
        ]
        self.new: list = []  # (assignment, data, submitted)
        self.updates: list = []  # (assignment, review id, data)

    def add(self, assignment, data: dict, *, submitted: bool) -> None:
        """A first save of ``assignment``'s review (submitted, or a draft)."""
        self.new.append((assignment, data, submitted, len(self.new) + len(self.updates)))

    def submit_draft(self, assignment, review_id: int, data: dict) -> None:
        """The submission of the draft ``review_id`` (its version moves on)."""
        self.updates.append((assignment, review_id, data, len(self.new) + len(self.updates)))

    def _values(self, data: dict, submitted: bool, now: datetime) -> dict:
        total = round(review_total(self.scales, data["scores"]), 3) if submitted else None
        return {
            "status": str(ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT),
            "overall_comment": (data.get("overall_comment") or "").strip(),
            "private_notes": (data.get("private_notes") or "").strip(),
            "total": total,
            "submitted_at": now if submitted else None,
            "updated_at": now,
        }

    def _scores(self, data: dict) -> list[dict]:
        return [
            {
                "criterion_id": c.id,
                "score": (data.get("scores") or {}).get(c.id),
                "comment": ((data.get("comments") or {}).get(c.id) or "").strip(),
            }
            for c in self.criteria
        ]

    def _audit(self, assignment, review_id: int, values: dict, now: datetime) -> dict:
        submitted = values["total"] is not None
        data = {"juror_id": assignment.juror_id}
        if submitted:
            data["total"] = float(values["total"])
        return audit_row(
            Event.REVIEW_SUBMITTED if submitted else Event.REVIEW_DRAFT_SAVED,
            actor_id=assignment.juror_id,
            subject=("review", review_id),
            call_id=self.call.id,
            application_id=assignment.application_id,
            data=data,
            now=now,
        )

    def write(self) -> None:
        now = utcnow()
        reviews = [
            {"assignment_id": assignment.id, **self._values(data, submitted, now)}
            for assignment, data, submitted, _order in self.new
        ]
        ids = _ids(Review, reviews)
        scores, audit = [], []
        for (assignment, data, _submitted, order), review_id, values in zip(
            self.new, ids, reviews, strict=True
        ):
            scores += [{"review_id": review_id, **row} for row in self._scores(data)]
            audit.append((order, self._audit(assignment, review_id, values, now)))
        changes, score_changes = [], []
        for assignment, review_id, data, order in self.updates:
            values = self._values(data, True, now)
            changes.append({"b_id": review_id, **{f"b_{k}": v for k, v in values.items()}})
            score_changes += [
                {
                    "b_review": review_id,
                    "b_criterion": row["criterion_id"],
                    "b_score": row["score"],
                    "b_comment": row["comment"],
                }
                for row in self._scores(data)
            ]
            audit.append((order, self._audit(assignment, review_id, values, now)))
        if changes:
            table = Review.__table__
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    **{name[2:]: bindparam(name) for name in changes[0] if name != "b_id"},
                    version=table.c.version + 1,
                ),
                changes,
            )
            scores_table = CriterionScore.__table__
            db.session.execute(
                update(scores_table)
                .where(
                    scores_table.c.review_id == bindparam("b_review"),
                    scores_table.c.criterion_id == bindparam("b_criterion"),
                )
                .values(score=bindparam("b_score"), comment=bindparam("b_comment")),
                score_changes,
            )
        _insert(CriterionScore, scores)
        _insert(AuditEvent, [row for _order, row in sorted(audit, key=lambda pair: pair[0])])
        self.new, self.updates = [], []
