"""Stalled follow-up: the weekly digest mailed to each coach through the outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.coaching.overview import coach_projects, coaches_with_load, stalled_lines
from app.common.urls import external_url
from app.outbox.services import queue_email


def send_digests() -> int:
    """Queue one digest per active coach who follows a stalled project; return how many.

    Each digest lists only the projects the coach may see now (the scope
    app.access.scopes.followed_projects: followed, in coaching, not in conflict)."""
    sent = 0
    for coach, _profile, _load in sorted(coaches_with_load(), key=lambda row: row[0].id):
        lines = stalled_lines(coach_projects(coach))
        if not lines:
            continue
        queue_email(
            coach.email,
            _l("Coaching: %(count)s project(s) need your attention"),
            "coaching_digest",
            subject_params={"count": len(lines)},
            locale=coach.locale,
            coach=coach,
            lines=[
                (line, external_url("coaching.project", project_id=line.application.id))
                for line in lines
            ],
            home_url=external_url("coaching.home"),
        )
        sent += 1
    return sent
