"""The wording staff can edit: a call's own texts for each outcome's letter and e-mail.

A call may replace, per outcome and language, the opening of the decision letter
(``letter``) and the e-mail's subject and message (``subject``, ``email``); stored in
``Call.wording`` as {outcome: {language: {part: text}}}. What a call does not replace
reads as the project's templates say (:func:`default_text` shows it as an editable
text). Greetings, links, the structured parts (failed rules, criteria, requested
items, QR code) and the letter's layout stay in the templates.

A text may use named placeholders (``{{ reference }}``) and conditions
(``{% if rank %}...{% else %}...{% endif %}``), nothing else. It is checked when staff
save it (:func:`check_text`: unknown placeholders, syntax, any other construct are
refused, with a :class:`WordingError`) and again when it is rendered
(:func:`render_wording`), in Jinja's ImmutableSandboxedEnvironment with no loader, no
globals, five filters, only plain values (str, int, float) and a bounded output. The
result is plain text: the letter's own environment escapes it, an e-mail is plain text.

The module is over 400 lines because it holds the table of outcomes with their default
texts, the exact msgids of the templates, beside the checks that read them.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.common.errors import Refusal
from app.letters.rendering import load_catalogue
from workflows.application import Trigger

log = logging.getLogger("impulse.wording")

#: The languages a call's texts are written in.
LANGUAGES = ("fr", "en", "nl", "ar")
#: The longest text staff may save, and the longest a rendered text may be.
MAX_TEXT = 4000
MAX_SUBJECT = 200
MAX_OUTPUT = 20000
#: The filters a text may use.
FILTERS = ("upper", "lower", "capitalize", "title", "trim")


class WordingError(Refusal):
    """A text staff wrote that cannot be used; the message says why."""


# Placeholders ------------------------------------------------------------------------

PLACEHOLDERS = {
    "applicant_name": _l("The applicant's name"),
    "reference": _l("The application's reference (MBI-2026-0042)"),
    "call_name": _l("The call's name"),
    "project_title": _l("The project's title"),
    "reasons": _l("The conditions not met, each with its reason"),
    "decision_reason": _l("The programme team's explanation of the decision"),
    "requested_items": _l("What the applicant must complete, separated by commas"),
    "message": _l("The programme team's message to the applicant"),
    "deadline": _l("The date by which the applicant must reply"),
    "rank": _l("The application's rank"),
    "ranked": _l("How many dossiers were ranked"),
    "score": _l("The application's score out of 100"),
    "cut_off": _l("The score of the last selected project, out of 100"),
    "quota": _l("How many projects are selected"),
    "reserve_position": _l("The position on the reserve list"),
    "reserve_size": _l("The length of the reserve list"),
    "confirm_by": _l("The date by which the applicant must confirm their place"),
    "confirmation_days": _l("Days a selected applicant has to confirm their place"),
}
_COMMON = ("applicant_name", "reference", "call_name")
_SCORES = ("rank", "ranked", "score", "cut_off", "quota")

#: How the templates' messages name what the placeholders call otherwise.
_PARAMETERS = {
    "call": "call_name",
    "position": "reserve_position",
    "size": "reserve_size",
    "days": "confirmation_days",
    "title": "project_title",
}

PARTS = ("letter", "subject", "email")
PART_LABELS = {
    "letter": _l("Opening of the letter"),
    "subject": _l("Subject of the e-mail"),
    "email": _l("Message of the e-mail"),
}


@dataclass(frozen=True)
class Outcome:
    """An outcome whose texts a call may replace, with today's messages as defaults
    (the exact msgids of templates/letters/ and templates/email/)."""

    key: str
    label: object
    letter: tuple[str, ...] = ()
    subject: str = ""
    email: tuple[str, ...] = ()
    letter_placeholders: tuple[str, ...] = ()
    email_placeholders: tuple[str, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(part for part in PARTS if self.defaults(part))

    def defaults(self, part: str) -> tuple[str, ...]:
        return {"letter": self.letter, "subject": (self.subject,) if self.subject else ()}.get(
            part, self.email
        )

    def placeholders(self, part: str) -> tuple[str, ...]:
        return self.letter_placeholders if part == "letter" else self.email_placeholders


_CONFIRM = "Please confirm or decline your place from your page."
OUTCOMES = {
    outcome.key: outcome
    for outcome in (
        Outcome(
            "eligible",
            _l("Eligible"),
            subject="Eligibility of your application %(reference)s",
            email=(
                "Your application %(reference)s meets the conditions of the call. "
                "It now goes to the jury.",
            ),
            email_placeholders=_COMMON,
        ),
        Outcome(
            "ineligible",
            _l("Not eligible"),
            letter=(
                "We have examined your application %(reference)s to %(call)s. We regret to "
                "inform you that it does not meet the conditions of the call.",
            ),
            subject="Eligibility of your application %(reference)s",
            email=(
                "We are sorry: your application %(reference)s does not meet the conditions "
                "of the call.",
            ),
            letter_placeholders=(*_COMMON, "reasons", "decision_reason"),
            email_placeholders=(*_COMMON, "decision_reason"),
        ),
        Outcome(
            "information_requested",
            _l("Information requested"),
            letter=(
                "We are examining your application %(reference)s to %(call)s. To complete "
                "the examination, the programme team needs the following:",
            ),
            subject="Information needed for your application %(reference)s",
            email=(
                "The programme team needs more information about your application %(reference)s:",
            ),
            letter_placeholders=(*_COMMON, "requested_items", "deadline", "message"),
            email_placeholders=(*_COMMON, "deadline", "message"),
        ),
        Outcome(
            "not_selected",
            _l("Not selected"),
            letter=(
                "The jury of %(call)s has examined every eligible application. We regret to "
                "inform you that your application %(reference)s is not selected.",
            ),
            subject="The decision on your application %(reference)s",
            email=(
                "We are sorry: the jury did not select your application %(reference)s to "
                "%(call)s (rank %(rank)s).",
            ),
            letter_placeholders=(*_COMMON, *_SCORES),
            email_placeholders=(*_COMMON, "rank"),
        ),
        Outcome(
            "reserve",
            _l("Reserve list"),
            letter=(
                "The jury of %(call)s has examined every eligible application. Your "
                "application %(reference)s is on the reserve list, at position %(position)s "
                "of %(size)s.",
            ),
            subject="Your application %(reference)s is on the reserve list",
            email=(
                "Your application %(reference)s to %(call)s is on the reserve list, at "
                "position %(position)s. If a selected project holder gives up their place, "
                "the next one on the list is selected and told at once.",
            ),
            letter_placeholders=(
                *_COMMON,
                *_SCORES,
                "reserve_position",
                "reserve_size",
                "confirmation_days",
            ),
            email_placeholders=(*_COMMON, "rank", "reserve_position"),
        ),
        Outcome(
            "selected",
            _l("Selected"),
            letter=(
                "Congratulations! The jury of %(call)s has selected your application "
                "%(reference)s.",
            ),
            subject="Your application %(reference)s is selected",
            email=(
                "Congratulations: the jury selected your application %(reference)s to "
                "%(call)s (rank %(rank)s).",
                _CONFIRM,
            ),
            letter_placeholders=(*_COMMON, *_SCORES, "confirm_by", "confirmation_days"),
            email_placeholders=(*_COMMON, "rank", "confirmation_days"),
        ),
        Outcome(
            "promoted",
            _l("Selected from the reserve list"),
            letter=(
                "A place became free in %(call)s. Your application %(reference)s, at "
                "position %(position)s on the reserve list, is now selected. "
                "Congratulations!",
            ),
            subject="A place is free: your application %(reference)s is selected",
            email=(
                "A place became free: your application %(reference)s to %(call)s moves from "
                "the reserve list to the selection.",
                _CONFIRM,
            ),
            letter_placeholders=(
                *_COMMON,
                *_SCORES,
                "reserve_position",
                "confirm_by",
                "confirmation_days",
            ),
            email_placeholders=(*_COMMON, "rank", "reserve_position", "confirmation_days"),
        ),
        Outcome(
            "place_lapsed",
            _l("Place lapsed"),
            subject="Your place for %(reference)s went to the reserve list",
            email=(
                "Your project “%(title)s” was selected for %(call)s, but we did not receive "
                "your confirmation before the deadline. As the rules of the call provide, "
                "your place went to the next project on the reserve list.",
                "If you think this is a mistake, reply to this email at once.",
            ),
            email_placeholders=(*_COMMON, "project_title"),
        ),
    )
}

#: The wording of the e-mail each change of state sends (see app.outbox.subscribers).
EMAIL_OF_TRIGGER = {
    Trigger.REQUEST_INFORMATION: "information_requested",
    Trigger.LAPSE: "place_lapsed",
    Trigger.SELECT: "selected",
    Trigger.PLACE_ON_RESERVE: "reserve",
    Trigger.REJECT: "not_selected",
    Trigger.PROMOTE: "promoted",
}


# Defaults: today's messages, as texts staff can edit ----------------------------------


@functools.lru_cache(maxsize=8)
def _letter_catalogue(locale: str):
    return load_catalogue(locale)


def _as_text(message: str) -> str:
    """A translated message with its ``%(name)s`` parameters written as placeholders."""
    text = re.sub(
        r"%\((\w+)\)[sd]",
        lambda found: "{{ " + _PARAMETERS.get(found[1], found[1]) + " }}",
        message,
    )
    return text.replace("%%", "%")


def default_text(outcome: str, part: str, locale: str) -> str:
    """What ``part`` of ``outcome`` says in ``locale`` when the call does not replace it."""
    messages = OUTCOMES[outcome].defaults(part)
    if part == "letter":
        translated = [_letter_catalogue(locale).gettext(message) for message in messages]
    else:
        with force_locale(locale):
            translated = [gettext(message) for message in messages]
    return "\n\n".join(_as_text(message) for message in translated)


def custom_text(call, outcome: str, part: str, locale: str) -> str | None:
    """The call's own text for ``part`` of ``outcome`` in ``locale``, if it has one."""
    wording = getattr(call, "wording", None) or {}
    return ((wording.get(outcome) or {}).get(locale) or {}).get(part) or None


# The sandbox ------------------------------------------------------------------------

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


def rendered_or_none(call, outcome: str, part: str, locale: str, values: dict) -> str | None:
    """The call's text for ``part`` of ``outcome`` in ``locale`` filled with ``values``;
    None when the call has none, or when it cannot be rendered any more (a placeholder
    gone since it was saved): the template's wording is used then."""
    text = custom_text(call, outcome, part, locale)
    if text is None:
        return None
    try:
        return render_wording(text, values)
    except WordingError as error:
        log.warning(
            "wording %s/%s/%s of call %s not used: %s",
            outcome,
            locale,
            part,
            getattr(call, "reference", "?"),
            error,
        )
        return None


def paragraphs(text: str | None) -> list[list[str]] | None:
    """A rendered letter text as paragraphs (split on blank lines) of lines."""
    if not text:
        return None
    return [block.split("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


# Values ----------------------------------------------------------------------------


def _letter_facts(context: dict) -> dict:
    """Every placeholder's value from a letter's data (app.letters.content)."""
    request = context.get("request") or {}
    explanation = context.get("explanation") or {}
    values = {
        "applicant_name": context["recipient"]["name"],
        "reference": context["reference"],
        "call_name": context["call_name"],
        "confirmation_days": context.get("confirmation_days") or "",
        "reasons": "; ".join(
            f"{rule['label']}: {rule['reason']}" for rule in context.get("failed_rules", [])
        ),
        "decision_reason": context.get("decision_reason") or "",
        "requested_items": ", ".join(request.get("asked", [])),
        "deadline": request.get("reply_by") or "",
        "message": request.get("message") or "",
        "cut_off": explanation.get("cutoff") or "",
    }
    for name in ("rank", "ranked", "score", "quota", "reserve_position", "reserve_size"):
        values[name] = explanation.get(name) or ""
    values["confirm_by"] = explanation.get("confirm_by") or ""
    return values


def letter_values(outcome: str, context: dict) -> dict:
    """The placeholders of ``outcome``'s letter, from the letter's data
    (app.letters.content): plain values, already written in the letter's language."""
    facts = _letter_facts(context)
    return {name: facts[name] for name in OUTCOMES[outcome].letter_placeholders}


def email_values(outcome: str, application, *, locale: str, note=None, context=None) -> dict:
    """The placeholders of ``outcome``'s e-mail about ``application``."""
    context = context or {}
    request = context.get("request")
    reply_by = getattr(request, "reply_by", None)
    decision = context.get("decision")
    values = {
        "applicant_name": application.applicant.full_name,
        "reference": application.reference or "",
        "call_name": application.call.name,
        "project_title": application.title or "",
        "rank": context.get("rank") or "",
        "reserve_position": context.get("reserve_position") or "",
        "confirmation_days": application.call.confirmation_days,
        "deadline": format_date(reply_by, "long", locale=locale) if reply_by else "",
        "message": note or "",
        "decision_reason": getattr(decision, "reason", None) or "",
    }
    return {name: values[name] for name in OUTCOMES[outcome].email_placeholders}


def email_texts(application, outcome: str, *, note=None, context=None):
    """The (subject, message) the call wrote for ``outcome``'s e-mail about
    ``application``, in the applicant's language and filled; each None where the
    template's wording applies. The subject is ready for queue_email (``%`` doubled)."""
    locale = application.applicant.locale
    if locale not in LANGUAGES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    call = application.call
    if not (getattr(call, "wording", None) or {}).get(outcome):
        return None, None
    values = email_values(outcome, application, locale=locale, note=note, context=context)
    subject = rendered_or_none(call, outcome, "subject", locale, values)
    message = rendered_or_none(call, outcome, "email", locale, values)
    return (" ".join(subject.split()).replace("%", "%%") if subject else None), message


def demo_values(outcome: str, part: str, locale: str, call=None) -> dict:
    """The placeholders of ``part`` of ``outcome`` filled with the letters' demo dossier
    (app.letters.content.demo_context), for previews."""
    # cycle: app.letters.content reads the wording from this module.
    from app.letters.content import demo_context

    letter = outcome if OUTCOMES[outcome].letter else "selected"
    facts = _letter_facts(demo_context(letter, locale, call)) | {"project_title": "Atlas Agritech"}
    return {name: facts[name] for name in OUTCOMES[outcome].placeholders(part)}
