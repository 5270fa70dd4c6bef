"""The rules of the house, checked on the code itself (read with ``ast``, never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workflows.application import STATES

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MODULES = sorted(p for p in (*APP.rglob("*.py"), *(ROOT / "workflows").rglob("*.py")))
#: Areas: the packages of app/ (common is shared ground, not an area).
AREAS = sorted(p.name for p in APP.iterdir() if (p / "__init__.py").exists())

#: At most this many imports inside functions, each where a real cycle cannot be broken.
MAX_LATE_IMPORTS = 15
#: A module longer than this says why at its top.
MAX_LINES = 400
#: Lines in the body of a view.
MAX_VIEW_LINES = 25


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _late_imports() -> list[tuple[Path, ast.stmt]]:
    found, seen = [], set()
    for path in MODULES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        if (path, inner.lineno) not in seen:
                            seen.add((path, inner.lineno))
                            found.append((path, inner))
    return found


def test_imports_inside_functions_are_few_and_each_says_why():
    late = _late_imports()
    where = [f"{path.relative_to(ROOT)}:{node.lineno}" for path, node in late]
    assert len(late) <= MAX_LATE_IMPORTS, where
    for path, node in late:
        lines = path.read_text(encoding="utf-8").splitlines()
        said, above = lines[node.lineno - 1], node.lineno - 2
        while above >= 0 and lines[above].strip().startswith("#"):
            said += lines[above]
            above -= 1
        assert "cycle:" in said or "lazy:" in said, f"{path.relative_to(ROOT)}:{node.lineno}"


def test_long_modules_say_why_at_their_top():
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES:
            docstring = ast.get_docstring(_tree(path)) or ""
            reason = "over 400 lines" in docstring.lower() or "longer than 400" in docstring.lower()
            assert reason, f"{path.relative_to(ROOT)} is long without a reason"


def _is_view(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
        for d in node.decorator_list
    )


def test_views_are_short():
    long_views = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef) and _is_view(node):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                length = node.end_lineno - body[0].lineno + 1
                if length > MAX_VIEW_LINES:
                    long_views.append(f"{path.relative_to(ROOT)}:{node.name} ({length})")
    assert not long_views


def _names_a_status(node: ast.AST) -> bool:
    """``x.status``, ``status``, ``x.to_state``...: an expression that holds a state."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.endswith(("status", "state"))


def _strings(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _strings(element)


def _state_strings(tree: ast.Module):
    """String constants compared with a status (``==``, ``in``) or given to its ``.in_``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = (node.left, *node.comparators)
            if any(_names_a_status(operand) for operand in operands):
                for operand in operands:
                    yield from _strings(operand)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("in_", "not_in")
            and _names_a_status(node.func.value)
        ):
            for argument in node.args:
                yield from _strings(argument)


def test_states_are_named_not_spelled():
    """A dossier's state is compared with the StrEnums of workflows/, never a bare string."""
    spelled = []
    for path in APP.rglob("*.py"):
        for constant in _state_strings(_tree(path)):
            if constant.value in STATES:
                spelled.append(f"{path.relative_to(ROOT)}:{constant.lineno} {constant.value!r}")
    assert not spelled


#: Imports of another area's services that are not side effects, and why.
ALLOWED_SERVICE_IMPORTS = {
    # The lifecycle's one entry point: every area changes a dossier's state through it.
    ("app.applications.services", "apply_transition"),
    ("app.applications.services", "flush_transitions"),
    # The outbox's public way to send an area's own message (an invitation, a digest).
    ("app.outbox.services", "queue_email"),
    # ... and the files it sends with it (a calendar invitation): part of its signature.
    ("app.outbox.services", "Attachment"),
    # The language switch (main) keeps the person's choice in their own profile: the
    # change is the person's, made on their request, not a side effect of another area.
    ("app.auth.services", "remember_locale"),
    # A call made from another one's definition (app.calls.definition) gets its form
    # through the form's one way of writing a version: part of the creation, not a side
    # effect of it.
    ("app.application_forms.services", "save_form"),
}


@pytest.mark.parametrize("area", [a for a in AREAS if a not in ("demo",)])
def test_no_area_calls_another_areas_services(area):
    """Side effects travel by events (app.events); the allowed imports say why."""
    found = []
    for path in (APP / area).rglob("*.py"):
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if len(parts) >= 3 and parts[0] == "app" and parts[2] == "services":
                if parts[1] == area:
                    continue
                for alias in node.names:
                    if (node.module, alias.name) not in ALLOWED_SERVICE_IMPORTS:
                        found.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert not found
