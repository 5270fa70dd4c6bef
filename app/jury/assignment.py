"""The automatic assignment of jurors to dossiers: a pure algorithm (no Flask, no database).

Input: the dossiers to read, the available jurors, the conflicts, the assignments that
exist already, ``k`` (jurors per dossier) and an optional language preference.
Output: a :class:`Plan`, either the new assignments to write or the problems that
prevent them. The rules:

- **Exactly k.** An existing assignment *counts* towards a dossier's k when its juror
  is available (an active member of the jury) and not in conflict with the dossier.
  Each dossier receives ``k - counted`` new jurors (never fewer, never more).
- **No conflict.** A new juror is never in conflict with the dossier, nor already
  assigned to it (whatever the state of that assignment).
- **Never moves.** Existing assignments are never moved. Those that no longer count
  and whose review has not started (``locked`` false) are *released* (deleted by the
  caller); those whose review started or was submitted stay on record.
- **All or nothing.** When one dossier cannot get its jurors (fewer candidates than
  needed), the plan lists every such dossier with the reason and holds no change.
- **Balance.** Loads count every counted assignment, existing ones included. The
  dossiers are served most-constrained first, each by its least-loaded candidates
  (then a juror who reads one of the dossier's languages, then a stable key that
  mixes the panels). Then improving paths move new assignments from a juror of load
  ``l`` to a juror of load ``l - 2`` or less, until there is none: the loads are then
  as balanced as the conflicts and the existing assignments allow. When that is
  still more than one apart, :attr:`Plan.balanced` is false and the plan says so
  (a warning, not a refusal: exactly k and no conflict come first).
- **Deterministic.** The same input gives the same plan (every tie is broken by ids).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dossier:
    id: int
    #: Languages of the dossier (codes); empty when unknown.
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Juror:
    id: int
    #: Languages the juror reads (codes).
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Existing:
    dossier_id: int
    juror_id: int
    #: The review was started or submitted: this assignment never moves.
    locked: bool = False


@dataclass(frozen=True)
class Problem:
    """A dossier that cannot get its jurors: ``needed`` more, ``candidates`` possible."""

    dossier_id: int
    needed: int
    candidates: int
    conflicted: int
    already_assigned: int


@dataclass
class Plan:
    #: (dossier id, juror id) to insert.
    new: list[tuple[int, int]] = field(default_factory=list)
    #: (dossier id, juror id) of existing, unstarted assignments that no longer count.
    released: list[tuple[int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Counted assignments per juror once the plan is written.
    loads: dict[int, int] = field(default_factory=dict)
    #: Loads within one of each other.
    balanced: bool = True
    #: Dossiers that have their k counted jurors once the plan is written.
    complete: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _mix(dossier_id: int, juror_id: int) -> int:
    """A stable pseudo-random tie-break, so that panels differ from dossier to dossier."""
    value = (dossier_id * 0x9E3779B1 + juror_id * 0x85EBCA77) & 0xFFFFFFFF
    value ^= value >> 15
    return (value * 0xC2B2AE3D) & 0xFFFFFFFF


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def plan_assignment(
    dossiers: Iterable[Dossier],
    jurors: Iterable[Juror],
    conflicts: Iterable[tuple[int, int]],
    existing: Iterable[Existing],
    k: int,
    *,
    prefer_language: bool = True,
) -> Plan:
    """Plan the assignments that give every dossier exactly ``k`` counted jurors.

    ``conflicts`` holds (dossier id, juror id) pairs. See the module docstring for
    the rules. Never raises for impossible constraints: they are the plan's problems.
    """
    dossiers = sorted(set(dossiers), key=lambda d: d.id)
    jurors = sorted(set(jurors), key=lambda j: j.id)
    index = {juror.id: position for position, juror in enumerate(jurors)}
    everyone = (1 << len(jurors)) - 1
    wanted = {dossier.id for dossier in dossiers}
    conflict_mask: dict[int, int] = defaultdict(int)
    conflict_pairs = set()
    for dossier_id, juror_id in conflicts:
        conflict_pairs.add((dossier_id, juror_id))
        if juror_id in index:
            conflict_mask[dossier_id] |= 1 << index[juror_id]

    plan = Plan()
    holders: dict[int, int] = defaultdict(int)  # every assigned juror, counted or not
    counted: dict[int, int] = defaultdict(int)
    loads = [0] * len(jurors)
    for item in sorted(set(existing), key=lambda e: (e.dossier_id, e.juror_id)):
        position = index.get(item.juror_id)
        counts = position is not None and (item.dossier_id, item.juror_id) not in conflict_pairs
        if counts:
            holders[item.dossier_id] |= 1 << position
            if item.dossier_id in wanted:
                counted[item.dossier_id] += 1
            loads[position] += 1
        elif item.locked:
            if position is not None:
                holders[item.dossier_id] |= 1 << position
        else:
            plan.released.append((item.dossier_id, item.juror_id))

    needs, candidates = {}, {}
    for dossier in dossiers:
        needs[dossier.id] = max(k - counted[dossier.id], 0)
        candidates[dossier.id] = everyone & ~conflict_mask[dossier.id] & ~holders[dossier.id]
        if needs[dossier.id] > candidates[dossier.id].bit_count():
            plan.problems.append(
                Problem(
                    dossier.id,
                    needs[dossier.id],
                    candidates[dossier.id].bit_count(),
                    conflict_mask[dossier.id].bit_count(),
                    holders[dossier.id].bit_count(),
                )
            )
    if plan.problems:
        plan.released = []
        plan.loads = {juror.id: loads[index[juror.id]] for juror in jurors}
        return plan

    new_of: list[list[int]] = [[] for _ in jurors]
    order = sorted(
        (dossier for dossier in dossiers if needs[dossier.id]),
        key=lambda d: (candidates[d.id].bit_count() - needs[d.id], d.id),
    )
    for dossier in order:
        reads = dossier.languages if prefer_language else frozenset()
        chosen = sorted(
            _bits(candidates[dossier.id]),
            key=lambda p: (
                loads[p],
                0 if reads & jurors[p].languages else 1,
                _mix(dossier.id, jurors[p].id),
            ),
        )[: needs[dossier.id]]
        for position in chosen:
            loads[position] += 1
            holders[dossier.id] |= 1 << position
            new_of[position].append(dossier.id)

    _rebalance(loads, new_of, holders, conflict_mask, everyone)
    plan.new = sorted(
        (dossier_id, jurors[position].id)
        for position, owned in enumerate(new_of)
        for dossier_id in owned
    )
    plan.loads = {juror.id: loads[index[juror.id]] for juror in jurors}
    plan.balanced = not loads or max(loads) - min(loads) <= 1
    plan.complete = [dossier.id for dossier in dossiers]
    return plan


def _rebalance(loads, new_of, holders, conflict_mask, everyone) -> None:
    """Move new assignments along improving paths until no juror of load ``l`` can hand
    one, directly or through others, to a juror of load ``l - 2`` or less."""
    while True:
        path = _improving_path(loads, new_of, holders, conflict_mask, everyone)
        if path is None:
            return
        for giver, taker, dossier_id in path:
            new_of[giver].remove(dossier_id)
            new_of[taker].append(dossier_id)
            holders[dossier_id] = (holders[dossier_id] & ~(1 << giver)) | (1 << taker)
        loads[path[0][0]] -= 1
        loads[path[-1][1]] += 1


def _improving_path(loads, new_of, holders, conflict_mask, everyone):
    """Breadth-first from the most loaded jurors; a list of (giver, taker, dossier) or None."""
    for level in sorted(set(loads), reverse=True):
        if level - min(loads) < 2:
            return None
        sources = [p for p, load in enumerate(loads) if load == level]
        parent: dict[int, tuple[int, int] | None] = dict.fromkeys(sources)
        visited = sum(1 << p for p in sources)
        queue = deque(sources)
        while queue:
            giver = queue.popleft()
            for dossier_id in sorted(new_of[giver]):
                takers = everyone & ~conflict_mask[dossier_id] & ~holders[dossier_id] & ~visited
                for taker in _bits(takers):
                    visited |= 1 << taker
                    parent[taker] = (giver, dossier_id)
                    if loads[taker] <= level - 2:
                        return _walk_back(parent, taker)
                    queue.append(taker)
    return None


def _walk_back(parent, taker) -> list[tuple[int, int, int]]:
    steps = []
    while parent[taker] is not None:
        giver, dossier_id = parent[taker]
        steps.append((giver, taker, dossier_id))
        taker = giver
    return steps[::-1]
