"""The sandbox a call's own wording is rendered in: placeholders and conditions only.

Staff's texts (app.calls.wording) are parsed and checked node by node before anything
runs: only text, placeholders (plain values), constants, conditions (if, else, endif)
and five filters pass; attributes, calls, loops, includes, imports, macros, variables
and calculations are refused with what they are and their line. What passes is
rendered by Jinja's ImmutableSandboxedEnvironment with no loader, no globals and a
bounded output, as plain text (the letter escapes the whole output once).
"""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.common.errors import Refusal

MAX_TEXT = 4000
MAX_OUTPUT = 20000
FILTERS = ("upper", "lower", "capitalize", "title", "trim")


class WordingError(Refusal):
    """A text staff wrote that cannot be used; the message says why."""


_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.Filter,
)
_CONSTRUCTS = {
    nodes.Getattr: _l("attributes"),
    nodes.Getitem: _l("attributes"),
    nodes.Call: _l("function calls"),
    nodes.Include: _l("other templates"),
    nodes.Import: _l("other templates"),
    nodes.FromImport: _l("other templates"),
    nodes.Extends: _l("other templates"),
    nodes.For: _l("loops"),
    nodes.Macro: _l("macros"),
    nodes.Assign: _l("variables"),
    nodes.AssignBlock: _l("variables"),
    nodes.Mod: _l("calculations"),
    nodes.Add: _l("calculations"),
    nodes.Sub: _l("calculations"),
    nodes.Mul: _l("calculations"),
    nodes.Div: _l("calculations"),
    nodes.FloorDiv: _l("calculations"),
    nodes.Pow: _l("calculations"),
}


@functools.lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    # No loader (include, import and extends find nothing), no globals (range, lipsum,
    # cycler, joiner, namespace, dict), five filters; undefined names fail.
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in FILTERS}
    return env


def _refused_construct(node: nodes.Node) -> WordingError:
    construct = next(
        (label for kind, label in _CONSTRUCTS.items() if isinstance(node, kind)),
        _l("this construct"),
    )
    return WordingError(
        _l(
            "A text may use placeholders and conditions (if, else, endif) only, "
            "not %(construct)s (line %(line)s).",
            construct=construct,
            line=node.lineno,
        )
    )


def _parsed(text: str, placeholders) -> nodes.Template:
    """``text`` parsed and checked, or WordingError."""
    if len(text) > MAX_TEXT:
        raise WordingError(_l("A text may be %(count)s characters long at most.", count=MAX_TEXT))
    try:
        tree = _environment().parse(text)
    except TemplateSyntaxError as error:
        raise WordingError(
            _l("This text cannot be read (line %(line)s).", line=error.lineno)
        ) from error
    unknown = []
    for node in [tree, *tree.find_all(nodes.Node)]:
        if not isinstance(node, _ALLOWED):
            raise _refused_construct(node)
        if isinstance(node, nodes.Name) and node.name not in placeholders:
            unknown.append(node.name)
        if isinstance(node, nodes.Filter) and (node.name not in FILTERS or node.args):
            raise _refused_construct(node)
        if isinstance(node, nodes.Const) and not isinstance(node.value, str | int | None):
            raise _refused_construct(node)
    if unknown:
        raise WordingError(
            _l(
                "Unknown placeholders: %(names)s.",
                names=", ".join(dict.fromkeys(unknown)),
            )
        )
    return tree


def check_text(text: str, placeholders) -> None:
    """Refuse (WordingError) a text that uses anything but ``placeholders`` and
    conditions, or that does not parse."""
    _parsed(text, set(placeholders))


def render_wording(text: str, values: dict) -> str:
    """``text`` with its placeholders filled from ``values`` (plain values only), as
    plain text. Raises WordingError for a text :func:`check_text` refuses, an unknown
    placeholder or an output too long."""
    for name, value in values.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise TypeError(f"placeholder {name} is not a plain value: {type(value).__name__}")
    _parsed(text, set(values))
    try:
        rendered = _environment().from_string(text).render(values)
    except (SecurityError, TemplateError) as error:
        raise WordingError(_l("This text cannot be read (line %(line)s).", line=1)) from error
    if len(rendered) > MAX_OUTPUT:
        raise WordingError(_l("A text may be %(count)s characters long at most.", count=MAX_OUTPUT))
    return rendered.strip()
