"""Where each area says what personal data it holds, and how to erase it.

An area adds ``app/<area>/personal_data.py`` with either or both of:

``PROVIDERS = {name: provide(user) -> PersonalData | None}``
    What the area holds about ``user``: JSON-ready data (dates become ISO strings)
    and files to put in the download (``(name in the archive, path on disk)``).
    Each part lands under its ``name`` in ``data.json`` and its files under
    ``files/<name>/`` of the ZIP the person downloads.

``ERASERS = {name: erase(user, actor) -> dict[str, int]}``
    Erase or anonymise what the area holds about ``user`` (flush, do not commit;
    files go with :func:`app.documents.storage.remove_after_commit`), keeping what
    statistics and the records of decisions need. Returns counts for the report.
    Erasers run before the account itself is anonymised, so ``user.email`` and
    ``user.full_name`` are still the real ones.

Letters and coaching plug in this way; this package's own ``personal_data.py``
covers the account, applications, documents, sessions, emails and decisions.

What a person downloads never names another person of the programme (a juror, a
coach, a member of staff) nor gives their address: whoever did something is told by
role with :func:`told_by_role`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import app as package
from app.audit.wording import actor_role


@dataclass
class PersonalData:
    data: Any
    files: list[tuple[str, Path]] = field(default_factory=list)


def listed(entries: Iterable[dict]) -> PersonalData | None:
    """A part made of ``entries`` (one per record), or None when there is none: a part
    with nothing in it is left out of the download."""
    entries = list(entries)
    return PersonalData(entries) if entries else None


Provider = Callable[..., PersonalData | None]
Eraser = Callable[..., dict]


def told_by_role(person, reader) -> str:
    """Who ``person`` (a user, or None for the system) is, as ``reader`` is told in their
    own data: "you", "programme staff", "a member of the jury"... never a name (the
    wording of :func:`app.audit.wording.actor_role`)."""
    did = SimpleNamespace(actor_id=person.id if person is not None else None, actor=person)
    return actor_role(did, reader)


@cache
def _modules() -> tuple:
    """Every area's ``personal_data`` module. Found by name at the first use, not
    imported here: this is how an area plugs in without the registry knowing it."""
    found = []
    for area in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not area.ispkg:
            continue
        name = f"app.{area.name}.personal_data"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return tuple(found)


def providers() -> dict[str, Provider]:
    """Every area's providers, by part name."""
    found: dict[str, Provider] = {}
    for module in _modules():
        for name, provide in getattr(module, "PROVIDERS", {}).items():
            assert name not in found, f"personal data part {name!r} declared twice"
            found[name] = provide
    return found


def erasers() -> dict[str, Eraser]:
    """Every area's erasers, by name."""
    found: dict[str, Eraser] = {}
    for module in _modules():
        found.update(getattr(module, "ERASERS", {}))
    return found
