"""Accounts, the roles they hold, and the single-use tokens mailed to them."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.clock import utcnow
from app.common.types import UTCDateTime
from app.extensions import db


class Role(StrEnum):
    APPLICANT = "applicant"
    STAFF = "staff"
    JUROR = "juror"
    CHAIR = "chair"
    COACH = "coach"


#: Roles that staff hand out by invitation (applicants register themselves).
INVITABLE_ROLES = (Role.STAFF, Role.JUROR, Role.CHAIR, Role.COACH)


def normalise_email(email: str) -> str:
    """An address as accounts store it (and as it is looked up)."""
    return email.strip().lower()


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Name shown to others and in letters.
    full_name: Mapped[str] = mapped_column(String(200))
    #: argon2id hash (see app.auth.passwords).
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A deactivated account cannot log in; its data stays.
    active: Mapped[bool] = mapped_column(default=True)
    #: Preferred language of pages, emails and letters.
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    #: Part of the login session id: changing it ends every open session of the user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleGrant.user_id",
    )

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    # Flask-Login: the session id carries the session token, so rotating it logs out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def end_all_sessions(self) -> None:
        """Invalidate every session cookie issued so far."""
        self.session_token = new_session_token()


class RoleGrant(db.Model):
    __tablename__ = "role_grants"

    #: Who holds the role.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: One of :class:`Role`.
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Staff member who granted it (None for self-registration and the demo).
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


class TokenPurpose(StrEnum):
    RESET = "password_reset"
    INVITATION = "invitation"
    #: A registration waiting for its address to be confirmed: no account exists until
    #: the link is used (so registering never tells whether an address has one).
    REGISTRATION = "registration"


class AccountToken(db.Model):
    """A single-use, expiring secret mailed to someone. Only its SHA-256 is stored."""

    __tablename__ = "account_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of :class:`TokenPurpose`.
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 (hex) of the secret that was mailed.
    token_hash: Mapped[str] = mapped_column(String(64))
    #: Address the link was sent to.
    email: Mapped[str] = mapped_column(String(254))
    #: Account concerned, when it exists already.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Invitations: roles granted on acceptance, comma-separated.
    roles: Mapped[str] = mapped_column(String(100), default="")
    #: Registrations: the name, password hash and language the account will have.
    full_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Staff member who sent an invitation.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the link is used; a used token never works again.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def role_list(self) -> list[str]:
        return [role for role in self.roles.split(",") if role]

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
