"""Choosing the language of a request, and its writing direction."""

from flask import current_app, has_request_context, request, session
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
