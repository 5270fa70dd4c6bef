"""The selection proposal and the deliberation's overrides: pure functions, no Flask, no db.

Definitions (tested against hand-computed cases in tests/selection/test_proposal.py):

- **Rank** (1-based, never changed by balance rules or overrides): higher score first;
  equal scores (to 1e-9) are ordered by the call's tie-break rules in order, then by the
  smaller dossier id (:data:`SMALLER_ID`, recorded like a rule: no hidden arbitrary choice).
  Each adjacent pair of equal scores gives a :class:`TieBreakRecord`: the deciding rule and
  whether the pair straddles the selection or the reserve boundary of the pure ranking.
- **Pure decisions**: ranks 1..quota ``selected``, the next ``reserve_size`` ``reserve``,
  the rest ``not_selected``; kept beside the final decisions in every :class:`Entry`.
- **Balance rules** constrain the *selected group only*. ``at_most`` first: walking the
  ranking, a candidate whose selection would exceed a cap is ``skipped`` for the next
  eligible rank (places may stay empty: never more than ``quota``). Then each ``at_least``
  rule in order: while too few are selected, the best-ranked unselected candidate with the
  value is ``promoted`` to a free place or in place of the lowest-ranked selected one that
  no ``at_least`` rule needs and whose swap keeps every cap (``displaced``). A candidate
  without the attribute is not concerned. Unmet rules are in :attr:`Proposal.unsatisfied`.
- **Reserve**: the ``reserve_size`` best-ranked candidates not selected, in rank order,
  skipped and displaced ones included. Whoever later promotes from the reserve decides
  whether the balance rules still apply.
- **Overrides** (:func:`apply_overrides`): moves with a written justification; the quota is
  never exceeded; a dossier moved to ``reserve`` keeps a place there, the others go by rank.

Over 400 lines on purpose: the definitions above and the functions that implement them
(ranking, balance rules, overrides, places) are one piece of arithmetic, read and tested
together; none of it is used elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from workflows.selection import DECISIONS, Decision, MoveReason

TIE_BREAK_KINDS = ("criterion_mean", "lower_std", "earlier_submission", "smaller_id")
BALANCE_KINDS = ("at_most", "at_least")
_PLACES = 9
MOVE_REASONS = tuple(MoveReason)


@dataclass(frozen=True, eq=False)
class Candidate:
    """A ranked dossier: its score in the call's ranking method (raw mean or normalised)."""

    dossier_id: int
    score: float
    std: float = 0.0
    criterion_means: dict[int, float] = field(default_factory=dict)
    submitted_at: datetime | None = None
    #: Values the balance rules look at, e.g. {"sector": "A", "gender": "F"}.
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TieBreak:
    """A tie-break rule: higher mean on ``criterion_id``, lower std or earlier submission."""

    kind: str
    criterion_id: int | None = None

    def __post_init__(self):
        if self.kind not in TIE_BREAK_KINDS:
            raise ValueError(f"Unknown tie-break kind {self.kind!r}.")
        if (self.kind == "criterion_mean") != (self.criterion_id is not None):
            raise ValueError("Only a criterion_mean tie-break names a criterion_id, and it must.")

    def key(self, candidate: Candidate):
        """Sort key, smaller first; a missing criterion mean or date comes last."""
        if self.kind == "criterion_mean":
            mean = candidate.criterion_means.get(self.criterion_id)
            return (mean is None, 0.0 if mean is None else -round(mean, _PLACES))
        if self.kind == "lower_std":
            return round(candidate.std, _PLACES)
        if self.kind == "earlier_submission":
            moment = candidate.submitted_at
            return (moment is None, moment.timestamp() if moment else 0.0)
        return candidate.dossier_id


#: The last resort, applied after the call's own tie-breaks.
SMALLER_ID = TieBreak("smaller_id")


@dataclass(frozen=True)
class BalanceRule:
    """``at_most``/``at_least`` ``count`` selected with ``attribute == value``.

    ``value=None`` (``at_most`` only) applies the cap to each distinct value separately.
    """

    attribute: str
    value: str | None
    kind: str
    count: int

    def __post_init__(self):
        if self.kind not in BALANCE_KINDS or self.count < 0:
            raise ValueError(f"Invalid balance rule {self.kind!r} with count {self.count}.")
        if self.kind == "at_least" and self.value is None:
            raise ValueError("An at_least balance rule needs a value.")

    def group(self, candidate: Candidate) -> str | None:
        """The value ``candidate`` counts under for this rule, None if not concerned."""
        actual = candidate.attributes.get(self.attribute)
        if actual is None or (self.value is not None and actual != self.value):
            return None
        return actual


@dataclass(frozen=True)
class TieBreakRecord:
    """Equal scores at ranks ``rank`` and ``rank + 1``: ``rule`` put ``above`` first."""

    above: int
    below: int
    rank: int
    rule: TieBreak
    #: "selection" or "reserve" when the pair straddles that boundary of the pure ranking.
    boundary: str | None


@dataclass(frozen=True)
class Adjustment:
    """A balance-rule move: ``skipped``, ``promoted`` or ``displaced``.

    ``other_id``: for ``promoted`` the displaced dossier (None for a free place), for
    ``displaced`` the promoted one, for ``skipped`` None.
    """

    action: str
    dossier_id: int
    rule: BalanceRule
    other_id: int | None = None


@dataclass(frozen=True)
class UnsatisfiedRule:
    """A rule the selected group breaks: ``actual`` against ``required`` for ``value``.

    ``reason``: ``not_enough_candidates``, ``quota_too_small``, ``blocked_by_other_rules``
    (caps or other floors prevented it) or ``overridden`` (broken by the deliberation).
    """

    rule: BalanceRule
    value: str
    required: int
    actual: int
    reason: str

    @property
    def message(self) -> str:
        bound = "at most" if self.rule.kind == "at_most" else "at least"
        return (
            f"{bound} {self.required} selected with {self.rule.attribute}={self.value}: "
            f"{self.actual} ({self.reason.replace('_', ' ')})"
        )


@dataclass(frozen=True)
class Override:
    """The chair's move of a dossier to ``decision``, with the mandatory justification
    and its category (a ``MoveReason``: what the applicant is told; "" when unknown)."""

    dossier_id: int
    decision: str
    justification: str
    reason: str = ""


@dataclass(frozen=True)
class Entry:
    """One dossier in the proposal; ``rank`` is its pure ranking position."""

    dossier_id: int
    rank: int
    decision: str
    reserve_position: int | None
    #: The rule that decided its place against a tied neighbour (the one above first).
    tie_break: TieBreak | None
    pure_decision: str
    pure_reserve_position: int | None
    override: Override | None = None


@dataclass(frozen=True)
class Proposal:
    """The proposal: ``entries`` selected, then reserve, then not selected, in rank order."""

    quota: int
    reserve_size: int
    entries: tuple[Entry, ...]
    tie_breaks: tuple[TieBreakRecord, ...]
    adjustments: tuple[Adjustment, ...]
    unsatisfied: tuple[UnsatisfiedRule, ...]
    #: The candidates in rank order and the rules, kept to re-check them after overrides.
    candidates: tuple[Candidate, ...]
    balance_rules: tuple[BalanceRule, ...]
    overrides: tuple[Override, ...] = ()

    @cached_property
    def _by_id(self) -> dict[int, Entry]:
        return {entry.dossier_id: entry for entry in self.entries}

    def entry(self, dossier_id: int) -> Entry:
        return self._by_id[dossier_id]

    def ids(self, decision: str, *, pure: bool = False) -> list[int]:
        """Dossier ids with ``decision`` (final, or of the pure ranking), in rank order."""
        attribute = "pure_decision" if pure else "decision"
        ranked = sorted(self.entries, key=lambda entry: entry.rank)
        return [entry.dossier_id for entry in ranked if getattr(entry, attribute) == decision]

    @property
    def counts(self) -> dict[str, int]:
        """E.g. {"selected": 30, "reserve": 10, "not_selected": 172}."""
        return {decision: len(self.ids(decision)) for decision in DECISIONS}

    @property
    def changed(self) -> list[Entry]:
        """The entries whose decision differs from the pure ranking's."""
        return [entry for entry in self.entries if entry.decision != entry.pure_decision]


def propose(
    candidates: Iterable[Candidate],
    *,
    quota: int,
    reserve_size: int,
    tie_breaks: Sequence[TieBreak],
    balance_rules: Sequence[BalanceRule] = (),
) -> Proposal:
    """Rank ``candidates`` and propose the selection, reserve and balance adjustments.

    See the module docstring for every rule. Raises ValueError for a negative quota or
    reserve size, or a dossier id given twice.
    """
    candidates = list(candidates)
    if quota < 0 or reserve_size < 0:
        raise ValueError("The quota and the reserve size must be >= 0.")
    if len({c.dossier_id for c in candidates}) != len(candidates):
        raise ValueError("A dossier appears twice among the candidates.")
    rules = (*tie_breaks, SMALLER_ID)
    ordered = tuple(
        sorted(candidates, key=lambda c: (-round(c.score, _PLACES), *(r.key(c) for r in rules)))
    )
    records = _tie_break_records(ordered, rules, quota, reserve_size)
    deciding: dict[int, TieBreak] = {}
    for record in records:
        deciding.setdefault(record.below, record.rule)
        deciding.setdefault(record.above, record.rule)
    selected, adjustments, unsatisfied = _balanced_selection(ordered, quota, tuple(balance_rules))
    pure = _places(ordered, {c.dossier_id for c in ordered[:quota]}, reserve_size)
    final = _places(ordered, selected, reserve_size)
    entries = []
    for rank, candidate in enumerate(ordered, start=1):
        key = candidate.dossier_id
        entries.append(Entry(key, rank, *final[key], deciding.get(key), *pure[key]))
    return Proposal(
        quota=quota,
        reserve_size=reserve_size,
        entries=_in_order(entries),
        tie_breaks=tuple(records),
        adjustments=tuple(adjustments),
        unsatisfied=tuple(unsatisfied),
        candidates=ordered,
        balance_rules=tuple(balance_rules),
    )


def apply_overrides(proposal: Proposal, overrides: Iterable[Override]) -> Proposal:
    """The proposal after the chair's ``overrides``, all applied together.

    Each override needs a non-blank justification; moving a dossier in when the selection
    is full needs another moved out in the same overrides. The reserve is recomputed by
    rank (dossiers moved to ``reserve`` keep a place), pure decisions are kept, and
    ``unsatisfied`` lists the rules the final selection breaks. Earlier overrides of
    ``proposal`` stay in force. Raises ValueError with an English message on any error.
    """
    overrides = tuple(overrides)
    known = {entry.dossier_id for entry in proposal.entries}
    for override in overrides:
        if override.dossier_id not in known:
            raise ValueError(f"Dossier {override.dossier_id} is not in the proposal.")
        if override.decision not in DECISIONS:
            raise ValueError(f"Unknown decision {override.decision!r}.")
        if not (override.justification or "").strip():
            raise ValueError(f"Moving dossier {override.dossier_id} needs a justification.")
        if override.reason and override.reason not in MOVE_REASONS:
            raise ValueError(f"Unknown reason {override.reason!r}.")
    if len({o.dossier_id for o in overrides}) != len(overrides):
        raise ValueError("A dossier is moved twice in the same overrides.")
    latest = {o.dossier_id: o for o in (*proposal.overrides, *overrides)}
    selected = set(proposal.ids(Decision.SELECTED))
    for override in overrides:
        (selected.add if override.decision == Decision.SELECTED else selected.discard)(
            override.dossier_id
        )
    if len(selected) > proposal.quota:
        raise ValueError(
            f"These moves would select {len(selected)} dossiers for a quota of "
            f"{proposal.quota}: move as many dossiers out of the selection in the same step."
        )
    kept = {i for i, o in latest.items() if o.decision == Decision.RESERVE}
    if len(kept) > proposal.reserve_size:
        raise ValueError(f"The reserve holds {proposal.reserve_size} dossiers at most.")
    excluded = {i for i, o in latest.items() if o.decision == Decision.NOT_SELECTED}
    final = _places(proposal.candidates, selected, proposal.reserve_size, kept, excluded)
    entries = []
    for entry in proposal.entries:
        decision, position = final[entry.dossier_id]
        override = latest.get(entry.dossier_id)
        entries.append(
            replace(entry, decision=decision, reserve_position=position, override=override)
        )
    chosen = [c for c in proposal.candidates if c.dossier_id in selected]
    # a rule the proposal could not meet keeps its reason; one broken by the moves is "overridden"
    reasons = {(u.rule, u.value): u.reason for u in proposal.unsatisfied}
    unsatisfied = [
        replace(u, reason=reasons.get((u.rule, u.value), u.reason))
        for u in _broken(proposal.balance_rules, chosen, "overridden")
    ]
    return replace(
        proposal,
        entries=_in_order(entries),
        unsatisfied=tuple(unsatisfied),
        overrides=(*proposal.overrides, *overrides),
    )


def _tie_break_records(ordered, rules, quota, reserve_size) -> list[TieBreakRecord]:
    records = []
    for rank, (above, below) in enumerate(zip(ordered, ordered[1:], strict=False), start=1):
        if round(above.score, _PLACES) != round(below.score, _PLACES):
            continue
        rule = next(r for r in rules if r.key(above) != r.key(below))
        boundary = {quota: "selection", quota + reserve_size: "reserve"}.get(rank)
        records.append(TieBreakRecord(above.dossier_id, below.dossier_id, rank, rule, boundary))
    return records


def _balanced_selection(ordered, quota, rules):
    """The selected ids under the balance rules, the adjustments and the unmet rules."""
    caps = [rule for rule in rules if rule.kind == "at_most"]
    floors = [rule for rule in rules if rule.kind == "at_least"]
    chosen: list[Candidate] = []
    adjustments: list[Adjustment] = []
    for candidate in ordered:
        if len(chosen) >= quota:
            break
        broken = _broken(caps, [*chosen, candidate], "")
        if broken:
            adjustments.append(Adjustment("skipped", candidate.dossier_id, broken[0].rule))
        else:
            chosen.append(candidate)
    rank = {c.dossier_id: position for position, c in enumerate(ordered)}
    for rule in floors:
        for candidate in ordered:
            if _count(rule, rule.value, chosen) >= rule.count:
                break
            if candidate in chosen or rule.group(candidate) is None:
                continue
            outgoing = _place_for(candidate, chosen, quota, caps, floors)
            if outgoing is False:
                continue
            chosen.append(candidate)
            other = None if outgoing is None else outgoing.dossier_id
            adjustments.append(Adjustment("promoted", candidate.dossier_id, rule, other))
            if outgoing is not None:
                chosen.remove(outgoing)
                adjustments.append(Adjustment("displaced", other, rule, candidate.dossier_id))
            chosen.sort(key=lambda c: rank[c.dossier_id])
    unsatisfied = []
    for unmet in _broken(floors, chosen, "blocked_by_other_rules"):
        if _count(unmet.rule, unmet.value, ordered) < unmet.required:
            unmet = replace(unmet, reason="not_enough_candidates")
        elif quota < unmet.required:
            unmet = replace(unmet, reason="quota_too_small")
        unsatisfied.append(unmet)
    return {c.dossier_id for c in chosen}, adjustments, unsatisfied


def _place_for(candidate, chosen, quota, caps, floors):
    """None for a free place, the selected candidate to displace, or False if none fits."""
    options = [None] if len(chosen) < quota else []
    for member in reversed(chosen):
        needed = any(
            f.group(member) is not None and _count(f, f.value, chosen) <= f.count for f in floors
        )
        if not needed:
            options.append(member)
    for outgoing in options:
        group = [c for c in chosen if c is not outgoing] + [candidate]
        if not _broken(caps, group, ""):
            return outgoing
    return False


def _count(rule, value, group) -> int:
    return sum(1 for c in group if rule.group(c) == value)


def _broken(rules, group, reason) -> list[UnsatisfiedRule]:
    """The rules ``group`` breaks, one record per rule and value."""
    broken = []
    for rule in rules:
        if rule.kind == "at_least":
            actual = _count(rule, rule.value, group)
            if actual < rule.count:
                broken.append(UnsatisfiedRule(rule, rule.value, rule.count, actual, reason))
            continue
        values = sorted({rule.group(c) for c in group} - {None})
        for value in values:
            actual = _count(rule, value, group)
            if actual > rule.count:
                broken.append(UnsatisfiedRule(rule, value, rule.count, actual, reason))
    return broken


def _places(ordered, selected, reserve_size, kept=frozenset(), excluded=frozenset()):
    """dossier id -> (decision, reserve position) for a selected set; see the module doc."""
    places, free, position = {}, reserve_size - len(kept), 0
    for candidate in ordered:
        dossier_id = candidate.dossier_id
        if dossier_id in selected:
            places[dossier_id] = (Decision.SELECTED, None)
        elif dossier_id not in excluded and (dossier_id in kept or free > 0):
            if dossier_id not in kept:
                free -= 1
            position += 1
            places[dossier_id] = (Decision.RESERVE, position)
        else:
            places[dossier_id] = (Decision.NOT_SELECTED, None)
    return places


def _in_order(entries) -> tuple[Entry, ...]:
    """Selected, then reserve, then not selected; rank order within each."""
    return tuple(sorted(entries, key=lambda e: (DECISIONS.index(e.decision), e.rank)))
