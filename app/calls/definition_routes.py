"""Staff pages to start a call from another one: "New call from this one", a call's
definition downloaded as JSON, and a call imported from such a file."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from app.access.policy import role_required
from app.auth.models import Role
from app.calls import bp
from app.calls.definition import (
    default_dates,
    definition_json,
    export_definition,
    import_definition,
    read_definition,
)
from app.calls.definition_checks import definition_problems
from app.calls.definition_forms import ImportForm, NewCallForm
from app.calls.models import Call
from app.common.clock import from_brussels_naive, to_brussels, utcnow
from app.common.views import run_service
from app.extensions import db


@bp.route("/staff/calls/<int:call_id>/definition.json")
@role_required(Role.STAFF)
def export_call(call_id):
    """The call's definition as a JSON file to download."""
    call = db.get_or_404(Call, call_id)
    filename = f"{call.reference}.json"
    return Response(
        definition_json(call),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/staff/calls/<int:call_id>/copy", methods=["GET", "POST"])
@role_required(Role.STAFF)
def copy_call(call_id):
    """A new call from this one: its definition, with a new reference, name and dates."""
    call = db.get_or_404(Call, call_id)
    form = NewCallForm()
    if request.method == "GET":
        _suggest(form, call)
    page = _page(form, call)
    if not form.validate_on_submit():
        return page()
    return _create(form, export_definition(call), [], {"copied_from": call.reference}, page)


@bp.route("/staff/calls/import", methods=["GET", "POST"])
@role_required(Role.STAFF)
def import_call():
    """A new call from a definition file (docs/call-definition.md)."""
    form = ImportForm()
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = (_wall_clock(d) for d in default_dates())
    page = _page(form, None)
    if not form.validate_on_submit():
        return page()
    data, problems = read_definition(form.file.data.read())
    source = {"imported_from": PurePath(form.file.data.filename or "").name[:120]}
    return _create(form, data, problems, source, page)


def _create(form, data, problems: list, source: dict, page):
    """Create the call, or show the page again with every problem of the definition."""
    problems = problems or definition_problems(data, form.reference.data)
    if problems:
        return page(problems)
    return run_service(
        import_definition,
        data,
        reference=form.reference.data,
        name=(form.name.data or "").strip() or None,
        opens_at=from_brussels_naive(form.opens_at.data),
        closes_at=from_brussels_naive(form.closes_at.data),
        source=source,
        done=lambda new: _("Call %(reference)s created.", reference=new.reference),
        then=lambda new: url_for("calls.show_call", call_id=new.id),
        refused=lambda message: page((), message),
    )


def _page(form, call: Call | None):
    """The page of ``form``; shown with problems (or a refusal), answered 422."""

    def show(problems=(), refusal: str | None = None):
        template = render_template(
            "calls/new_from.html", form=form, call=call, problems=problems, refusal=refusal
        )
        return (template, 422) if problems or refusal else template

    return show


def _wall_clock(moment: datetime) -> datetime:
    return to_brussels(moment).replace(tzinfo=None)


def _next_edition(text: str, years: int) -> str:
    """``text`` with its last year moved on by ``years`` (MBI-2026 → MBI-2027)."""
    found = list(re.finditer(r"(?<!\d)(20\d\d)(?!\d)", text))
    if not found:
        return ""
    last = found[-1]
    return f"{text[: last.start()]}{int(last.group()) + years}{text[last.end() :]}"


def _suggest(form: NewCallForm, call: Call) -> None:
    """Suggest the next edition: the same dates the first year they lie ahead, the
    reference and the name with that year."""
    years = max(1, utcnow().year - to_brussels(call.opens_at).year + 1)
    form.reference.data = _next_edition(call.reference, years)
    form.name.data = _next_edition(call.name, years) or call.name
    form.opens_at.data = _years_later(call.opens_at, years)
    form.closes_at.data = _years_later(call.closes_at, years)


def _years_later(moment: datetime, years: int) -> datetime:
    """The wall-clock time in Brussels ``years`` later (29 February: the 28th)."""
    local = _wall_clock(moment)
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year + years, day=day)
