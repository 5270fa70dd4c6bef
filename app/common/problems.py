"""The problems found in what staff write as data (a call's definition, its form, its
eligibility rules), as each check names them: the messages they share, and how they quote
what staff typed.

A problem is written in the reader's language with ``gettext`` (in English outside a
request; the command line asks for English); what staff typed (a key, an operator, a
type's name, a language code) is quoted as typed, never translated: ``_("unknown operator
%(operator)s", operator=shown(op))`` reads "unknown operator 'regex'" or "opérateur
inconnu 'regex'".
"""

from __future__ import annotations

from flask_babel import gettext as _

#: The longest value quoted in full; a longer one is cut.
LONGEST = 40


def shown(value) -> str:
    """``value`` as it is written in the data, quoted (``'regex'``, ``None``, ``3``), cut
    after :data:`LONGEST` characters."""
    text = repr(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 3] + "..."


def listed(values) -> str:
    """``values`` as a list of what staff may write: ``fr, nl, ar, en``."""
    return ", ".join(str(value) for value in values)


# The messages several checks share.


def unknown_key(key) -> str:
    return _("unknown key %(key)s", key=shown(key))


def unknown_language(language, known) -> str:
    return _(
        "unknown language %(language)s (one of %(known)s)",
        language=shown(language),
        known=listed(known),
    )


def expected_one_of(values) -> str:
    return _("expected one of %(values)s", values=listed(values))


def expected_either(first: str, second: str) -> str:
    """Two things staff may write, as typed: "expected true or false"."""
    return _("expected %(first)s or %(second)s", first=first, second=second)


def expected_keys(keys) -> str:
    """An object that should hold ``keys``: "expected an object with the keys slug, title"."""
    return _("expected an object with the keys %(keys)s", keys=listed(keys))


def not_a_choice(value, question) -> str:
    return _(
        "%(value)s is not a choice of %(question)s", value=shown(value), question=shown(question)
    )
