"""The selection's pages: the chair's proposal and deliberation, publication, the call's
selection rules, the decision record and the ranking export.

Staff and the call's chairs see them (404 for everyone else); only a chair of the call
moves dossiers and publishes. The applicant's side (the explanation of the decision,
confirm or decline) is on the dossier page (applications.show_application).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.applications.questions import QUESTIONS
from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required, wants_page
from app.common.errors import Refusal
from app.common.exports import csv_response
from app.extensions import db
from app.jury.scoring import is_chair_of, may_steer
from app.selection import bp
from app.selection.exports import ranking
from app.selection.forms import (
    BALANCE_ATTRIBUTES,
    DECISION_LABELS,
    TIE_BREAK_LABELS,
    ComputeForm,
    MoveForm,
    PublishForm,
    RulesForm,
)
from app.selection.page import load, load_record
from app.selection.services import SelectionError, override, publish, refresh_draft

PER_PAGE = 100


def _steered_call(call_id: int) -> Call:
    """The call, if the current user is staff or one of its chairs; 404 otherwise."""
    call = db.get_or_404(Call, call_id)
    if not may_steer(call, current_user):
        abort(404)
    return call


def _chairs(call: Call) -> bool:
    return current_user.has_role(Role.CHAIR) and is_chair_of(call, current_user)


def _back(call: Call):
    return redirect(url_for("selection.proposal", call_id=call.id))


@bp.route("/calls/<int:call_id>/selection")
@role_required(Role.STAFF, Role.CHAIR)
def proposal(call_id):
    """The proposal beside the pure ranking, with each dossier's stability; the moves."""
    call = _steered_call(call_id)
    everything = request.args.get("all") == "1"
    data = load(call, current_user, everything=everything)
    rows = data.rows
    pages = None
    if everything:
        number = wants_page()
        pages = {
            "page": number,
            "pages": max(1, -(-len(rows) // PER_PAGE)),
        }
        rows = rows[(number - 1) * PER_PAGE : number * PER_PAGE]
    return render_template(
        "selection/proposal.html",
        data=data,
        rows=rows,
        pages=pages,
        everything=everything,
        may_decide=_chairs(call),
        move_form=MoveForm(),
        decision_labels=DECISION_LABELS,
        attribute_labels=BALANCE_ATTRIBUTES,
    )


@bp.route("/calls/<int:call_id>/selection/compute", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def compute(call_id):
    """Compute the proposal from the ranking again, keeping the chair's moves."""
    call = _steered_call(call_id)
    if not _chairs(call):
        abort(404)
    if not ComputeForm().validate_on_submit():
        flash(_("The form was incomplete. Reload the page and try again."), "error")
        return _back(call)
    try:
        refresh_draft(call, actor=current_user)
    except Refusal as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(call)
    db.session.commit()
    flash(_("The proposal is computed from the current ranking."), "success")
    return _back(call)


@bp.route("/calls/<int:call_id>/selection/dossiers/<int:application_id>/move", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def move(call_id, application_id):
    """The chair moves a dossier in or out, with a written justification."""
    call = _steered_call(call_id)
    if not _chairs(call):
        abort(404)
    form = MoveForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(call)
    try:
        override(
            call, application_id, form.decision.data, form.justification.data, actor=current_user
        )
    except SelectionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(call)
    db.session.commit()
    flash(_("The dossier is moved; your justification is kept in the decision record."), "success")
    return redirect(url_for("selection.proposal", call_id=call.id, _anchor=f"d{application_id}"))


@bp.route("/calls/<int:call_id>/selection/publish", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.CHAIR)
def publish_selection(call_id):
    """Restate the counts, then publish every decision at once (chairs only)."""
    call = _steered_call(call_id)
    if not _chairs(call):
        abort(404)
    data = load(call, current_user)
    if data.round is None:
        flash(_("There is no selection proposal to publish for this call."), "error")
        return _back(call)
    form = PublishForm()
    if request.method == "POST" and data.published:
        flash(_("The selection of this call is already published."), "info")
        return _back(call)
    if form.validate_on_submit():
        try:
            counts = publish(call, actor=current_user)
        except Refusal as error:
            db.session.rollback()
            flash(str(error), "error")
            return _back(call)
        db.session.commit()
        flash(
            _(
                "Published: %(selected)d selected, %(reserve)d on the reserve list, "
                "%(not_selected)d not selected. Each applicant is told by email.",
                **counts,
            ),
            "success",
        )
        return _back(call)
    status = 422 if form.errors else 200
    return render_template("selection/publish.html", data=data, form=form), status


@bp.route("/calls/<int:call_id>/selection/rules", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.CHAIR)
def rules(call_id):
    """The call's selection rules: tie-break order, balance rules, days to confirm."""
    call = _steered_call(call_id)
    data = load(call, current_user)
    form = RulesForm(
        data={
            "confirmation_days": call.confirmation_days,
            "tie_breaks": _padded(
                [
                    {"kind": t.get("kind", ""), "criterion": str(t.get("criterion") or "")}
                    for t in call.tie_breaks or []
                ],
                3,
            ),
            "balance_rules": _padded(
                [{**r, "value": r.get("value") or ""} for r in call.balance_rules or []], 4
            ),
        }
        if request.method == "GET"
        else None
    )
    criteria = [(str(c.position), c.name) for c in call.criteria]
    for entry in form.tie_breaks:
        entry.form.criterion.choices = [
            SelectChoice(value, label) for value, label in [("", "—"), *criteria]
        ]
    invalid = False
    if request.method == "POST":
        if data.published:
            flash(_("The selection of this call is already published."), "error")
            return redirect(url_for("selection.rules", call_id=call.id))
        invalid = not (form.validate_on_submit() and _valid_rules(form, criteria))
        if not invalid:
            call.confirmation_days = form.confirmation_days.data
            call.tie_breaks = _tie_breaks(form)
            call.balance_rules = _balance_rules(form)
            db.session.commit()
            flash(_("The selection rules are saved. Compute the proposal again."), "success")
            return redirect(url_for("selection.rules", call_id=call.id))
    return render_template(
        "selection/rules.html",
        call=call,
        form=form,
        published=data.published,
        tie_break_labels=TIE_BREAK_LABELS,
        attribute_values={
            BALANCE_ATTRIBUTES[name]: QUESTIONS[name].choices for name in BALANCE_ATTRIBUTES
        },
    ), (422 if invalid else 200)


def _padded(items: list[dict], size: int) -> list[dict]:
    return (items + [{}] * size)[:size]


def _valid_rules(form: RulesForm, criteria) -> bool:
    """Field-level checks WTForms cannot express; errors are attached to their fields."""
    positions = {value for value, _label in criteria}
    ok = True
    for entry in form.tie_breaks:
        sub = entry.form
        if sub.kind.data == "criterion_mean" and sub.criterion.data not in positions:
            sub.criterion.errors = [_("Choose the criterion this rule looks at.")]
            ok = False
    for entry in form.balance_rules:
        sub = entry.form
        if not sub.attribute.data:
            continue
        if sub.count.data is None:
            sub.count.errors = [_("Give the number of projects.")]
            ok = False
        choices = QUESTIONS[sub.attribute.data].choices
        value = (sub.value.data or "").strip()
        if value and value not in {str(v) for v, _label in choices}:
            listed = ", ".join(f"{v} ({label})" for v, label in choices)
            sub.value.errors = [_("Use one of: %(values)s.", values=listed)]
            ok = False
        if sub.kind.data == "at_least" and not value:
            sub.value.errors = [_("An “at least” rule needs a value, e.g. F for women.")]
            ok = False
    return ok


def _tie_breaks(form: RulesForm) -> list[dict]:
    rules = []
    for entry in form.tie_breaks:
        kind = entry.form.kind.data
        if kind == "criterion_mean":
            rules.append({"kind": kind, "criterion": int(entry.form.criterion.data)})
        elif kind:
            rules.append({"kind": kind})
    return rules


def _balance_rules(form: RulesForm) -> list[dict]:
    return [
        {
            "attribute": entry.form.attribute.data,
            "value": (entry.form.value.data or "").strip() or None,
            "kind": entry.form.kind.data,
            "count": entry.form.count.data,
        }
        for entry in form.balance_rules
        if entry.form.attribute.data
    ]


@bp.route("/calls/<int:call_id>/selection/record")
@role_required(Role.STAFF, Role.CHAIR)
def record(call_id):
    """The decision record for the partners (printable)."""
    call = _steered_call(call_id)
    return render_template(
        "selection/record.html",
        record=load_record(call, current_user),
        decision_labels=DECISION_LABELS,
        attribute_labels=BALANCE_ATTRIBUTES,
    )


@bp.route("/calls/<int:call_id>/selection/ranking.csv")
@role_required(Role.STAFF, Role.CHAIR)
def ranking_csv(call_id):
    """rank, reference, score, decision."""
    call = _steered_call(call_id)
    header, rows = ranking(call)
    return csv_response(f"{call.reference}-ranking.csv", header, rows)
