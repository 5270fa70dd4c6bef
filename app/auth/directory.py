"""The staff's list of people: accounts by role and search, and pending invitations."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from app.auth.models import AccountToken, Role, RoleGrant, TokenPurpose, User
from app.common.clock import utcnow
from app.extensions import db

#: The role filter's default: everyone who works on the programme (not applicants).
TEAM = "team"


def accounts(role: str, search: str) -> Select:
    """Accounts holding ``role`` (``team``: any role but applicant; anything else: all),
    whose name or e-mail contains ``search``, by e-mail."""
    query = select(User)
    if role == TEAM:
        query = query.where(User.grants.any(RoleGrant.role != Role.APPLICANT))
    elif role in set(Role):
        query = query.where(User.grants.any(RoleGrant.role == role))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.full_name).like(pattern))
        )
    return query.order_by(User.email)


def pending_invitations() -> list[AccountToken]:
    """Invitations neither used nor expired, newest first."""
    return db.session.scalars(
        select(AccountToken)
        .where(
            AccountToken.purpose == TokenPurpose.INVITATION,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .order_by(AccountToken.created_at.desc())
    ).all()
