"""Who may reach each route of the letters: see tests/test_access.py.

The world's dossier gets one generated letter (an information request, which its
owner sees at once). Verification is public; previews, progress and every version
are staff's; a letter's PDF is its owner's and staff's.
"""

from app.extensions import db
from app.letters.models import Letter
from app.letters.store import sha256_of, store_pdf
from tests.access_rules import STAFF, everyone, only
from tests.helpers import transition_row

EXPECTED = {
    "letters.applicant_letters": ("GET", only({"owner"})),
    "letters.download": ("GET", only({"owner"} | STAFF)),
    "letters.verify_lookup": ("GET", everyone(200)),
    "letters.verify": ("GET", everyone(200)),
    "letters.dossier_letters": ("GET", only(STAFF)),
    "letters.call_letters": ("GET", only(STAFF)),
    "letters.progress_json": ("GET", only(STAFF)),
    "letters.retry": ("POST", only(STAFF, ok=302)),
    "letters.regenerate_letter": ("POST", only(STAFF, ok=302)),
    "letters.preview": ("GET", only(STAFF)),
    "letters.preview_pdf": ("GET", only(STAFF)),
}

PDF = b"%PDF-1.7\n% a stand-in for a letter\n%%EOF\n"


def path_values(users, application) -> dict:
    entry = transition_row(
        application=application,
        from_state="submitted",
        to_state="info_requested",
        trigger="request_information",
    )
    db.session.add(entry)
    db.session.flush()
    store_pdf(PDF)
    letter = Letter(
        application_id=application.id,
        call_id=application.call_id,
        audit_event_id=entry.id,
        outcome="information_requested",
        status="done",
        locale="en",
        verification_code="ACCE-SSTE-STAA",
        sha256=sha256_of(PDF),
        size=len(PDF),
        pages=1,
    )
    db.session.add(letter)
    db.session.flush()
    return {"letter_id": letter.id, "code": letter.verification_code}
