"""The decision letters in the person's data download, and in erasure
(see app.privacy.registry).

Erasure deletes the PDF files (they carry the name and address) but keeps each letter's
row: the reference, outcome, date and SHA-256 that the public verification page shows
hold nothing personal, and the record of the decisions stays whole.
"""

from __future__ import annotations

from app.access.scopes import own_letters
from app.auth.models import User
from app.documents.storage import remove_path_after_commit
from app.extensions import db
from app.letters.models import DONE, Letter
from app.letters.store import path_of
from app.privacy.registry import PersonalData

ERASED_NOTE = "PDF erased at the person's request."


def _letters(user: User) -> list[Letter]:
    return list(db.session.scalars(own_letters(user).order_by(Letter.id)))


def letters(user: User) -> PersonalData | None:
    rows = [letter for letter in _letters(user) if letter.status == DONE]
    if not rows:
        return None
    files = [
        (f"{letter.id}-{letter.outcome}-v{letter.version}.pdf", path_of(letter.sha256))
        for letter in rows
        if letter.sha256 and path_of(letter.sha256).exists()
    ]
    return PersonalData(
        [
            {
                "application_id": letter.application_id,
                "outcome": letter.outcome,
                "version": letter.version,
                "current": bool(letter.current),
                "language": letter.locale,
                "decided_at": letter.decided_at,
                "generated_at": letter.generated_at,
                "verification_code": letter.verification_code,
                "sha256": letter.sha256,
            }
            for letter in rows
        ],
        files,
    )


def erase_letters(user: User, actor: User | None) -> dict:
    erased = 0
    for letter in _letters(user):
        if letter.sha256:
            remove_path_after_commit(db.session(), path_of(letter.sha256))
            erased += 1
        letter.last_error = ERASED_NOTE
    db.session.flush()
    return {"letter_files": erased}


PROVIDERS = {"letters": letters}
ERASERS = {"letters": erase_letters}
