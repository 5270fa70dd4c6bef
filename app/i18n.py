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


def text_direction(locale: str) -> str:
    return "rtl" if locale in {"ar"} else "ltr"
