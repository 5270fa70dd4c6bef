"""The selection's pages: the chair's proposal and deliberation, publication, the call's
selection rules, the decision record (paged, and whole as a streamed printable page) and
the ranking export.

Staff and the call's chairs see them (app.access.policy.may_steer_jury; 404 for
everyone else); only a chair of the call computes, moves and publishes
(may_decide_selection). A dossier the viewer declared a conflict with shows as an
anonymous row (app.selection.page, app.selection.record). The applicant's side (the
explanation of the decision, confirm or decline) is on the dossier page
(applications.show_application).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from flask import Response, flash, redirect, render_template, request, stream_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import may_decide_selection, may_steer_jury, role_required
from app.auth.models import Role
from app.calls.models import Call
from app.common.exports import call_csv
from app.common.urls import wants_page
from app.common.views import permitted_or_404, run_posted, run_service
from app.i18n import decimal_format, page_locale
from app.selection import bp
from app.selection.errors import AlreadyPublished
from app.selection.exports import ranking
from app.selection.forms import (
    DECISION_LABELS,
    TIE_BREAK_LABELS,
    ComputeForm,
    MoveForm,
    PublishForm,
    RulesForm,
    balance_attributes,
    balance_values,
)
from app.selection.page import load
from app.selection.record import load_record
from app.selection.services import is_published, override, publish, refresh_draft, save_rules
from app.selection.wording import MOVE_REASON_LABELS, tie_break_sentences


def _steered_call(call_id: int) -> Call:
    """The call, if the current user is staff or one of its chairs; 404 otherwise."""
    return permitted_or_404(Call, call_id, may_steer_jury)


def _decided_call(call_id: int) -> Call:
    """The call, if the current user is one of its chairs; 404 otherwise."""
    return permitted_or_404(Call, call_id, may_decide_selection)


def _proposal_url(call: Call, **anchor) -> str:
    return url_for("selection.proposal", call_id=call.id, **anchor)


def _labels(call: Call) -> dict:
    """The labels the proposal and the record write decisions, reasons and rules with,
    translated once for the page rather than once per row."""
    return {
        "decision_labels": {key: str(label) for key, label in DECISION_LABELS.items()},
        "reason_labels": {key: str(label) for key, label in MOVE_REASON_LABELS.items()},
        "attribute_labels": balance_attributes(call),
        "value_labels": balance_values(call),
        "tie_labels": tie_break_sentences(call),
        "rank_label": _("rank %(rank)d"),
        "two_decimals": decimal_format(page_locale(), 2),  # the scores: "85,70" in French
    }


def _in_chunks(pieces: Iterator[str], size: int = 64 * 1024) -> Iterator[str]:
    """The many small pieces a streamed template yields, joined into chunks of ``size``
    characters or so (one write each); closes ``pieces`` when the response is closed."""
    buffer, length = [], 0
    with closing(pieces):
        for piece in pieces:
            buffer.append(piece)
            length += len(piece)
            if length >= size:
                yield "".join(buffer)
                buffer, length = [], 0
        if buffer:
            yield "".join(buffer)


@bp.route("/calls/<int:call_id>/selection")
@role_required(Role.STAFF, Role.CHAIR)
def proposal(call_id):
    """The proposal beside the pure ranking, with each dossier's stability; the moves."""
    call = _steered_call(call_id)
    everything = request.args.get("all") == "1"
    return render_template(
        "selection/proposal.html",
        data=load(call, current_user, everything=everything, page=wants_page()),
        everything=everything,
        may_decide=may_decide_selection(current_user, call),
        move_form=MoveForm(),
        **_labels(call),
    )


@bp.route("/calls/<int:call_id>/selection/compute", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def compute(call_id):
    """Compute the proposal from the ranking again, keeping the chair's moves."""
    call = _decided_call(call_id)
    if not ComputeForm().validate_on_submit():
        flash(_("The form was incomplete. Reload the page and try again."), "error")
        return redirect(_proposal_url(call))
    return run_service(
        refresh_draft,
        call,
        done=_("The proposal is computed from the current ranking."),
        back=_proposal_url(call),
    )


@bp.route("/calls/<int:call_id>/selection/dossiers/<int:application_id>/move", methods=["POST"])
@role_required(Role.STAFF, Role.CHAIR)
def move(call_id, application_id):
    """The chair moves a dossier in or out, with a written justification and a reason."""
    call = _decided_call(call_id)
    form = MoveForm()
    return run_posted(
        form,
        override,
        call,
        application_id,
        form.decision.data,
        form.justification.data,
        reason=form.reason.data,
        done=_("The dossier is moved; your justification is kept in the decision record."),
        back=_proposal_url(call),
        then=_proposal_url(call, _anchor=f"d{application_id}"),
    )


@bp.route("/calls/<int:call_id>/selection/publish", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.CHAIR)
def publish_selection(call_id):
    """Restate the counts, then publish every decision at once (chairs only)."""
    call = _decided_call(call_id)
    data = load(call, current_user, rows=False)
    if data.round is None:
        flash(_("There is no selection proposal to publish for this call."), "error")
        return redirect(_proposal_url(call))
    if request.method == "POST" and data.published:
        raise AlreadyPublished()  # the 409 page: someone published it meanwhile
    form = PublishForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("selection/publish.html", data=data, form=form), status
    return run_service(
        publish,
        call,
        done=lambda counts: _(
            "Published: %(selected)d selected, %(reserve)d on the reserve list, "
            "%(not_selected)d not selected. Each applicant is told by email.",
            **counts,
        ),
        back=_proposal_url(call),
    )


@bp.route("/calls/<int:call_id>/selection/rules", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.CHAIR)
def rules(call_id):
    """The call's selection rules: tie-break order, balance rules, days to confirm."""
    call = _steered_call(call_id)
    posted = request.method == "POST"
    form = RulesForm.for_call(call, posted=posted)
    if posted and form.validate_on_submit():
        back = url_for("selection.rules", call_id=call.id)
        return run_service(
            save_rules,
            call,
            form.rules(),
            done=_("The selection rules are saved. Compute the proposal again."),
            back=back,
        )
    return render_template(
        "selection/rules.html",
        call=call,
        form=form,
        published=is_published(call),
        tie_break_labels=TIE_BREAK_LABELS,
        attribute_values={
            balance_attributes(call)[name]: choices for name, choices in form.answer_choices.items()
        },
    ), (422 if posted else 200)


@bp.route("/calls/<int:call_id>/selection/record")
@role_required(Role.STAFF, Role.CHAIR)
def record(call_id):
    """The decision record for the partners, its ranking a page at a time."""
    call = _steered_call(call_id)
    return render_template(
        "selection/record.html",
        record=load_record(call, current_user, page=wants_page()),
        **_labels(call),
    )


@bp.route("/calls/<int:call_id>/selection/record/print")
@role_required(Role.STAFF, Role.CHAIR)
def record_print(call_id):
    """The whole decision record as one printable page, streamed as it is written."""
    call = _steered_call(call_id)
    written = stream_template(
        "selection/record_print.html",
        record=load_record(call, current_user, full=True),
        **_labels(call),
    )
    response = Response(_in_chunks(written), mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/calls/<int:call_id>/selection/ranking.csv")
@role_required(Role.STAFF, Role.CHAIR)
def ranking_csv(call_id):
    """rank, reference, score, decision (a dossier in conflict with the reader: anonymous)."""
    return call_csv(_steered_call(call_id), "ranking", ranking)
