"""Where each dossier stands in a published selection: the one computation behind every
figure an applicant reads about their decision (their page, their letter, their e-mail).
Pure functions, no Flask, no db.

An applicant reads the **published decision**, never the raw ranking:

- **The final order**: the selected dossiers, then the reserve list in its order, then
  the others, each group in the order of the scores (rank). A dossier's ``position`` is
  its place in that order: a selected dossier is among the ``selected`` first ones, a
  reserve dossier comes right after them, at its place on the list.
- **The counts** are the decisions' own: ``selected`` and ``reserve`` as published, not
  the call's quota and reserve size (balance rules may leave places empty, the reserve
  may be shorter than the call allows).
- **The cut-off** is the lowest score among the selected dossiers.
- **The deliberation** (``why``): when the published decision departs from the order
  of the scores in a way the dossier's figures show, the reasons, each a category of the
  chair's move (``MoveReason``) or a balance rule of the call; never the chair's own
  words (they stay in the decision record), never a name.

  - ``moved``: the dossier's own outcome was changed by a move of its own (the chair's,
    or a balance rule's); the reason is that move's.
  - ``above_cutoff``: not selected with a score above the cut-off; the reasons are its
    own move's, if any, and those of the selected dossiers with a lower score.
  - ``others_moved``: its outcome changed only because other dossiers were moved; the
    reasons are those moves'.

tests/selection/test_standing.py checks with random rankings, balance rules and moves
that no figure contradicts the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.selection.proposal import BalanceRule, Proposal, TieBreak
from workflows.selection import DECISIONS, Decision, MoveReason

#: Scores equal to this many places are equal (as in the ranking).
_PLACES = 9
#: Why the deliberation is mentioned; "" when it is not.
WHY = ("moved", "above_cutoff", "others_moved")


# What a round stores ---------------------------------------------------------------


def tie_break_label(rule: TieBreak | None) -> str:
    """How a decision stores the tie-break that placed it: "criterion_mean:3", "lower_std"."""
    if rule is None:
        return ""
    return f"{rule.kind}:{rule.criterion_id}" if rule.criterion_id else rule.kind


def rule_dict(rule: BalanceRule) -> dict:
    return {
        "attribute": rule.attribute,
        "value": rule.value,
        "kind": rule.kind,
        "count": rule.count,
    }


def _moves(proposal: Proposal) -> dict[int, dict]:
    """The balance-rule move that placed each dossier, the first one if several."""
    moves = {}
    for adjustment in proposal.adjustments:
        moves.setdefault(
            adjustment.dossier_id,
            {
                "action": adjustment.action,
                "rule": rule_dict(adjustment.rule),
                "other_id": adjustment.other_id,
            },
        )
    return moves


def stored_decisions(proposal: Proposal) -> list[dict]:
    """The decisions of ``proposal`` as a round stores them (the columns of
    app.selection.models.SelectionDecision, ``application_id`` first), in its order."""
    scores = {candidate.dossier_id: candidate.score for candidate in proposal.candidates}
    moves = _moves(proposal)
    return [
        {
            "application_id": entry.dossier_id,
            "decision": str(entry.decision),
            "rank": entry.rank,
            "reserve_position": entry.reserve_position,
            "score": scores[entry.dossier_id],
            "override_justification": entry.override.justification if entry.override else "",
            "override_reason": entry.override.reason if entry.override else "",
            "pure_decision": str(entry.pure_decision),
            "tie_break": tie_break_label(entry.tie_break),
            "adjustment": moves.get(entry.dossier_id),
        }
        for entry in proposal.entries
    ]


# What it is read back as ------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why the deliberation departed from the scores: a category of the chair's move
    (a ``MoveReason``) or a balance rule of the call; exactly one of them."""

    category: str = ""
    rule: BalanceRule | None = None


@dataclass(frozen=True)
class Published:
    """One decision of a round, as far as the applicants' figures need it."""

    dossier_id: int
    decision: str
    #: Position in the order of the scores (1 = best).
    rank: int
    score: float
    pure_decision: str
    reserve_position: int | None = None
    #: The reason of the move that placed the dossier (the chair's, else a balance
    #: rule's); None when nothing moved it.
    reason: Reason | None = None


def published(stored) -> Published:
    """A stored decision (a SelectionDecision, or a mapping of its columns such as
    :func:`stored_decisions` gives) as the figures read it. A chair's move stored
    without its category reads as ``other``."""
    value = stored.get if isinstance(stored, Mapping) else lambda name: getattr(stored, name)
    reason = None
    if value("override_justification"):
        reason = Reason(category=value("override_reason") or MoveReason.OTHER)
    elif value("adjustment"):
        reason = Reason(rule=BalanceRule(**value("adjustment")["rule"]))
    return Published(
        dossier_id=value("application_id"),
        decision=value("decision"),
        rank=value("rank"),
        score=value("score"),
        pure_decision=value("pure_decision"),
        reserve_position=value("reserve_position"),
        reason=reason,
    )


@dataclass(frozen=True)
class Standing:
    """Everything an applicant is told about where their dossier stands."""

    decision: str
    #: Place in the final order (1 = first selected), out of ``ranked``.
    position: int
    ranked: int
    #: How many dossiers are selected and on the reserve list, as published.
    selected: int
    reserve: int
    #: Place on the reserve list (1 = first), for a reserve decision only.
    reserve_position: int | None
    score: float
    #: The lowest score selected; None when nobody is.
    cutoff: float | None
    #: "moved", "above_cutoff", "others_moved" (see the module), or "".
    why: str
    #: The reasons of the deliberation, when ``why`` is given; in the final order.
    reasons: tuple[Reason, ...]


def _final_key(row: Published):
    position = row.reserve_position if row.reserve_position is not None else float("inf")
    return (
        DECISIONS.index(row.decision),
        position if row.decision == Decision.RESERVE else 0,
        row.rank,
    )


def _unique(reasons: Iterable[Reason | None]) -> tuple[Reason, ...]:
    return tuple(dict.fromkeys(reason for reason in reasons if reason is not None))


@dataclass(frozen=True)
class RoundFigures:
    """What every standing of a round shares, each list in the final order: the selected
    and the reserve decisions, the decisions the deliberation changed, and how many
    dossiers were ranked. Bounded by the quota, the reserve and the moves, whatever the
    number of dossiers: one dossier's standing needs these, its own decision and
    :func:`position_of`."""

    selected: tuple[Published, ...]
    reserve: tuple[Published, ...]
    changed: tuple[Published, ...]
    ranked: int

    @classmethod
    def of(cls, rows: Iterable[Published], ranked: int) -> RoundFigures:
        """From ``rows``: at least every selected, reserve and changed decision."""
        order = sorted(rows, key=_final_key)
        return cls(
            selected=tuple(row for row in order if row.decision == Decision.SELECTED),
            reserve=tuple(row for row in order if row.decision == Decision.RESERVE),
            changed=tuple(row for row in order if row.decision != row.pure_decision),
            ranked=ranked,
        )

    @property
    def cutoff(self) -> float | None:
        return min((row.score for row in self.selected), default=None)


def position_of(row: Published, figures: RoundFigures, not_selected_before: int) -> int:
    """``row``'s place in the final order; ``not_selected_before``: how many decisions
    not selected have a better rank (read only for a dossier not selected)."""
    if row.decision == Decision.SELECTED:
        return figures.selected.index(row) + 1
    if row.decision == Decision.RESERVE:
        return len(figures.selected) + figures.reserve.index(row) + 1
    return len(figures.selected) + len(figures.reserve) + not_selected_before + 1


def standing_of(row: Published, position: int, figures: RoundFigures) -> Standing:
    """``row``'s :class:`Standing` at ``position`` in the round of ``figures``."""
    why, reasons = _deliberation(row, figures.cutoff, figures.selected, figures.changed)
    return Standing(
        decision=row.decision,
        position=position,
        ranked=figures.ranked,
        selected=len(figures.selected),
        reserve=len(figures.reserve),
        reserve_position=(
            figures.reserve.index(row) + 1 if row.decision == Decision.RESERVE else None
        ),
        score=row.score,
        cutoff=figures.cutoff,
        why=why,
        reasons=reasons,
    )


def standings(rows: Iterable[Published]) -> dict[int, Standing]:
    """Each dossier's :class:`Standing` in the round of ``rows`` (all of them)."""
    order = sorted(rows, key=_final_key)
    figures = RoundFigures.of(order, ranked=len(order))
    return {
        row.dossier_id: standing_of(row, position, figures)
        for position, row in enumerate(order, start=1)
    }


def _deliberation(row, cutoff, selected, changed) -> tuple[str, tuple[Reason, ...]]:
    """(why, reasons) for ``row``: see the module."""
    if row.decision != row.pure_decision and row.reason is not None:
        return "moved", (row.reason,)
    score = round(row.score, _PLACES)
    if row.decision != Decision.SELECTED and cutoff is not None and score > round(cutoff, _PLACES):
        lower = [other.reason for other in selected if round(other.score, _PLACES) < score]
        return "above_cutoff", _unique([row.reason, *lower])
    if row.decision != row.pure_decision:
        return "others_moved", _unique(other.reason for other in changed)
    return "", ()
