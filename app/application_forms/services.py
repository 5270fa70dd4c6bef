"""Saving a call's form: a new version, and which dossiers follow it.

A call uses the default form (MBI's, from its shipped template) until staff shape its
own; each save writes a new :class:`FormVersion` and points the call at it. A dossier
keeps the version it was started under, so its answers always read with their own
questions:

- a change of wording only (labels, help, intros, translations) reaches every dossier
  at once (they move to the new version: the questions are the same);
- a change of the questions (added, removed, another type, limits, choices, a
  condition) reaches every draft while no dossier was submitted; once one was, only
  the drafts started later use it, and the others keep the version they know.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update

from app.application_forms.models import FormVersion
from app.application_forms.reader import form_problems
from app.application_forms.versions import current_definition
from app.applications.models import Application
from app.auth.models import User
from app.calls.models import Call
from app.common.errors import ConcurrentUpdate, Refusal
from app.events import Event, announce
from app.extensions import db


class FormError(Refusal):
    """A form that cannot be saved; ``problems`` name each with its path in the form."""

    def __init__(self, message, problems: list[tuple[str, str]] = ()):
        super().__init__(message)
        self.problems = list(problems)


def _shape(definition: dict) -> dict:
    """A definition without its wording: what answers depend on."""
    wording = {"title", "intro", "label", "help"}
    if isinstance(definition, dict):
        return {k: _shape(v) for k, v in definition.items() if k not in wording}
    if isinstance(definition, list):
        return [_shape(item) for item in definition]
    return definition


def save_form(
    call: Call, definition: dict, *, actor: User | None, expected_version: int | None = -1
) -> FormVersion:
    """Save ``definition`` as the call's new form version; announced as ``form_edited``
    with what changed (``wording`` or ``questions``) and how many dossiers follow it.

    Raises FormError naming every problem when the form would break, ConcurrentUpdate
    when the form is no longer ``expected_version`` (the version the editor showed; -1:
    not checked).
    """
    if expected_version != -1 and expected_version != call.form_version_id:
        raise ConcurrentUpdate()
    problems = form_problems(definition)
    if problems:
        listed = "; ".join(f"{path}: {what}" for path, what in problems)
        raise FormError(
            _l("The form cannot be saved as it is: %(problems)s", problems=listed), problems
        )
    before = current_definition(call)
    if definition == before:
        raise FormError(_l("Nothing changed in the form."))
    wording_only = _shape(definition) == _shape(before)
    number = db.session.scalar(
        select(func.coalesce(func.max(FormVersion.number), 0)).where(FormVersion.call_id == call.id)
    )
    version = FormVersion(
        call_id=call.id,
        number=number + 1,
        definition=definition,
        change="wording" if wording_only else "questions",
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    previous = call.form_version_id
    follow = wording_only or not _submitted_under(call, previous)
    moved = 0
    if follow:
        moved = db.session.execute(
            update(Application)
            .where(
                Application.call_id == call.id,
                Application.form_version_id.is_(None)
                if previous is None
                else Application.form_version_id == previous,
            )
            .values(form_version_id=version.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    call.form_version_id = version.id
    announce(
        Event.FORM_EDITED,
        actor=actor,
        subject=call,
        call_id=call.id,
        data={"version": version.number, "change": version.change, "dossiers_moved": moved},
    )
    db.session.flush()
    return version


def _submitted_under(call: Call, version_id: int | None) -> bool:
    """Whether a dossier answered with this version was ever submitted."""
    on_version = (
        Application.form_version_id.is_(None)
        if version_id is None
        else Application.form_version_id == version_id
    )
    return db.session.scalar(
        select(
            exists().where(
                Application.call_id == call.id, on_version, Application.submitted_at.is_not(None)
            )
        )
    )
