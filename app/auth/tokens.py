"""The single-use, expiring links mailed to people: password resets, invitations,
registrations. Only a digest of each secret is stored; a link is used once, even when
two requests race with it (:func:`consume_token`)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.auth.models import AccountToken, TokenPurpose, normalise_email
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.extensions import db


class AccountError(Refusal):
    """A refused account operation; the message is shown to the user."""


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(purpose: TokenPurpose, email: str, lifetime: timedelta, **fields) -> str:
    """A new link's secret (to mail); its digest is stored with ``fields``."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            purpose=purpose,
            token_hash=token_digest(secret),
            email=normalise_email(email),
            expires_at=utcnow() + lifetime,
            **fields,
        )
    )
    db.session.flush()
    return secret


def find_usable_token(secret: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unexpired, unused token of ``purpose`` behind ``secret``, or None."""
    token = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_digest(secret), AccountToken.purpose == purpose
        )
    )
    if token is None or not token.is_usable(utcnow()):
        return None
    return token


def consume_token(secret: str, purpose: TokenPurpose, refusal: str) -> AccountToken:
    """Use the token of ``purpose`` behind ``secret``, once: one conditional UPDATE marks
    it used only if it is still unused and unexpired, so of two requests racing with
    one link (two tabs, two servers) exactly one gets it; the other is refused.

    Raises AccountError(``refusal``) for an unknown, used or expired link.
    """
    digest, now = token_digest(secret), utcnow()
    used = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.token_hash == digest,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise AccountError(refusal)
    return db.session.scalar(
        select(AccountToken)
        .where(AccountToken.token_hash == digest)
        .execution_options(populate_existing=True)
    )
