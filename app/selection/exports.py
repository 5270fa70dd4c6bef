"""Exports of the selection (``flask --app wsgi export ranking --call REF``)."""

from sqlalchemy import select

from app.applications.models import Application
from app.calls.models import Call
from app.extensions import db
from app.selection.models import SelectionDecision, SelectionRound


def ranking(call: Call):
    """The stored round's ranking: rank, reference, score, decision.

    ``decision`` is the round's decision while it is a draft; once published, the
    dossier's current state (so a promotion from the reserve shows as ``selected``, a
    declined place as ``declined``). Empty before any proposal was stored.
    """
    header = ["rank", "reference", "score", "decision"]
    rows = db.session.execute(
        select(
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
    )
    return header, (
        [rank, reference or "", f"{score:.3f}", status if published == "published" else decision]
        for rank, reference, score, decision, status, published in rows
    )


EXPORTS = {"ranking": ranking}
