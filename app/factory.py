"""The whole application: every area's blueprint, subscribers and jobs, the commands,
the error pages and the templates' helpers, on the base every app shares (app.base).

Loaded only when :func:`app.create_app` is called: see app/__init__.py."""

from __future__ import annotations

import importlib
from datetime import date

from babel.dates import format_skeleton
from flask import Flask, Response, has_request_context, render_template, request
from flask.globals import request_ctx
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.access.policy import triggers_for
from app.applications.questions import parse_iso_date
from app.applications.wording import (
    APPLICANT_STATUS,
    STATE_LABELS,
    TRIGGER_LABELS,
    audit_note,
    status_for_applicant,
)
from app.audit.wording import event_label, event_summary
from app.auth.forms import ROLE_LABELS
from app.auth.models import User
from app.base import base_app, register_area
from app.cli import register_cli
from app.common.clock import to_brussels
from app.common.errors import ConcurrentUpdate, Refusal, is_lost_race
from app.common.headers import init_security_headers
from app.common.migrations import include_object
from app.common.request_log import init_request_log
from app.common.views import refusal_response
from app.config import PROJECT_ROOT, Config
from app.extensions import csrf, db, limiter, login_manager
from app.i18n import current_locale, localized, money, number, percent, text_direction
from app.jobs import configure_jobs
from app.letters.health import warn_if_slow


def create_app(config: Config | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    app = base_app(config)
    app.jinja_env.add_extension("jinja2.ext.do")
    if app.config.get("PROXY_COUNT", 0) > 0:
        # Believe exactly PROXY_COUNT proxies: a client cannot forge its address.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    # Created here, not in app.extensions: Flask-Migrate loads Alembic (10 MB), which
    # only the commands need, and app.base's smaller apps do without.
    Migrate(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        include_object=include_object,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)

    configure_jobs(app)
    _register_blueprints(app)
    _register_errors(app)
    init_security_headers(app)
    init_request_log(app)
    _register_template_helpers(app)

    register_cli(app)
    warn_if_slow()
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


#: The business areas, each a package with a blueprint and its routes.
AREAS = (
    "main",
    "auth",
    "calls",
    "application_forms",
    "applications",
    "documents",
    "eligibility",
    "info_sessions",
    "jury",
    "selection",
    "coaching",
    "outbox",
    "dashboard",
    "privacy",
    "letters",
)


#: The areas that react to other areas' events (app.events), in their subscribers.py.
SUBSCRIBERS = ("eligibility", "letters", "outbox", "privacy", "selection", "jury", "coaching")


#: The areas with background jobs, in their tasks.py (see app.jobs).
TASKS = ("outbox", "letters", "selection", "coaching", "privacy", "jury", "documents")


def _register_blueprints(app: Flask) -> None:
    for area in AREAS:
        register_area(app, area)
    for area in SUBSCRIBERS:
        importlib.import_module(f"app.{area}.subscribers")  # connects to app.events
    for area in TASKS:
        importlib.import_module(f"app.{area}.tasks")  # registers the jobs with the queue


#: The page of each HTTP error: its title and what happened, in the reader's language.
ERROR_PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    404: (
        _l("Page not found"),
        _l("This page does not exist, or you do not have access to it."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Wait a minute, then try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("Something went wrong on our side. Nothing was saved; please try again."),
    ),
}


def _abandon_transaction() -> None:
    """Roll back what the request left undone; a session caught inside its commit (an
    after-commit hook that raised) cannot roll back and is dropped instead, so the error
    page itself never fails."""
    try:
        db.session.rollback()
    except Exception:  # the error page must show whatever state the session is in
        db.session.remove()


def _register_errors(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        _abandon_transaction()
        if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no links to build
            return Response(f"{title}\n{message}\n", status, mimetype="text/plain")
        return render_template(
            "errors/error.html", status=status, title=title, message=message
        ), status

    @app.errorhandler(Refusal)
    def refused(error):
        """A refusal no view ran through run_service: the same answer it would give."""
        _abandon_transaction()
        return refusal_response(error)

    @app.errorhandler(StaleDataError)
    def lost_race(error):
        """Two people changed one record at once, and this one lost: 409, never 500."""
        _abandon_transaction()
        return refusal_response(ConcurrentUpdate())

    @app.errorhandler(IntegrityError)
    def lost_insert_race(error):
        """Two people wrote the same row at once (one of RACE_CONSTRAINTS), and this one
        lost: 409. Any other broken constraint is a fault of ours, left to the 500 page."""
        if not is_lost_race(error):
            raise error
        _abandon_transaction()
        return refusal_response(ConcurrentUpdate())

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(
            400,
            _("The form has expired"),
            _("For your security the form expired. Go back, reload the page and try again."),
        )

    def error_page(status: int):
        title, message = ERROR_PAGES[status]

        def answer(error):
            # A page of its own (a limit's on_breach: the login's "account locked" page)
            if getattr(error, "response", None) is not None:
                _abandon_transaction()
                return error.response
            return page(status, str(title), str(message))

        return answer

    for status in ERROR_PAGES:
        app.register_error_handler(status, error_page(status))


#: Date patterns of the templates -> (CLDR date skeleton or width, CLDR time skeleton).
_DATE_PATTERNS = {
    "d MMM y, HH:mm": ("yMMMd", "Hm"),
    "EEE d MMM y, HH:mm": ("yMMMEd", "Hm"),
    "EEEE d MMMM y": ("full", None),
    "EEEE d MMMM y, HH:mm": ("full", "Hm"),
    "d MMM y": ("yMMMd", None),
    "HH:mm": (None, "Hm"),
    "HH:mm:ss": (None, "Hms"),
}


def local_moment(moment, format: str) -> str:
    """``moment`` (already in local time) written for the current language."""
    if format not in _DATE_PATTERNS:
        return format_datetime(moment, format)
    locale = get_locale()
    date_form, time_form = _DATE_PATTERNS[format]
    time = format_skeleton(time_form, moment, locale=locale) if time_form else None
    if date_form is None:
        return time
    if date_form == "full":
        day = format_date(moment, "full")
    else:
        day = format_skeleton(date_form, moment, locale=locale)
    if not time_form:
        return day
    joined = locale.datetime_formats["medium"].replace("'", "")
    return joined.replace("{1}", day).replace("{0}", time)


def _register_template_helpers(app: Flask) -> None:
    app.add_template_filter(audit_note, "audit_note")
    app.add_template_global(event_label, "event_label")
    app.add_template_global(event_summary, "event_summary")
    app.add_template_global(triggers_for, "triggers_for")

    @app.template_filter("local_dt")
    def local_dt(moment, format="d MMM y, HH:mm"):
        """A moment in Brussels time, written for the page's language.

        The patterns the templates use are written in each language's own order and words
        (CLDR skeletons: "31 mars 2026, 18:30", "Mar 31, 2026, 18:30", "31 مارس 2026، 18:30");
        any other pattern is applied as given."""
        if moment is None:
            return "—"
        return local_moment(to_brussels(moment), format)

    @app.template_filter("timedelta")
    def timedelta_filter(delta):
        """A duration in words ("3 weeks"), for the page's language."""
        return format_timedelta(delta, granularity="minute", threshold=1.1)

    @app.template_filter("iso_date")
    def iso_date(value, format="medium"):
        """A date, or an ISO date string (as stored in answers), written for the page's
        language."""
        parsed = value if isinstance(value, date) else parse_iso_date(value)
        return format_date(parsed, format) if parsed else (value or "—")

    # Numbers, amounts and staff-written texts in the reader's language (app.i18n).
    app.add_template_filter(money, "money")
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(localized, "localized")
    app.add_template_global(localized, "localized")
    app.add_template_global(text_direction, "direction_of")

    @app.context_processor
    def globals_():
        if not has_request_context():
            return {}
        locale = str(get_locale() or current_locale())
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "languages": app.config["LANGUAGES"],
            "state_labels": STATE_LABELS,
            "applicant_status": APPLICANT_STATUS,
            "status_for_applicant": status_for_applicant,
            "trigger_labels": TRIGGER_LABELS,
            "current_path": request.full_path.rstrip("?"),
            "user_roles": current_user.roles if current_user.is_authenticated else set(),
            "role_labels": ROLE_LABELS,
        }
