"""Who may reach each route of this area: see tests/test_access.py."""

from app.extensions import db
from app.privacy.models import ErasureRequest
from tests.access_rules import APPLICANTS, SIGNED_IN, STAFF, only

EXPECTED = {
    "privacy.my_data": ("GET", only(set(SIGNED_IN))),
    "privacy.export_my_data": ("GET", only(set(SIGNED_IN))),
    "privacy.ask_erasure": ("POST", only(APPLICANTS, ok=302)),
    "privacy.erasure_queue": ("GET", only(STAFF)),
    "privacy.decide_erasure": ("POST", only(STAFF, ok=302)),
}


def path_values(users, application):
    erasure = ErasureRequest(user_id=users["applicant"].id)
    db.session.add(erasure)
    db.session.commit()
    return {"request_id": erasure.id}
