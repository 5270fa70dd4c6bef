"""The fields of the call's texts given per language: a call's description, criteria
and FAQ (French first, the other languages falling back to it) and the wording of its
letters and e-mails per outcome and language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.calls.sandbox import MAX_TEXT
from app.calls.wording import LANGUAGES, MAX_SUBJECT, PART_LABELS
from app.config import Config
from app.i18n import text_direction

#: Languages staff may write a call's texts in besides French, the base every other
#: language falls back to.
OTHER_LANGUAGES = tuple(code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE)

NEEDS_FRENCH = _l("Give the French text first: the other languages fall back to it.")


def per_language(max_length: int, area: bool = True) -> FormField:
    """One optional text per other language, labelled in that language and written in its
    direction (Arabic right to left)."""
    field = TextAreaField if area else StringField
    fields = {
        code: field(
            Config.LANGUAGES[code],
            validators=[Optional(), Length(max=max_length)],
            render_kw={"lang": code, "dir": text_direction(code)},
        )
        for code in OTHER_LANGUAGES
    }
    return FormField(type("PerLanguage", (Form,), fields))


def texts_of(subform: FormField) -> dict:
    """{code: text} of a per-language subform, stripped (empty strings kept: they erase)."""
    return {code: (subform[code].data or "").strip() for code in OTHER_LANGUAGES}


def require_base(base: str | None, subform: FormField) -> bool:
    """A translation needs the French text it translates; flag each orphan translation."""
    if (base or "").strip():
        return True
    orphans = [code for code, text in texts_of(subform).items() if text]
    for code in orphans:
        subform[code].errors = [*subform[code].errors, NEEDS_FRENCH]
    return not orphans


def translations_of(**subforms: FormField) -> dict:
    """{code: {field: text}} for the languages that have at least one text."""
    result = {}
    for code in OTHER_LANGUAGES:
        texts = {name: texts_of(subform)[code] for name, subform in subforms.items()}
        texts = {name: text for name, text in texts.items() if text}
        if texts:
            result[code] = texts
    return result


def fill_per_language(subform: FormField, translations: dict | None, name: str) -> None:
    """Show the stored translations of ``name`` in a per-language subform."""
    for code in OTHER_LANGUAGES:
        subform[code].data = ((translations or {}).get(code) or {}).get(name, "")


def wording_form(outcome) -> FlaskForm:
    """The texts of ``outcome`` (app.calls.wording.Outcome) a call may replace: each
    part in each language, as field ``<language>_<part>``, written in its direction."""

    class WordingForm(FlaskForm):
        pass

    for code in LANGUAGES:
        for part in outcome.parts:
            short = part == "subject"
            field = StringField if short else TextAreaField
            render = {"lang": code, "dir": text_direction(code)} | ({} if short else {"rows": 5})
            setattr(
                WordingForm,
                f"{code}_{part}",
                field(
                    PART_LABELS[part],
                    validators=[Optional(), Length(max=MAX_SUBJECT if short else MAX_TEXT)],
                    render_kw=render,
                ),
            )
    return WordingForm()
