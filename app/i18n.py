"""Choosing the language of a request, and its writing direction."""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
)
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def current_locale() -> str:
    """The language chosen in this session, else the profile's, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(list(languages)) or default


#: Used outside an application (PDF letters built by a worker take the app's setting).
RTL_LANGUAGES = frozenset({"ar"})


def text_direction(locale) -> str:
    """``"rtl"`` for a language written right to left (Arabic), else ``"ltr"``.

    Accepts a code ("ar", "ar_MA") or a Babel ``Locale``; pages, emails and letters use it."""
    language = str(locale or "").replace("-", "_").split("_")[0].lower()
    rtl = current_app.config.get("RTL_LANGUAGES", RTL_LANGUAGES) if current_app else RTL_LANGUAGES
    return "rtl" if language in rtl else "ltr"


def page_locale() -> str:
    """The language of what is being rendered (a request, an email or a letter in
    ``force_locale``), as a code such as ``"ar"``."""
    locale = get_locale() if current_app else None
    return str(locale) if locale else "fr"


def localized(obj, field: str, locale: str | None = None):
    """Text written by staff, in the reader's language, else the base (French) text.

    ``obj`` is a model or a dict holding ``field`` (the French text) and ``translations``:
    ``{"nl": {field: "..."}, "ar": {...}}``. A language whose text is missing or empty falls
    back to the base text. Calls, criteria and FAQ items use it; any new staff-written field
    (e.g. a letter's signatory) only needs its key in ``translations``."""
    if obj is None:
        return None
    getter = obj.get if isinstance(obj, dict) else lambda name: getattr(obj, name, None)
    base = getter(field)
    locale = (locale or page_locale()).split("_")[0]
    translated = ((getter("translations") or {}).get(locale) or {}).get(field)
    if isinstance(translated, str):
        translated = translated.strip()
    return translated or base


def money(amount, currency: str = "EUR", locale: str | None = None) -> str:
    """An amount of money for the reader's language: ``250 000 MAD`` (fr), ``€250,000`` (en).

    Whole amounts are written without decimals; ``None`` gives a dash."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    language = Locale.parse(locale or page_locale())
    pattern = None
    if value == value.to_integral_value():
        pattern = re.sub(r"\.0+", "", language.currency_formats["standard"].pattern)
    text = format_currency(
        value, currency, format=pattern, locale=language, currency_digits=pattern is None
    )
    # CLDR's currency spacing, which Babel leaves out: "MAD 250,000", not "MAD250,000".
    return re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", "\u00a0", text)


def number(value, digits: int | None = None, locale: str | None = None) -> str:
    """A number for the reader's language (``1 234,5`` in French); ``digits`` fixes the
    decimals shown. ``None`` gives a dash."""
    if value is None or value == "":
        return "—"
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale or page_locale())


@lru_cache(maxsize=32)
def decimal_format(locale: str, digits: int) -> Callable[[object], str]:
    """A function writing a number as ``app.i18n.number(value, digits, locale)`` does
    (Babel's ``#,##0.0`` pattern), with the language's symbols looked up once: Babel's
    rounding (the number's shortest decimal form, half to even), the locale's group and
    decimal signs. Negative and non-finite numbers are left to Babel."""
    language = Locale.parse(locale)
    signs = str.maketrans({",": get_group_symbol(language), ".": get_decimal_symbol(language)})
    quantum = Decimal(1).scaleb(-digits)

    def write(value) -> str:
        if value is None or value == "":
            return "—"
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
        if not exact.is_finite() or exact.is_signed():
            return number(value, digits, locale)
        return f"{exact.quantize(quantum, rounding=ROUND_HALF_EVEN):,f}".translate(signs)

    return write


def percent(value, locale: str | None = None) -> str:
    """A percentage given as 0-100 (``25`` gives ``25 %`` in French, ``25%`` in English)."""
    if value is None or value == "":
        return "—"
    try:
        return format_percent(float(value) / 100, locale=locale or page_locale())
    except (TypeError, ValueError):
        return str(value)
