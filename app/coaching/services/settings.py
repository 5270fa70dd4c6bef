"""Staff set up coaching: a call's topics, milestones and stall threshold, and each
coach's languages, location and capacity."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.models import Role, User
from app.calls.models import Call
from app.coaching.models import LOCATIONS, CoachingSettings, CoachProfile
from app.coaching.services.common import CoachingError, changes, require_staff
from app.coaching.vocabulary import slug
from app.events import Event, announce
from app.extensions import db

SETTINGS_FIELDS = ("topics", "milestones", "stall_days")
PROFILE_FIELDS = ("languages", "location", "capacity")


def _fields(record, names: tuple[str, ...]) -> dict:
    return {name: getattr(record, name) for name in names} if record is not None else {}


def _stored(model, key: dict, names: tuple[str, ...]):
    """The row of ``model`` with the primary ``key`` (a new one, added, when there is
    none) and its ``names`` fields as they were before the change."""
    record = db.session.get(model, tuple(key.values()))
    before = _fields(record, names)
    if record is None:
        record = model(**key)
        db.session.add(record)
    return record, before


def save_settings(call: Call, data: dict, *, actor: User) -> CoachingSettings:
    """Store the call's topics and milestones (standard keys chosen, plus typed labels)
    and the stall threshold; announced as ``coaching_settings_saved`` with what changed."""
    require_staff(actor)
    stall_days = data.get("stall_days")
    if not isinstance(stall_days, int) or not 1 <= stall_days <= 365:
        raise CoachingError(_l("The stall threshold is between 1 and 365 days."))
    milestones = _entries(data.get("milestones", []), data.get("custom_milestones", []))
    if not milestones:
        raise CoachingError(_l("Keep at least one milestone."))
    settings, before = _stored(CoachingSettings, {"call_id": call.id}, SETTINGS_FIELDS)
    settings.topics = _entries(data.get("topics", []), data.get("custom_topics", []))
    settings.milestones = milestones
    settings.stall_days = stall_days
    announce(
        Event.COACHING_SETTINGS_SAVED,
        actor=actor,
        subject=("coaching_settings", call.id),
        call_id=call.id,
        data=changes(before, _fields(settings, SETTINGS_FIELDS)),
    )
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
    """Set a coach's languages, location and capacity; announced as
    ``coach_profile_saved`` with what changed (a row of no call: a profile is not a call's)."""
    require_staff(actor)
    if not coach.has_role(Role.COACH):
        raise CoachingError(_l("This person is not a coach."))
    if data.get("location") not in LOCATIONS:
        raise CoachingError(_l("Choose where the coach works."))
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        raise CoachingError(_l("The capacity is between 1 and 100 entrepreneurs."))
    profile, before = _stored(CoachProfile, {"user_id": coach.id}, PROFILE_FIELDS)
    profile.languages = ",".join(
        code for code in dict.fromkeys(data.get("languages") or []) if code
    )[:40]
    profile.location = data["location"]
    profile.capacity = capacity
    announce(
        Event.COACH_PROFILE_SAVED,
        actor=actor,
        subject=("coach_profile", coach.id),
        data=changes(before, _fields(profile, PROFILE_FIELDS)),
    )
    db.session.flush()
    return profile
