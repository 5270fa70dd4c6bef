"""Who may reach each route of this area: see tests/test_access.py.

Registering is open to anyone; the generic POST carries no name, so the form is
refused and the visitor is sent back with the errors flashed (302). Deleting a
session that has a registration is refused the same way (302).
"""

from datetime import timedelta

from app.common.clock import utcnow
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration
from tests.access_rules import STAFF, everyone, only

EXPECTED = {
    "info_sessions.call_sessions": ("GET", only(STAFF)),
    "info_sessions.edit_session": ("GET", only(STAFF)),
    "info_sessions.delete_session": ("POST", only(STAFF, ok=302)),
    "info_sessions.show_session": ("GET", only(STAFF)),
    "info_sessions.export_registrations": ("GET", only(STAFF)),
    "info_sessions.public_call_sessions": ("GET", everyone(200)),
    "info_sessions.register": ("POST", everyone(302)),
}


def path_values(users, application) -> dict:
    """A coming session of the world's call, with one registration."""
    starts = utcnow() + timedelta(days=7)
    info_session = InfoSession(
        call=application.call,
        city="Brussels",
        venue="Espace Magh, Rue du Poinçon 17, 1000 Bruxelles",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=50,
        registrations=[SessionRegistration(full_name="Nadia Tazi", email="nadia@example.org")],
    )
    db.session.add(info_session)
    db.session.flush()
    return {"session_id": info_session.id}
