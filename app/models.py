"""Every model, imported once so that relationships between areas resolve (and the
listeners that keep figures of their rows, wherever rows change: app.dashboard.kept)."""

import app.dashboard.kept  # noqa: F401 - marks the dashboard's figures stale on any change
from app.application_forms.models import FormVersion
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import AccountToken, RoleGrant, User
from app.calls.models import Call, Criterion
from app.coaching.models import (
    ActionComment,
    ActionItem,
    CoachAssignment,
    CoachingClosure,
    CoachingSession,
    CoachingSettings,
    CoachProfile,
    MilestoneProgress,
)
from app.dashboard.models import DashboardFigures
from app.documents.models import Document
from app.info_sessions.models import InfoSession, SessionRegistration
from app.jury.models import (
    ConflictOfInterest,
    JuryAssignment,
)
from app.letters.models import Letter
from app.outbox.models import OutboxAttachment, OutboxMessage
from app.privacy.models import DocumentAccess, DocumentDisposal, ErasureRequest
from app.selection.models import SelectionDecision, SelectionRound

__all__ = [
    "DashboardFigures",
    "FormVersion",
    "ActionComment",
    "ActionItem",
    "CoachAssignment",
    "CoachingClosure",
    "CoachingSession",
    "CoachingSettings",
    "CoachProfile",
    "MilestoneProgress",
    "AccountToken",
    "SelectionDecision",
    "SelectionRound",
    "Application",
    "AuditEvent",
    "Call",
    "ConflictOfInterest",
    "Criterion",
    "Document",
    "DocumentAccess",
    "DocumentDisposal",
    "ErasureRequest",
    "InfoSession",
    "JuryAssignment",
    "Letter",
    "OutboxAttachment",
    "OutboxMessage",
    "RoleGrant",
    "SessionRegistration",
    "User",
]
