"""Demo data of the information sessions: the MBI evening workshops and who registered."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from app.calls.models import Call
from app.common.clock import BRUSSELS, to_brussels
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration

#: (city, venue, weeks before the call closes, seats, registrations: a range, None = full).
DEMO_SESSIONS = [
    ("Antwerp", "Stadsbibliotheek Permeke, De Coninckplein 25, 2060 Antwerpen", 3, 60, (25, 45)),
    ("Brussels", "Espace Magh, Rue du Poinçon 17, 1000 Bruxelles", 2, 80, (40, 70)),
    ("Liège", "La Cité Miroir, Place Xavier-Neujean 22, 4000 Liège", 1, 50, None),
]
STARTS, ENDS = time(18, 0), time(20, 0)


def _evening(call: Call, weeks: int, hour: time) -> datetime:
    day = to_brussels(call.closes_at).date() - timedelta(weeks=weeks)
    while day.weekday() >= 5:  # workshops are held on weekday evenings
        day -= timedelta(days=1)
    return datetime.combine(day, hour, tzinfo=BRUSSELS)


def add_demo_sessions(call: Call, rng: random.Random, faker) -> None:
    """Add the three MBI information sessions to ``call``, with their registrations.

    Each is an evening (18:00-20:00, Brussels time), 3, 2 and 1 weeks before the call
    closes, so that the open demo call still has sessions to come. Registrations are
    deterministic for the state of ``rng`` and ``faker``; emails are
    visitor1@example.net, visitor2@example.net... The Liège session is full.
    Only flushes.
    """
    visitor = 0
    for city, venue, weeks, capacity, spread in DEMO_SESSIONS:
        info_session = InfoSession(
            call=call,
            city=city,
            venue=venue,
            starts_at=_evening(call, weeks, STARTS),
            ends_at=_evening(call, weeks, ENDS),
            capacity=capacity,
        )
        db.session.add(info_session)
        count = capacity if spread is None else rng.randint(*spread)
        for _ in range(count):
            visitor += 1
            info_session.registrations.append(
                SessionRegistration(full_name=faker.name(), email=f"visitor{visitor}@example.net")
            )
    db.session.flush()
