"""What the dashboard keeps in the database: its application figures per call
(app.dashboard.kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.common.types import UTCDateTime
from app.extensions import db


class DashboardFigures(db.Model):
    """A call's application figures as the dashboard counts them, for every dossier of
    the call (app.common.kept: ``version`` is bumped by every change of its dossiers;
    the figures are fresh while ``computed_version`` equals it)."""

    __tablename__ = "dashboard_figures"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    computed_version: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ``{"key": what was counted, "figures": ApplicationStats as JSON}``.
    figures: Mapped[dict | None] = mapped_column(JSON)
