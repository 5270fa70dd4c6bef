"""Every write about accounts: registration, passwords, invitations, activation.

Registrations, invitations, roles granted and (de)activations are announced (one audit
row each, with no call). Logging in and out, passwords and the language of the pages
are the person's own business: no audit row. Services flush; the caller (a view or a
CLI command) commits once.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import AccountToken, Role, RoleGrant, TokenPurpose, User, normalise_email
from app.auth.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.auth.tokens import AccountError, consume_token, issue_token, token_digest
from app.common.clock import utcnow
from app.common.urls import external_url
from app.events import Event, announce
from app.extensions import db
from app.outbox.services import queue_email


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


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


def request_registration(email: str, full_name: str, password: str, *, locale: str) -> None:
    """Self-registration of an applicant, first step: mail a link that confirms the
    address (the account is created when it is used, by :func:`confirm_registration`).

    Answers the same whether or not the address has an account, in what it returns and
    in the work it does: when it has one, its owner is mailed a notice with a login and
    a reset link instead (nobody learns which addresses have accounts).
    """
    password_hash = hash_password(password)  # hashed either way: the same time
    existing = find_user_by_email(email)
    if existing is not None:
        queue_email(
            existing.email,
            _l("Someone tried to create an Impulse account with your address"),
            "account_exists",
            locale=existing.locale,
            user=existing,
            login_url=external_url("auth.login"),
            reset_url=external_url("auth.forgot_password"),
        )
        return
    hours = current_app.config["REGISTRATION_HOURS"]
    secret = issue_token(
        TokenPurpose.REGISTRATION,
        email,
        timedelta(hours=hours),
        full_name=full_name.strip(),
        password_hash=password_hash,
        locale=locale,
    )
    queue_email(
        normalise_email(email),
        _l("Confirm your address to create your Impulse account"),
        "confirm_registration",
        locale=locale,
        full_name=full_name.strip(),
        hours=hours,
        confirm_url=external_url("auth.confirm_registration", token=secret),
    )


def confirm_registration(secret: str) -> User:
    """Use a registration link: create the applicant account it was sent for, announced
    as ``user_registered`` (by the new account). Side effect: a welcome email.

    Raises AccountError for an unknown, used or expired link, or when the address got
    an account meanwhile (another link, an invitation).
    """
    token = consume_token(
        secret,
        TokenPurpose.REGISTRATION,
        _l("This link is invalid or has expired. Create your account again."),
    )
    if find_user_by_email(token.email) is not None:
        raise AccountError(_l("This address already has an account: log in."))
    return register_applicant(
        token.email, token.full_name, None, locale=token.locale, password_hash=token.password_hash
    )


def register_applicant(
    email: str,
    full_name: str,
    password: str | None,
    *,
    locale: str,
    password_hash: str | None = None,
) -> User:
    """Create an applicant account, announced as ``user_registered`` (by the new
    account). Side effect: a welcome email is queued. Raises AccountError when the
    address is taken."""
    user = create_user(
        email, full_name, password, [Role.APPLICANT], locale=locale, password_hash=password_hash
    )
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


def warn_of_failed_logins(email: str) -> None:
    """Tell the owner of the account at ``email`` (if any, and active) that logins are
    refused for a while after too many wrong passwords, with a reset link."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    queue_email(
        user.email,
        _l("Too many failed logins on your Impulse account"),
        "login_locked",
        locale=user.locale,
        user=user,
        reset_url=external_url("auth.forgot_password"),
    )


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


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link if an active account has this address.

    Says nothing about whether the account exists (the caller shows the same page).
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    secret = issue_token(TokenPurpose.RESET, user.email, timedelta(hours=hours), user_id=user.id)
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

    Raises AccountError for an unknown, used or expired link; of two requests using one
    link at once, only one sets the password (:func:`consume_token`).
    """
    refusal = _l("This link is invalid or has expired. Ask for a new one.")
    token = consume_token(secret, TokenPurpose.RESET, refusal)
    if token.user is None:
        raise AccountError(refusal)
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
    secret = issue_token(
        TokenPurpose.INVITATION,
        email,
        timedelta(days=days),
        roles=",".join(str(Role(role)) for role in roles),
        created_by_id=actor.id,
        user_id=existing and existing.id,
    )
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == token_digest(secret))
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
    token = consume_token(
        secret,
        TokenPurpose.INVITATION,
        _l("This invitation is invalid or has expired. Ask staff for a new one."),
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
