"""The one way a view runs a service, and how a refusal reaches the person.

A view loads its object (or 404) and checks the policy (:func:`permitted_or_404` does
both), validates its form, then hands the change to :func:`run_service` (through
:func:`run_posted` for a form posted from another page), which commits once and says
what happened. A :class:`~app.common.errors.Refusal` rolls the whole change back and is
turned into a message in the reader's language with the refusal's status:

- 404 for :class:`~app.common.errors.NotPermitted`: nobody learns what exists;
- 409 for a :class:`~app.common.errors.Conflict` (someone changed it meanwhile, or the
  lifecycle refuses now): the "not possible now, reload" page;
- otherwise (422) the message is flashed and the person goes back to the page they
  came from (``back``), or the view re-renders its form with the message (``refused``);
  without either, the "not possible now" page says it, with a link to the step that
  comes first when the refusal names one (``way_out``, e.g.
  :class:`~app.common.errors.NotYet`).

A lost race is a 409 too: a version column that moved on (``StaleDataError``) or a
unique constraint of :data:`~app.common.errors.RACE_CONSTRAINTS` broken by someone
else's row, at flush or at commit. Refusals a view does not run through here (a GET
that refuses, a lost race outside ``run_service``) reach the error handlers of
``app/__init__.py``, which answer the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.common.errors import (
    ConcurrentUpdate,
    Conflict,
    NotPermitted,
    Refusal,
    is_lost_race,
    message_of,
)
from app.extensions import db


def permitted_or_404(model, record_id: int, may: Callable) -> object:
    """The ``model`` row ``record_id`` if ``may(current_user, row)`` (a predicate of
    app.access.policy); 404 otherwise, when it does not exist as when it is not the
    reader's: nobody learns what exists."""
    record = db.session.get(model, record_id)
    if record is None or not may(current_user, record):
        abort(404)
    return record


def _resolve(value, result):
    return value(result) if callable(value) else value


def commits_what_it_read(view: Callable) -> Callable:
    """A page that reads kept figures (app.common.kept, the jury's score summary) may
    count them again: what that wrote is committed, for the next reader, once the view
    has built its response."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        db.session.commit()
        return response

    return wrapped


def run_service(
    change: Callable,
    *args,
    done: str | Callable | None,
    back: str | Callable | None = None,
    then: str | Callable | None = None,
    refused: Callable[[str], object] | None = None,
    **kwargs,
):
    """Run ``change(*args, actor=current_user, **kwargs)``, commit, flash ``done`` and
    redirect to ``then`` (by default ``back``).

    ``done`` is required: the sentence that says what happened and to what ("Application
    MBI-2026-0046 submitted. A confirmation was sent to ..."), never a generic "Done".
    ``done=None`` only where the answer itself says it (a login, a download, the next
    step of a form) or the view flashes its own.

    ``done`` and ``then`` may be callables of the service's result (a message that
    depends on it, the page of a record it created); ``then`` may also give a whole
    response (a form shown again). Without ``then`` nor ``back`` the result is returned
    after the commit, for the view to answer. ``refused(message)``
    gives the answer to a refusal of status 422 (a form shown again with the message);
    without it, the message is flashed and the person sent back to ``back``.
    """
    try:
        result = change(*args, actor=current_user, **kwargs)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return conflict_page(message_of(ConcurrentUpdate()))
    except IntegrityError as error:
        db.session.rollback()
        if not is_lost_race(error):
            raise
        return conflict_page(message_of(ConcurrentUpdate()))
    except Refusal as error:
        db.session.rollback()
        return refusal_response(error, back=back, refused=refused)
    message = _resolve(done, result)
    if message:
        flash(message, "success")
    target = then if then is not None else back
    if target is None:
        return result
    answer = _resolve(target, result)
    return answer if not isinstance(answer, str) else redirect(answer)


def run_posted(form, change: Callable, *args, done: str | Callable | None, back: str, **kwargs):
    """Run ``change`` (with :func:`run_service`, saying ``done``) for a valid ``form``
    posted from the page ``back``; an invalid form goes back there with each of its
    errors flashed."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    return run_service(change, *args, done=done, back=back, **kwargs)


def form_page(template: str, refused: str | None = None, **context):
    """A form's page: ``template`` with ``context``. Shown again because the change it
    posted was ``refused``, it flashes the reason and answers 422 (nothing was saved)."""
    if refused:
        flash(refused, "error")
    page = render_template(template, **context)
    return (page, 422) if refused else page


def refusal_response(error: Refusal, *, back=None, refused=None):
    """The answer to ``error`` (rolled back already): see the module docstring."""
    if isinstance(error, NotPermitted):
        abort(404)
    message = message_of(error)
    if isinstance(error, Conflict):
        return conflict_page(message)
    if refused is not None:
        return refused(message)
    if back is not None:
        flash(message, "error")
        return redirect(_resolve(back, None))
    return (
        render_template("errors/refused.html", message=message, way_out=error.way_out),
        error.status,
    )


def conflict_page(message: str):
    """The 409 page: what was refused, that nothing changed, and a link to reload."""
    return render_template(
        "errors/refused.html", message=message, reload_url=_same_site_referrer()
    ), 409


def _same_site_referrer() -> str | None:
    """The page the person came from, when it is a page of this site."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else None


def without_actor(service: Callable) -> Callable:
    """``service`` for :func:`run_service` when nobody identified acts (a visitor's
    registration, a login, a password reset): it takes no ``actor``."""

    @wraps(service)
    def run(*args, actor, **kwargs):
        return service(*args, **kwargs)

    return run


def form_errors(form) -> str:
    """Every error message of an invalid form, as one line."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def flash_form_errors(form) -> None:
    """Flash each error of an invalid form (for forms posted from a list page)."""
    for messages in form.errors.values():
        for message in messages:
            flash(str(message), "error")
