"""Filling message catalogues from JSON translations (``flask i18n fill``).

Helpers on other branches write the Dutch and Arabic of the strings they add to
``translations-pending/<branch>.json`` as ``{"msgid": {"nl": "...", "ar": "..."}}``; a plural
message is keyed by its singular msgid and translated as a list holding every plural form of
the language (two in Dutch, six in Arabic). A translation whose ``%(name)s`` placeholders do not
match its msgid, or with the wrong number of plural forms, is refused and reported, never written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from app.config import PROJECT_ROOT

CATALOGUES = PROJECT_ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


class FillError(Exception):
    """A JSON file that cannot be read as translations."""


def _load(sources: list[Path], locales: tuple | None) -> dict[str, dict[str, object]]:
    """{locale: {msgid: translation}} from every file (later files win)."""
    wanted: dict[str, dict[str, object]] = {}
    for source in sources:
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise FillError(f"{source}: {error}") from error
        if not isinstance(data, dict):
            raise FillError(f"{source}: expected a JSON object of msgids")
        for msgid, value in data.items():
            if isinstance(value, dict):
                per_locale = value
            elif locales and len(locales) == 1:
                per_locale = {locales[0]: value}
            else:
                raise FillError(
                    f"{source}: {msgid!r} has no languages; give exactly one --locale "
                    "for a {msgid: msgstr} file"
                )
            for locale, text in per_locale.items():
                if locales and locale not in locales:
                    continue
                wanted.setdefault(locale, {})[msgid] = text
    return wanted


def _problem(message, text, plurals: int) -> str | None:
    """Why ``text`` cannot translate ``message``, or None."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    expected = set(PLACEHOLDER.findall(" ".join(ids)))
    if isinstance(message.id, tuple):
        if not isinstance(text, list) or len(text) != plurals or not all(text):
            return f"needs a list of {plurals} plural forms"
        if any(not set(PLACEHOLDER.findall(form)) <= expected for form in text):
            return "unknown placeholder"
        return None
    if not isinstance(text, str) or not text:
        return "needs a non-empty string"
    if set(PLACEHOLDER.findall(text)) != expected:
        return f"placeholders differ from {sorted(expected)}"
    return None


def fill_catalogues(
    sources: list[Path], locales: tuple | None = None, directory: Path = CATALOGUES
) -> dict[str, tuple[int, list[str]]]:
    """Write the translations into ``<directory>/<locale>/LC_MESSAGES/messages.po``.

    Returns ``{locale: (messages filled, msgids still untranslated, fuzzy or refused)}``."""
    report = {}
    for locale, translations in sorted(_load(sources, locales).items()):
        path = directory / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            raise FillError(f"no catalogue for {locale!r} ({path}); run pybabel init first")
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        filled, refused, refused_keys = 0, [], set()
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key not in translations:
                continue
            text = translations[key]
            problem = _problem(message, text, catalog.num_plurals)
            if problem:
                refused.append(f"{key} ({problem})")
                refused_keys.add(key)
                continue
            message.string = tuple(text) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
            filled += 1
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100)
        missing = [
            message.id[0] if isinstance(message.id, tuple) else message.id
            for message in catalog
            if message.id
            and (
                message.fuzzy
                or not all(
                    message.string if isinstance(message.string, tuple) else (message.string,)
                )
            )
        ]
        report[locale] = (filled, sorted((set(missing) - refused_keys) | set(refused)))
    return report
