"""Exports of the selection: ``ranking.csv`` on the selection pages, and
``flask --app wsgi export ranking --call REF``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from app.selection.models import SelectionDecision, SelectionRound
from app.selection.page import BATCH, hidden_from
from workflows.selection import RoundStatus

HEADER = ["rank", "reference", "score", "decision"]


def ranking(call: Call, viewer: User | None = None):
    """The stored round's ranking as ``viewer`` may read it (None: the command line,
    which reads everything): rank, reference, score, decision.

    ``decision`` is the round's decision while it is a draft; once published, the
    dossier's current state (so a promotion from the reserve shows as ``selected``, a
    declined place as ``declined``). A dossier the viewer declared a conflict with keeps
    its line, anonymous: its rank and the round's decision only. Empty before any
    proposal was stored. The lines are read from the database as they are written (one
    query, :data:`app.selection.page.BATCH` rows at a time).
    """
    query = (
        select(
            hidden_from(viewer),
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
        .execution_options(yield_per=BATCH)
    )
    return HEADER, _lines(query)


def _lines(query):
    anonymous = None
    for hidden, rank, reference, score, decision, status, published in db.session.execute(query):
        if hidden:
            anonymous = anonymous or _("A dossier you declared a conflict with")
            yield [rank, anonymous, "", decision]
        else:
            decided = status if published == RoundStatus.PUBLISHED else decision
            yield [rank, reference or "", f"{score:.3f}", decided]


EXPORTS = {"ranking": ranking}
