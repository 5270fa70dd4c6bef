"""Stalled follow-up: the weekly digest mailed to each coach through the outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.coaching.overview import stalled_by_coach
from app.common.access import external_url
from app.outbox.services import queue_email


def send_digests() -> int:
    """Queue one digest per coach who follows a stalled project; return how many."""
    sent = 0
    for coach, lines in sorted(stalled_by_coach().items(), key=lambda pair: pair[0].id):
        if not coach.active:
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
