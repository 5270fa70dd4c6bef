"""Which form a call asks and a dossier was answered under.

A call uses the default form (MBI's, from its shipped template) until staff shape its
own (app.application_forms.services.save_form); a dossier keeps the version it was
started under. Versions never change once written, so each process keeps the forms it
has read (:func:`form_of_version`): a page costs no query for its form after the first.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import event

from app.application_forms.definition import Form
from app.application_forms.models import FormVersion
from app.application_forms.reader import read_form
from app.applications.questions import call_template
from app.extensions import db

#: The template a call's form starts from until staff shape its own.
DEFAULT_TEMPLATE = "mbi"


@cache
def default_form() -> Form:
    """The form of a call that has none of its own: the default template's."""
    return read_form(call_template(DEFAULT_TEMPLATE)["form"])


_READ: dict[int, Form] = {}


@event.listens_for(FormVersion, "after_insert")
def _forget_read_forms(*_args) -> None:
    """A new version may reuse the id of one deleted (tests empty their tables)."""
    _READ.clear()


def form_of_version(version_id: int | None) -> Form:
    """The form of version ``version_id`` (None: the default form)."""
    if version_id is None:
        return default_form()
    if version_id not in _READ:
        version = db.session.get(FormVersion, version_id)
        _READ[version_id] = read_form(version.definition)
    return _READ[version_id]


def call_form(call) -> Form:
    """The form a dossier started now on ``call`` is answered with."""
    return form_of_version(call.form_version_id)


def application_form(application) -> Form:
    """The form ``application`` was answered with (no version: the default form, which
    its call used when it was started)."""
    return form_of_version(application.form_version_id)


def current_definition(call) -> dict:
    """The call's form as data (what the editor shows and the export writes)."""
    if call.form_version_id is None:
        return call_template(DEFAULT_TEMPLATE)["form"]
    return db.session.get(FormVersion, call.form_version_id).definition
