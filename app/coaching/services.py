"""Every write of coaching, and the checks that keep a coach to their own entrepreneurs.

Services flush; the view or command commits once, or rolls back on a refusal, so that
a refused operation leaves nothing half-written. Each change is written to
:class:`CoachingAudit` (state changes of the application go through apply_transition
and its own audit).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.applications.models import Application
from app.applications.services import apply_transition, flush_transitions
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.calls.models import Call
from app.coaching.models import (
    ITEM_OWNERS,
    LOCATIONS,
    MODES,
    PLACES,
    ActionComment,
    ActionItem,
    CoachAssignment,
    CoachingAudit,
    CoachingClosure,
    CoachingSession,
    CoachingSettings,
    CoachProfile,
    MilestoneProgress,
)
from app.coaching.vocabulary import (
    DEFAULT_MILESTONES,
    DEFAULT_TOPICS,
    milestone_facts,
    slug,
)
from app.common.clock import BRUSSELS, utcnow
from app.common.errors import Refusal
from app.extensions import db
from workflows.application import ApplicationStatus

#: Days during which the author may still edit a session (again after a staff unlock).
EDIT_DAYS = 7
#: States of an application whose coaching file exists.
COACHING_STATES = ("coaching", "completed", "dropped_out")
#: Longest session, in minutes.
MAX_DURATION = 12 * 60
TEXT_MAX = 10000
ITEM_MAX = 500


class CoachingError(Refusal):
    """A refused coaching operation; the message is shown to the user."""


def today() -> date:
    """Today in Brussels, where the programme runs."""
    return utcnow().astimezone(BRUSSELS).date()


# Settings and profiles -------------------------------------------------------------


def settings_for(call: Call) -> CoachingSettings:
    """The call's coaching settings; the standard ones (not stored) until staff save theirs."""
    settings = db.session.get(CoachingSettings, call.id)
    if settings is None:
        settings = CoachingSettings(
            call_id=call.id,
            topics=list(DEFAULT_TOPICS),
            milestones=list(DEFAULT_MILESTONES),
            stall_days=21,
        )
    return settings


def save_settings(call: Call, data: dict, *, actor: User) -> CoachingSettings:
    """Store the call's topics and milestones (standard keys chosen, plus typed labels)
    and the stall threshold."""
    _require_staff(actor)
    stall_days = data.get("stall_days")
    if not isinstance(stall_days, int) or not 1 <= stall_days <= 365:
        raise CoachingError(_l("The stall threshold is between 1 and 365 days."))
    settings = db.session.get(CoachingSettings, call.id)
    if settings is None:
        settings = CoachingSettings(call_id=call.id)
        db.session.add(settings)
    settings.topics = _entries(data.get("topics", []), data.get("custom_topics", []))
    settings.milestones = _entries(data.get("milestones", []), data.get("custom_milestones", []))
    if not settings.milestones:
        raise CoachingError(_l("Keep at least one milestone."))
    settings.stall_days = stall_days
    db.session.flush()
    return settings


def _entries(keys: list[str], labels: list[str]) -> list[dict]:
    entries, seen = [], set()
    for key in keys:
        if key not in seen:
            entries.append({"key": key})
            seen.add(key)
    for label in labels:
        label = " ".join(label.split())[:80]
        key = slug(label)
        if not key or key in seen:
            continue
        entries.append({"key": key, "label": label})
        seen.add(key)
    return entries


def save_profile(coach: User, data: dict, *, actor: User) -> CoachProfile:
    """Set a coach's languages, location and capacity."""
    _require_staff(actor)
    if not coach.has_role(Role.COACH):
        raise CoachingError(_l("This person is not a coach."))
    if data.get("location") not in LOCATIONS:
        raise CoachingError(_l("Choose where the coach works."))
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        raise CoachingError(_l("The capacity is between 1 and 100 entrepreneurs."))
    profile = db.session.get(CoachProfile, coach.id) or CoachProfile(user_id=coach.id)
    profile.languages = ",".join(
        code for code in dict.fromkeys(data.get("languages") or []) if code
    )[:40]
    profile.location = data["location"]
    profile.capacity = capacity
    db.session.add(profile)
    db.session.flush()
    return profile


def coaches_with_load() -> list[tuple[User, CoachProfile | None, int]]:
    """Every active coach, their profile and how many projects they follow now (one query)."""
    load = (
        select(CoachAssignment.coach_id, func.count().label("load"))
        .join(Application, Application.id == CoachAssignment.application_id)
        .where(CoachAssignment.ended_at.is_(None), Application.status == "coaching")
        .group_by(CoachAssignment.coach_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User, CoachProfile, func.coalesce(load.c.load, 0))
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .outerjoin(CoachProfile, CoachProfile.user_id == User.id)
        .outerjoin(load, load.c.coach_id == User.id)
        .where(RoleGrant.role == str(Role.COACH), User.active.is_(True))
        .order_by(User.full_name)
    ).all()
    return [(user, profile, count) for user, profile, count in rows]


# Who follows whom --------------------------------------------------------------------


def current_assignments(application: Application) -> dict[str, CoachAssignment]:
    """The coaches following ``application`` now, by role."""
    rows = db.session.scalars(
        select(CoachAssignment).where(
            CoachAssignment.application_id == application.id,
            CoachAssignment.ended_at.is_(None),
        )
    ).all()
    return {row.role: row for row in rows}


def follows(user: User, application: Application) -> bool:
    """Whether ``user`` is one of the coaches following ``application`` now."""
    if not user.is_authenticated or not user.has_role(Role.COACH):
        return False
    return (
        db.session.scalar(
            select(CoachAssignment.id).where(
                CoachAssignment.application_id == application.id,
                CoachAssignment.coach_id == user.id,
                CoachAssignment.ended_at.is_(None),
            )
        )
        is not None
    )


def can_view_file(user: User, application: Application) -> bool:
    """Staff and the coaches following the project see its coaching file (private notes too)."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.STAFF):
        return application.status in ("confirmed", *COACHING_STATES)
    return application.status in COACHING_STATES and follows(user, application)


def assign_coach(
    application: Application, coach: User, role: str, *, actor: User
) -> CoachAssignment:
    """Assign ``coach`` to ``application`` as ``role`` (primary or morocco).

    A coach already holding that role is replaced (their assignment ends, kept as
    history). The first main coach moves a confirmed application to ``coaching``.
    """
    _require_staff(actor)
    if role not in ("primary", "morocco"):
        raise CoachingError(_l("Choose the main coach or the coach in Morocco."))
    if application.status not in ("confirmed", "coaching"):
        raise CoachingError(_l("Only a confirmed project holder or one in coaching gets a coach."))
    if not coach.active or not coach.has_role(Role.COACH):
        raise CoachingError(_l("This person is not an active coach."))
    current = current_assignments(application)
    if role == "morocco" and "primary" not in current:
        raise CoachingError(_l("Assign the main coach first."))
    other = current.get("morocco" if role == "primary" else "primary")
    if other is not None and other.coach_id == coach.id:
        raise CoachingError(_l("This coach already follows the project in the other role."))
    now = utcnow()
    previous = current.get(role)
    if previous is not None:
        if previous.coach_id == coach.id:
            raise CoachingError(_l("This coach already follows the project."))
        previous.ended_at = now
        previous.ended_by_id = actor.id
        _audit(application, actor, "coach_ended", {"coach": previous.coach_id, "role": role})
    assignment = CoachAssignment(
        application=application,
        coach_id=coach.id,
        role=role,
        started_at=now,
        assigned_by_id=actor.id,
    )
    db.session.add(assignment)
    _audit(application, actor, "coach_assigned", {"coach": coach.id, "role": role})
    if application.status == "confirmed":
        apply_transition(application, "start_coaching", actor=actor)
    else:
        # Bump the application's version: of two staff members reassigning at once,
        # the second one is refused (ConcurrentUpdate) instead of adding a second coach.
        application.updated_at = now
        flush_transitions()
    db.session.flush()
    return assignment


def end_morocco_coach(application: Application, *, actor: User) -> None:
    """End the second coach's assignment (the main coach is only ever replaced)."""
    _require_staff(actor)
    assignment = current_assignments(application).get("morocco")
    if assignment is None:
        raise CoachingError(_l("No coach in Morocco follows this project."))
    assignment.ended_at = utcnow()
    assignment.ended_by_id = actor.id
    _audit(application, actor, "coach_ended", {"coach": assignment.coach_id, "role": "morocco"})
    db.session.flush()


def selection_date(application: Application) -> date:
    """The day the project was selected (its first move to ``selected``); the call's
    closing day when no such move was recorded."""
    moment = db.session.scalar(
        select(func.min(AuditEvent.created_at)).where(
            AuditEvent.application_id == application.id,
            AuditEvent.to_state == ApplicationStatus.SELECTED,
        )
    )
    if moment is None:
        moment = application.call.closes_at
    return moment.astimezone(BRUSSELS).date()


# Sessions ----------------------------------------------------------------------------


def _require_coach_of(application: Application, actor: User) -> None:
    if application.status != "coaching":
        raise CoachingError(_l("This project is not in coaching."))
    if not follows(actor, application):
        raise CoachingError(_l("You do not follow this entrepreneur (any more)."))


def _clean_session(application: Application, data: dict) -> dict:
    """Validated session fields, or CoachingError naming the first problem."""
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        raise CoachingError(_l("Give the date of the session."))
    if held_on > today():
        raise CoachingError(_l("A session cannot be dated in the future."))
    selected_on = selection_date(application)
    if held_on < selected_on:
        raise CoachingError(
            _l(
                "A session cannot be dated before the project was selected (%(date)s).",
                date=selected_on.isoformat(),
            )
        )
    duration = data.get("duration_minutes")
    if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
        raise CoachingError(_l("The duration must be a positive number of minutes."))
    if duration > MAX_DURATION:
        raise CoachingError(_l("A session lasts at most 12 hours."))
    if data.get("mode") not in MODES:
        raise CoachingError(_l("Choose how the session was held."))
    if data.get("place") not in PLACES:
        raise CoachingError(_l("Choose where the session was held."))
    allowed = {entry["key"] for entry in settings_for(application.call).topics}
    topics = list(dict.fromkeys(data.get("topics") or []))
    if any(topic not in allowed for topic in topics):
        raise CoachingError(_l("Choose topics from the programme's list."))
    tags = []
    for tag in data.get("tags") or []:
        tag = " ".join(str(tag).split()).lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    next_on = data.get("next_session_on")
    if next_on is not None and next_on < held_on:
        raise CoachingError(_l("The next session comes after this one."))
    summary = (data.get("summary") or "").strip()
    notes = (data.get("private_notes") or "").strip()
    if len(summary) > TEXT_MAX or len(notes) > TEXT_MAX:
        raise CoachingError(_l("A text holds at most 10,000 characters."))
    return {
        "held_on": held_on,
        "duration_minutes": duration,
        "mode": data["mode"],
        "place": data["place"],
        "topics": topics,
        "tags": tags[:20],
        "summary": summary,
        "private_notes": notes,
        "next_session_on": next_on,
    }


def log_session(application: Application, data: dict, *, actor: User) -> CoachingSession:
    """Log a session of ``actor`` with the entrepreneur, with its action items."""
    _require_coach_of(application, actor)
    fields = _clean_session(application, data)
    items = [_clean_item(item) for item in data.get("items") or [] if item.get("text")]
    now = utcnow()
    session = CoachingSession(
        application=application, coach_id=actor.id, created_at=now, updated_at=now, **fields
    )
    db.session.add(session)
    db.session.flush()
    for item in items:
        db.session.add(
            ActionItem(
                application_id=application.id,
                session_id=session.id,
                created_by_id=actor.id,
                created_at=now,
                **item,
            )
        )
    _audit(
        application,
        actor,
        "session_logged",
        {"held_on": fields["held_on"].isoformat(), "items": len(items)},
        session=session,
    )
    db.session.flush()
    return session


def edit_deadline(session: CoachingSession) -> datetime:
    """Until when the author may edit ``session``."""
    start = max(session.created_at, session.unlocked_at or session.created_at)
    return start + timedelta(days=EDIT_DAYS)


def is_locked(session: CoachingSession) -> bool:
    return utcnow() >= edit_deadline(session)


def can_edit(session: CoachingSession, user: User) -> bool:
    return (
        user.is_authenticated
        and session.coach_id == user.id
        and not is_locked(session)
        and session.application.status == "coaching"
        and follows(user, session.application)
    )


def edit_session(session: CoachingSession, data: dict, *, actor: User) -> CoachingSession:
    """Change a session; only its author, while it is not locked."""
    application = session.application
    if session.coach_id != actor.id:
        raise CoachingError(_l("Only the coach who logged a session may change it."))
    _require_coach_of(application, actor)
    if is_locked(session):
        raise CoachingError(
            _l(
                "This session is locked: it can be changed for %(days)d days after it was "
                "logged. Ask the programme staff to unlock it.",
                days=EDIT_DAYS,
            )
        )
    fields = _clean_session(application, data)
    changes = {}
    for name, value in fields.items():
        before = getattr(session, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(session, name, value)
    if changes:
        session.updated_at = utcnow()
        _audit(application, actor, "session_edited", changes, session=session)
    db.session.flush()
    return session


def unlock_session(session: CoachingSession, *, actor: User) -> None:
    """Staff reopen a locked session for its author, for another EDIT_DAYS days."""
    _require_staff(actor)
    if not is_locked(session):
        raise CoachingError(_l("This session is not locked."))
    session.unlocked_at = utcnow()
    session.unlocked_by_id = actor.id
    _audit(session.application, actor, "session_unlocked", {}, session=session)
    db.session.flush()


# Action items ------------------------------------------------------------------------


def _clean_item(data: dict) -> dict:
    text = " ".join((data.get("text") or "").split())
    if not text:
        raise CoachingError(_l("Describe the action item."))
    if len(text) > ITEM_MAX:
        raise CoachingError(_l("An action item holds at most 500 characters."))
    if data.get("owner") not in ITEM_OWNERS:
        raise CoachingError(_l("Say who does the action item: the entrepreneur or the coach."))
    due_on = data.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        raise CoachingError(_l("The due date is not a date."))
    return {"text": text, "owner": data["owner"], "due_on": due_on}


def add_item(application: Application, data: dict, *, actor: User) -> ActionItem:
    """A coach adds an action item to a project they follow."""
    _require_coach_of(application, actor)
    item = ActionItem(application_id=application.id, created_by_id=actor.id, **_clean_item(data))
    db.session.add(item)
    db.session.flush()
    _audit(application, actor, "item_added", {"item": item.id, "text": item.text})
    db.session.flush()
    return item


def _item_role(item: ActionItem, actor: User) -> str | None:
    """How ``actor`` stands towards ``item``: entrepreneur, coach, staff or None."""
    application = item.application
    if not actor.is_authenticated:
        return None
    if actor.id == application.applicant_id and application.status in COACHING_STATES:
        return "entrepreneur"
    if actor.has_role(Role.STAFF):
        return "staff"
    if application.status == "coaching" and follows(actor, application):
        return "coach"
    return None


def can_see_item(item: ActionItem, actor: User) -> bool:
    return _item_role(item, actor) is not None


def set_item_done(item: ActionItem, done: bool, *, actor: User) -> None:
    """Mark an item done (or not). The entrepreneur may only mark their own items."""
    role = _item_role(item, actor)
    if role is None:
        raise CoachingError(_l("You cannot change this action item."))
    if role == "entrepreneur" and item.owner != "entrepreneur":
        raise CoachingError(_l("Only your coach can mark the coach's own items done."))
    if item.application.status != "coaching":
        raise CoachingError(_l("Coaching has ended: action items can no longer change."))
    if done == (item.done_at is not None):
        return
    item.done_at = utcnow() if done else None
    item.done_by_id = actor.id if done else None
    _audit(item.application, actor, "item_done" if done else "item_reopened", {"item": item.id})
    db.session.flush()


def comment_item(item: ActionItem, body: str, *, actor: User) -> ActionComment:
    """The entrepreneur, a coach following the project or staff comment an action item."""
    if _item_role(item, actor) is None:
        raise CoachingError(_l("You cannot comment on this action item."))
    body = (body or "").strip()
    if not body:
        raise CoachingError(_l("Write a comment first."))
    if len(body) > 2000:
        raise CoachingError(_l("A comment holds at most 2,000 characters."))
    comment = ActionComment(item=item, author_id=actor.id, body=body)
    db.session.add(comment)
    _audit(item.application, actor, "item_commented", {"item": item.id})
    db.session.flush()
    return comment


# Milestones --------------------------------------------------------------------------


def save_milestone(
    application: Application, key: str, data: dict, *, actor: User, evidence=None
) -> MilestoneProgress:
    """Record the target and actual dates, facts and evidence of one milestone.

    ``evidence`` is an optional (content, filename) pair: a PDF or image kept in the
    document store.
    """
    if not actor.has_role(Role.STAFF):
        _require_coach_of(application, actor)
    keys = {entry["key"] for entry in settings_for(application.call).milestones}
    if key not in keys:
        raise CoachingError(_l("This milestone is not tracked for this call."))
    reached_on = data.get("reached_on")
    if reached_on is not None and reached_on > today():
        raise CoachingError(_l("A milestone cannot be reached in the future."))
    facts = {}
    for name in milestone_facts(key):
        value = data.get(name)
        if name in ("amount_eur", "jobs"):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise CoachingError(_l("Numbers of a milestone cannot be negative."))
            if name == "jobs" and value is not None and value > 100000:
                raise CoachingError(_l("Numbers of a milestone cannot be negative."))
        elif value is not None:
            value = " ".join(str(value).split())[:120] or None
        if value is not None:
            facts[name] = value
    if key == "jobs_created" and reached_on is not None and "jobs" not in facts:
        raise CoachingError(_l("Give the number of jobs created."))
    note = (data.get("evidence_note") or "").strip()
    if len(note) > 2000:
        raise CoachingError(_l("The evidence note holds at most 2,000 characters."))
    progress = db.session.scalar(
        select(MilestoneProgress).where(
            MilestoneProgress.application_id == application.id, MilestoneProgress.key == key
        )
    )
    if progress is None:
        progress = MilestoneProgress(application_id=application.id, key=key)
        db.session.add(progress)
    progress.target_on = data.get("target_on")
    progress.reached_on = reached_on
    progress.facts = facts
    progress.evidence_note = note
    progress.updated_at = utcnow()
    progress.updated_by_id = actor.id
    if evidence is not None:
        _store_evidence(progress, *evidence)
    _audit(
        application,
        actor,
        "milestone_saved",
        {"key": key, "reached_on": reached_on.isoformat() if reached_on else None},
    )
    db.session.flush()
    return progress


#: Largest evidence file accepted.
EVIDENCE_LIMIT = 10 * 1024 * 1024


def _store_evidence(progress: MilestoneProgress, content: bytes, filename: str) -> None:
    from app.documents import storage

    if len(content) > EVIDENCE_LIMIT:
        raise CoachingError(_l("The evidence file is larger than 10 MB."))
    detected = storage.detect_type(content)
    if detected is None:
        raise CoachingError(_l("The evidence must be a PDF, JPEG or PNG file."))
    content_type, _extension = detected
    if progress.evidence_file:
        storage.remove_after_commit(db.session, progress.evidence_file)
    progress.evidence_file = storage.write_file(db.session, content)
    progress.evidence_filename = storage.clean_filename(filename, content_type)
    progress.evidence_content_type = content_type


# End of coaching ---------------------------------------------------------------------


def close_coaching(application: Application, outcome: str, text: str, *, actor: User) -> None:
    """End coaching: completed with the coach's closing report, or dropped out with a reason."""
    if not actor.has_role(Role.STAFF):
        _require_coach_of(application, actor)
    text = (text or "").strip()
    if outcome == "completed":
        if not text:
            raise CoachingError(_l("Write the closing report first."))
        trigger = "complete_coaching"
    elif outcome == "dropped_out":
        if not text:
            raise CoachingError(_l("Give the reason why the project dropped out."))
        trigger = "drop_out"
    else:
        raise CoachingError(_l("Choose how coaching ends."))
    if len(text) > TEXT_MAX:
        raise CoachingError(_l("A text holds at most 10,000 characters."))
    if application.status != "coaching":
        raise CoachingError(_l("This project is not in coaching."))
    apply_transition(application, trigger, actor=actor, note=text[:500])
    db.session.add(
        CoachingClosure(
            application_id=application.id, outcome=outcome, text=text, closed_by_id=actor.id
        )
    )
    _audit(application, actor, "coaching_closed", {"outcome": outcome})
    db.session.flush()


# Helpers -----------------------------------------------------------------------------


def _require_staff(actor: User) -> None:
    if not actor.has_role(Role.STAFF):
        raise CoachingError(_l("Only the programme staff can do this."))


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _audit(
    application: Application,
    actor: User | None,
    action: str,
    changes: dict,
    *,
    session: CoachingSession | None = None,
) -> None:
    db.session.add(
        CoachingAudit(
            application_id=application.id,
            session_id=session.id if session is not None else None,
            actor_id=actor.id if actor is not None else None,
            action=action,
            changes=changes,
            created_at=utcnow(),
        )
    )
