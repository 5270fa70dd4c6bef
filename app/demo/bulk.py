"""The demo's rows in bulk: a plan made in Python, then one bulk insert per table
(:mod:`app.common.bulk_rows`: COPY on PostgreSQL, a multi-row INSERT elsewhere).

The demo tells its story through the services (app.demo.services), but going through
them dossier by dossier took about 27 ms each (issue 19: 20,000 applications in 7
minutes). Here the demo's high-volume steps -- accounts, applications and their
documents, submissions -- and in app.demo.decisions the eligible declarations and the
reviews write the rows those services write, in the same order (so the ids are the same
for a seed), with one bulk insert per table and batch:

- every change of state still goes through the lifecycle (:func:`workflows.application.fire`
  on a stand-in, guards included) and leaves the audit row ``apply_transition`` writes;
- what the subscribers of :data:`app.events.transitioned` do is done as they do it: the
  rules run on a submission (:func:`app.eligibility.conditions.evaluate_rules`, with the
  call's rule set built once) and the applicant's e-mail is rendered by the outbox
  (:func:`app.outbox.subscribers.applicant_email`) and sent after the commit;
- reviews get their criterion scores and weighted total as :mod:`app.jury.scoring`
  computes them.

The named signals of these audit rows (``submit``, ``declare_eligible``,
``review_submitted``...) are sent as :func:`app.events.announce` sends them, once the
rows are written (:func:`insert_audit`); :data:`app.events.transitioned` is not: what
its receivers do is done here, and a receiver added to it must have its work done here
too.

The rare steps (an ineligible dossier, an information request, closing scoring, the
selection and its publication) still call their services. Nothing here checks who may
act: the demo's people may.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm.util import identity_key

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User, normalise_email
from app.calls.models import Call
from app.common import bulk_rows
from app.common.clock import BRUSSELS, utcnow
from app.documents import storage
from app.documents.models import Document
from app.documents.services import stored_document
from app.eligibility.conditions import evaluate_rules
from app.eligibility.models import RuleOutcome
from app.eligibility.rule_sets import rule_set
from app.eligibility.rules import Context
from app.events import signal
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import queued, rendered_email
from app.outbox.subscribers import applicant_email
from workflows import application as lifecycle
from workflows.application import ApplicationStatus, Trigger


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


def inserted_ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in order and return their ids, in the same order (the table's
    INSERT, or PostgreSQL's COPY, without the ORM's per-row bookkeeping: the columns'
    defaults apply)."""
    return bulk_rows.insert_rows(model.__table__, rows, ids=True)


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` (:func:`app.common.bulk_rows.insert_rows`)."""
    bulk_rows.insert_rows(model.__table__, rows)


def expire_dossiers(ids) -> None:
    """Forget what the session holds of the dossiers ``ids`` after a bulk UPDATE of their
    rows (state, version...), so that a caller holding them as objects (bench/
    load_coaching.py) reads the new state rather than the old one."""
    held = db.session.identity_map
    for application_id in ids:  # by key: the long session holds tens of thousands of rows
        instance = held.get(identity_key(Application, application_id))
        if instance is not None:
            db.session.expire(instance)


def insert_audit(rows: list[dict]) -> None:
    """Insert audit rows, then send each one's named signal as :func:`app.events.announce`
    does after adding its row (``entry``: the row, not attached to the session; the
    sender: its ``(kind, id)`` subject), so that a subscriber of these events -- the jury's
    score summary on ``review_submitted`` -- hears the demo's bulk events too. Only for
    the events someone listens to. ``transitioned`` is not sent: what its receivers do is
    done here."""
    insert_rows(AuditEvent, rows)
    for row in rows:
        named = signal(row["event"])
        if named.receivers:
            named.send(
                (row["subject_kind"], row["subject_id"]), entry=AuditEvent(**row), actor=None
            )


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
    people = [dossier.applicant for dossier in dossiers]
    user_ids = inserted_ids(
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
    insert_rows(
        RoleGrant, [{"user_id": person.id, "role": str(Role.APPLICANT)} for person in people]
    )
    application_ids = inserted_ids(
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
    insert_rows(Document, documents)
    return _submit(call, [dossier for dossier in dossiers if dossier.submit])


def _submit(call: Call, dossiers: list[Dossier]) -> int:
    """The ``submit`` transition of each dossier, in order: number, reference and time;
    the audit row; the rules' outcomes; the acknowledgement e-mail."""
    if not dossiers:
        return 0
    first = (call.last_application_number or 0) + 1
    audit, outcomes, emails, changes = [], [], [], []
    rules = RuleRunner(call)
    now = utcnow()
    for number, dossier in enumerate(dossiers, start=first):
        # Each its own moment, as one by one: the ranking breaks ties by submission time.
        now = max(utcnow(), now + timedelta(microseconds=1))
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
    expire_dossiers(change["b_id"] for change in changes)
    db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(last_application_number=first - 1 + len(dossiers)),
        execution_options={"synchronize_session": "fetch"},
    )
    insert_audit(audit)
    insert_rows(RuleOutcome, outcomes)
    queued(inserted_ids(OutboxMessage, emails))
    return len(dossiers)
