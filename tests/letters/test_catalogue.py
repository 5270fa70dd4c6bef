"""The letters' own catalogue (domain "letters"): complete in every letter language, and
holding every string of templates/letters/*.jinja."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT

CATALOGUES = PROJECT_ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _ids(path) -> set[str]:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("locale", ["fr", "en", "nl", "ar"])
def test_every_letter_message_is_translated_with_its_placeholders(locale):
    path = CATALOGUES / locale / "LC_MESSAGES" / "letters.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    problems = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not message.string
            # a translation may leave a value out ("Madame, Monsieur,"), never add one
            or not set(PLACEHOLDER.findall(message.string)) <= set(PLACEHOLDER.findall(message.id))
        )
    ]
    assert problems == []
    assert {m.id for m in catalogue if m.id} == _ids(CATALOGUES / "letters.pot")


def test_the_letters_template_holds_every_string_of_the_letters():
    """After changing a letter's wording: see README (Letters, translations)."""
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(PROJECT_ROOT),
            [("templates/letters/**.jinja", "jinja2")],
            {"templates/letters/**.jinja": {"extensions": "jinja2.ext.do"}},
        )
    }
    assert found == _ids(CATALOGUES / "letters.pot")
