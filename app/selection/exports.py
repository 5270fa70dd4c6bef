"""Exports of the selection: ``ranking.csv`` on the selection pages, and
``flask --app wsgi export ranking --call REF``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.access.policy import conflicted_among
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.selection.models import SelectionDecision, SelectionRound
from workflows.selection import RoundStatus

HEADER = ["rank", "reference", "score", "decision"]


def ranking(call: Call, viewer: User | None = None):
    """The stored round's ranking as ``viewer`` may read it (None: the command line,
    which reads everything): rank, reference, score, decision.

    ``decision`` is the round's decision while it is a draft; once published, the
    dossier's current state (so a promotion from the reserve shows as ``selected``, a
    declined place as ``declined``). A dossier the viewer declared a conflict with keeps
    its line, anonymous: its rank and the round's decision only. Empty before any
    proposal was stored.
    """
    rows = db.session.execute(
        select(
            SelectionDecision.application_id,
            SelectionDecision.rank,
            Application.reference,
            SelectionDecision.score,
            SelectionDecision.decision,
            Application.status,
            SelectionRound.status,
        )
        .join(SelectionRound, SelectionRound.id == SelectionDecision.round_id)
        .join(Application, Application.id == SelectionDecision.application_id)
        .where(SelectionRound.call_id == call.id)
        .order_by(SelectionDecision.rank)
    ).all()
    hidden = conflicted_among(viewer, [row[0] for row in rows]) if viewer is not None else set()
    anonymous = _("A dossier you declared a conflict with") if hidden else ""
    return HEADER, (
        [rank, anonymous, "", decision]
        if key in hidden
        else [
            rank,
            reference or "",
            f"{score:.3f}",
            status if published == RoundStatus.PUBLISHED else decision,
        ]
        for key, rank, reference, score, decision, status, published in rows
    )


EXPORTS = {"ranking": ranking}
