"""What the jury does when events are announced (app.events): its e-mails, queued through
the outbox in each recipient's language, and its score summary marked stale. Each
service stays one change and one event, and every e-mail of the jury is written here.

The score summary (app.jury.summary) is marked stale by every event that moves a call's
review aggregates (SUMMARY_EVENTS): a review submitted or reopened, a conflict or recusal
(which may take a review away), assignments changed, the call edited (criteria, weights,
threshold, ranking method), and a dossier entering or leaving the jury's states (the
board's dossiers); it is recomputed once, by its next reader.

E-mails:

- ``assignment_run``, ``juror_assigned``: each juror given new dossiers, once per run;
- ``scoring_opened``: each juror with dossiers left to score;
- ``scoring_reminders_due``: each juror the reminder job picked (app.jury.reminders);
- ``review_reopened``: the juror whose review is reopened, and the call's other chairs;
- ``recused``: the call's chairs (but the juror who recused, if a chair).

A juror's e-mail gives numbers and a link to their page, never the dossiers: not even
their titles, since a juror may not have declared a conflict yet. A chair is told about
a dossier only when the access policy lets them read it (not in conflict), and nobody is
e-mailed about their own act.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.access.policy import may_read_conflict, may_reopen_review, may_score
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.urls import external_url
from app.events import Event, signal, transitioned
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment, JuryMember, Review
from app.jury.queries import progress_by_juror
from app.jury.summary import mark_stale
from app.outbox.services import queue_email
from workflows.application import JURY_STATES

#: The events after which a call's review aggregates may have moved.
SUMMARY_EVENTS = (
    Event.REVIEW_SUBMITTED,
    Event.REVIEW_REOPENED,
    Event.RECUSED,
    Event.CONFLICT_DECLARED,
    Event.CONFLICT_CHANGED,
    Event.CONFLICT_RECORDED,
    Event.CONFLICT_WITHDRAWN,
    Event.ASSIGNMENT_RUN,
    Event.JUROR_ASSIGNED,
    Event.JUROR_UNASSIGNED,
    Event.JURY_MEMBER_REMOVED,
    Event.CALL_EDITED,
)


def mark_summary_stale(_subject, *, entry, **_) -> None:
    """The call's review aggregates may have moved: its score summary is recomputed by
    its next reader (app.jury.summary)."""
    if entry.call_id is not None:
        mark_stale(entry.call_id)


for _event in SUMMARY_EVENTS:
    signal(_event).connect(mark_summary_stale)


@transitioned.connect
def mark_summary_stale_on_transition(application, *, source, dest, **_) -> None:
    """A dossier entered or left the jury's states: the dossiers on the board may have
    changed (marks are kept once per call and transaction, however many dossiers move)."""
    if (source in JURY_STATES) != (dest in JURY_STATES):
        mark_stale(application.call_id)


#: e-mail -> (subject, template in templates/email/).
JUROR_EMAILS = {
    "assigned": (_l("%(call)s: dossiers assigned to you"), "jury_assigned"),
    "scoring_open": (_l("%(call)s: scoring is open"), "jury_scoring_open"),
    "reminder": (_l("%(call)s: scoring closes soon"), "jury_scoring_reminder"),
}


def _active(user_ids) -> list[User]:
    return db.session.scalars(
        select(User).where(User.id.in_(list(user_ids)), User.active.is_(True)).order_by(User.id)
    ).all()


def _awaiting_confirmation(call: Call) -> set[int]:
    """The members whose dossiers stay closed until they confirm having no other conflict."""
    if not call.conflicts_confirmation_required:
        return set()
    return set(
        db.session.scalars(
            select(JuryMember.user_id).where(
                JuryMember.call_id == call.id, JuryMember.conflicts_confirmed_at.is_(None)
            )
        )
    )


def _email_jurors(call: Call, kind: str, counts: dict, new: dict | None = None) -> None:
    """One e-mail of ``kind`` to each active juror of ``counts`` ({juror id: (submitted,
    assigned)}), with ``new[juror id]`` dossiers just assigned if given."""
    subject, template = JUROR_EMAILS[kind]
    closed = _awaiting_confirmation(call)
    links = {
        "home_url": external_url("jury.home"),
        "dossiers_url": external_url("jury.my_dossiers", call_id=call.id),
        "conflicts_url": external_url("jury.conflicts", call_id=call.id),
    }
    for juror in _active(counts):
        done, total = counts[juror.id]
        queue_email(
            juror.email,
            subject,
            template,
            subject_params={"call": call.name},
            locale=juror.locale,
            juror=juror,
            call=call,
            done=done,
            total=total,
            new=(new or {}).get(juror.id, 0),
            must_confirm=juror.id in closed,
            **links,
        )


def _email_assigned(call: Call, new: dict[int, int]) -> None:
    counts = progress_by_juror(call, [juror_id for juror_id, count in new.items() if count])
    _email_jurors(call, "assigned", counts, new)


@signal(Event.ASSIGNMENT_RUN).connect
def email_jurors_of_the_run(call, *, assigned=None, **_) -> None:
    """One e-mail per juror given dossiers by the run: how many, and their page."""
    if assigned:
        _email_assigned(call, assigned)


@signal(Event.JUROR_ASSIGNED).connect
def email_juror_assigned_by_hand(assignment, **_) -> None:
    """Staff gave a juror one more dossier by hand: the juror is told."""
    _email_assigned(assignment.application.call, {assignment.juror_id: 1})


@signal(Event.SCORING_OPENED).connect
def email_jurors_scoring_open(call, **_) -> None:
    """Scoring opened: every juror with dossiers left to score is told."""
    counts = {
        juror_id: (done, total)
        for juror_id, (done, total) in progress_by_juror(call).items()
        if done < total
    }
    _email_jurors(call, "scoring_open", counts)


@signal(Event.SCORING_REMINDERS_DUE).connect
def email_reminders(call, *, pending, **_) -> None:
    """The reminder job picked these jurors: each is reminded of what is left."""
    _email_jurors(call, "reminder", pending)


# The chairs -----------------------------------------------------------------------------


def _chairs(call: Call, *, besides: int | None) -> list[User]:
    """The active chairs of the call's jury, but the user ``besides`` (who acted)."""
    query = (
        select(User)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.call_id == call.id, JuryMember.is_chair, User.active.is_(True))
        .order_by(User.id)
    )
    if besides is not None:
        query = query.where(User.id != besides)
    return db.session.scalars(query).all()


@signal(Event.REVIEW_REOPENED).connect
def email_reopened_review(review: Review, *, entry, **_) -> None:
    """A chair reopened a review: its juror is asked to change it and submit it again,
    the call's other chairs are told (who, which dossier, why)."""
    assignment: JuryAssignment = review.assignment
    application, juror = assignment.application, assignment.juror
    call = application.call
    subject = {"call": call.name}
    if juror.active and may_score(juror, assignment):
        queue_email(
            juror.email,
            _l("%(call)s: the chair reopened one of your reviews"),
            "jury_review_reopened",
            subject_params=subject,
            locale=juror.locale,
            application_id=application.id,
            juror=juror,
            call=call,
            application=application,
            reason=entry.note,
            review_url=external_url("jury.score_review", assignment_id=assignment.id),
        )
    reopened_by = db.session.get(User, entry.actor_id)
    for chair in _chairs(call, besides=entry.actor_id):
        if may_reopen_review(chair, review):
            queue_email(
                chair.email,
                _l("%(call)s: a review was reopened"),
                "jury_review_reopened_chair",
                subject_params=subject,
                locale=chair.locale,
                application_id=application.id,
                chair=chair,
                call=call,
                application=application,
                juror=juror,
                reopened_by=reopened_by,
                reason=entry.note,
                dossier_url=external_url("jury.board_dossier", application_id=application.id),
            )


@signal(Event.RECUSED).connect
def email_chairs_of_recusal(conflict: ConflictOfInterest, *, entry, **_) -> None:
    """A juror recused themselves from a dossier: the call's chairs who may read the
    conflict are told (who, which dossier, the reason), the dossier needing a juror."""
    application = db.session.get(Application, conflict.application_id)
    call = application.call
    juror = db.session.get(User, conflict.juror_id)
    for chair in _chairs(call, besides=conflict.juror_id):
        if may_read_conflict(chair, conflict):
            queue_email(
                chair.email,
                _l("%(call)s: a juror recused themselves"),
                "jury_recusal",
                subject_params={"call": call.name},
                locale=chair.locale,
                application_id=application.id,
                chair=chair,
                call=call,
                application=application,
                juror=juror,
                reason=entry.note,
                dossier_url=external_url("jury.board_dossier", application_id=application.id),
            )
