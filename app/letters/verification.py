"""The codes printed on letters, and what the public verification page checks: that a
code names a letter, and that a PDF (or its SHA-256) is exactly the stored letter."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from app.extensions import db
from app.letters.models import DONE, Letter
from app.letters.store import sha256_of

#: Unambiguous characters (no 0/O, 1/I/L, U) for codes read from paper.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def new_code() -> str:
    """A short verification code, e.g. ``K7QX-4M2P-9DHT`` (about 59 random bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}" if len(cleaned) == 12 else ""


def verify_code(code: str) -> Letter | None:
    code = normalise_code(code)
    if not code:
        return None
    return db.session.scalar(select(Letter).where(Letter.verification_code == code))


def matches(letter: Letter, *, data: bytes | None = None, sha256: str | None = None) -> bool:
    """Whether a PDF (its bytes, or its SHA-256 as hex) is exactly the stored letter."""
    if letter.status != DONE or not letter.sha256:
        return False
    if data is not None:
        return secrets.compare_digest(sha256_of(data), letter.sha256)
    candidate = (sha256 or "").strip().lower()
    return len(candidate) == 64 and secrets.compare_digest(candidate, letter.sha256)
