"""Every write about accounts: registration, passwords, invitations, activation.

Registrations, invitations, roles granted and (de)activations are announced (one audit
row each, with no call). Logging in and out, passwords and the language of the pages
are the person's own business: no audit row. Services flush; the caller (a view or a
CLI command) commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import AccountToken, Role, RoleGrant, TokenPurpose, User
from app.auth.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.common.clock import utcnow
from app.common.errors import Refusal
from app.common.urls import external_url
from app.events import Event, announce
from app.extensions import db
from app.outbox.services import queue_email


class AccountError(Refusal):
    """A refused account operation; the message is shown to the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(
    email: str,
    full_name: str,
    password: str | None,
    roles: list[str],
    *,
    locale: str = "fr",
    granted_by: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account holding ``roles``.

    Raises AccountError when the address is taken. ``password_hash`` lets the demo
    reuse one hash for many accounts.
    """
    if find_user_by_email(email) is not None:
        raise AccountError(_l("An account already exists for this email address."))
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        password_hash=password_hash or hash_password(password),
        locale=locale,
    )
    for role in roles:
        user.grants.append(
            RoleGrant(role=str(Role(role)), granted_by_id=granted_by and granted_by.id)
        )
    db.session.add(user)
    db.session.flush()
    return user


def _announce(event: Event, user: User, actor: User, data: dict | None = None) -> None:
    announce(event, actor=actor, subject=user, data=data)


def register_applicant(email: str, full_name: str, password: str, *, locale: str) -> User:
    """Self-registration of an applicant, announced as ``user_registered`` (by the new
    account). Side effect: a welcome email is queued. Raises AccountError when the
    address is taken."""
    user = create_user(email, full_name, password, [Role.APPLICANT], locale=locale)
    _announce(Event.USER_REGISTERED, user, user, {"roles": [Role.APPLICANT.value]})
    queue_email(
        user.email,
        _l("Welcome to Impulse"),
        "welcome",
        locale=user.locale,
        user=user,
        login_url=external_url("auth.login"),
    )
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials; stamps the login and upgrades an old hash.

    Raises AccountError, saying the same whether the address is unknown, the password
    wrong or the account deactivated (nobody learns which accounts exist).
    """
    refused = AccountError(_l("Email address or password not correct, or account deactivated."))
    user = find_user_by_email(email)
    if user is None:
        burn_verification_time()
        raise refused
    if not verify_password(user.password_hash, password) or not user.active:
        raise refused
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password and end every other session of the user.

    Raises AccountError when ``current_password`` is wrong. Side effect: a
    notification email is queued.
    """
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct."))
    _set_password(user, new_password)
    queue_email(
        user.email,
        _l("Your Impulse password was changed"),
        "password_changed",
        locale=user.locale,
        user=user,
    )


def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere (every session cookie issued so far stops working)."""
    user.end_all_sessions()
    db.session.flush()


def remember_locale(user: User, locale: str) -> None:
    """Keep ``locale`` as the language of ``user``'s pages, emails and letters."""
    user.locale = locale
    db.session.flush()


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.end_all_sessions()


def _issue_token(purpose: TokenPurpose, email: str, lifetime: timedelta, **fields) -> str:
    secret = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            purpose=purpose,
            token_hash=_token_digest(secret),
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
            AccountToken.token_hash == _token_digest(secret), AccountToken.purpose == purpose
        )
    )
    if token is None or not token.is_usable(utcnow()):
        return None
    return token


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link if an active account has this address.

    Says nothing about whether the account exists (the caller shows the same page).
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    secret = _issue_token(TokenPurpose.RESET, user.email, timedelta(hours=hours), user_id=user.id)
    queue_email(
        user.email,
        _l("Reset your Impulse password"),
        "password_reset",
        locale=user.locale,
        user=user,
        hours=hours,
        reset_url=external_url("auth.reset_password", token=secret),
    )


def reset_password(secret: str, new_password: str) -> User:
    """Use a reset link: set the password, burn the token, end every session.

    Raises AccountError for an unknown, used or expired link.
    """
    token = find_usable_token(secret, TokenPurpose.RESET)
    if token is None or token.user is None:
        raise AccountError(_l("This link is invalid or has expired. Ask for a new one."))
    token.used_at = utcnow()
    _set_password(token.user, new_password)
    return token.user


def invite_user(email: str, roles: list[str], *, actor: User) -> AccountToken:
    """Invite someone to hold ``roles`` (staff, juror, chair, coach); announced as
    ``user_invited`` (the invitation, its roles, the account if it exists).

    Side effect: an invitation email with a single-use link is queued. Raises
    AccountError when every role is already held by that account.
    """
    existing = find_user_by_email(email)
    if existing is not None and set(roles) <= existing.roles:
        raise AccountError(_l("This person already holds these roles."))
    days = current_app.config["INVITATION_DAYS"]
    secret = _issue_token(
        TokenPurpose.INVITATION,
        email,
        timedelta(days=days),
        roles=",".join(str(Role(role)) for role in roles),
        created_by_id=actor.id,
        user_id=existing and existing.id,
    )
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == _token_digest(secret))
    )
    queue_email(
        normalise_email(email),
        _l("You are invited to join Impulse"),
        "invitation",
        locale=existing.locale if existing else "fr",
        inviter=actor,
        roles=token.role_list,
        days=days,
        accept_url=external_url("auth.accept_invitation", token=secret),
    )
    announce(
        Event.USER_INVITED,
        actor=actor,
        subject=token,
        data={"roles": token.role_list, "user_id": existing.id if existing else None},
    )
    db.session.flush()
    return token


def accept_invitation(
    secret: str,
    *,
    actor: User,
    full_name: str | None = None,
    password: str | None = None,
    locale: str = "fr",
) -> User:
    """Use an invitation link: grant its roles, creating the account if needed.

    ``actor`` is whoever opened the link (anonymous, or logged in as the invited
    account). Announced as ``roles_changed`` by the invited account: the roles added,
    who invited, whether the account was created for it.
    Raises AccountError for an unknown, used or expired link, or when a logged-in
    user accepts an invitation sent to another address.
    """
    token = find_usable_token(secret, TokenPurpose.INVITATION)
    if token is None:
        raise AccountError(
            _l("This invitation is invalid or has expired. Ask staff for a new one.")
        )
    user = find_user_by_email(token.email)
    if actor.is_authenticated and actor != user:
        raise AccountError(_l("This invitation was sent to another email address."))
    created = user is None
    if created:
        if not full_name or not password:
            raise AccountError(_l("Please give your name and a password."))
        user = create_user(token.email, full_name, password, [], locale=locale)
    added = [role for role in token.role_list if role not in user.roles]
    for role in added:
        user.grants.append(RoleGrant(role=role, granted_by_id=token.created_by_id))
    token.used_at = utcnow()
    _announce(
        Event.ROLES_CHANGED,
        user,
        user,
        {"added": added, "invited_by": token.created_by_id, "new_account": created},
    )
    db.session.flush()
    return user


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (or reactivate) an account, announced as ``user_deactivated`` (or
    ``user_reactivated``); asking for what already is changes nothing. Deactivation
    ends its sessions at once. Raises AccountError for one's own account."""
    if user.id == actor.id and not active:
        raise AccountError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_all_sessions()
    _announce(Event.USER_REACTIVATED if active else Event.USER_DEACTIVATED, user, actor)
    db.session.flush()
