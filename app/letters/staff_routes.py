"""Staff pages of the letters: progress per call, retry, regeneration, previews."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required
from app.common.views import perform
from app.extensions import db
from app.letters import bp
from app.letters.models import OUTCOMES, Letter
from app.letters.services import progress, regenerate, retry_failed
from app.letters.wording import OUTCOME_LABELS


def _call_or_404(call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    return call


@bp.route("/staff/calls/<int:call_id>/letters")
@role_required(Role.STAFF)
def call_letters(call_id):
    """Progress of the call's letters (done / total, failures, retry); the page polls
    the JSON below when JavaScript is on, and a reload shows the same without it."""
    call = _call_or_404(call_id)
    return render_template("letters/staff/progress.html", call=call, progress=progress(call))


@bp.route("/staff/calls/<int:call_id>/letters/progress.json")
@role_required(Role.STAFF)
def progress_json(call_id):
    call = _call_or_404(call_id)
    response = jsonify(progress(call).as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/calls/<int:call_id>/letters/retry", methods=["POST"])
@role_required(Role.STAFF)
def retry(call_id):
    """Queue again the call's failed (and still pending) letters."""
    call = _call_or_404(call_id)
    count = retry_failed(call)
    db.session.commit()
    if count:
        flash(_("%(count)s letters queued again.", count=count), "success")
    else:
        flash(_("Nothing to retry: every letter is generated."), "info")
    return redirect(url_for("letters.call_letters", call_id=call.id))


@bp.route("/staff/letters/<int:letter_id>/regenerate", methods=["POST"])
@role_required(Role.STAFF)
def regenerate_letter(letter_id):
    """Generate a letter again after a correction: a new version supersedes it."""
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404)
    application_id = letter.application_id
    perform(
        regenerate,
        letter,
        done=_(
            "A new version of the letter is being generated; "
            "the previous one is kept, marked superseded."
        ),
    )
    return redirect(url_for("letters.dossier_letters", application_id=application_id))


@bp.route("/staff/letters/preview")
@role_required(Role.STAFF)
def preview():
    """Choose an outcome, a language and a call's letterhead; see the letter with demo data."""
    calls = db.session.scalars(db.select(Call).order_by(Call.opens_at.desc())).all()
    return render_template(
        "letters/staff/preview.html",
        outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS,
        letter_languages=current_app.config["LETTER_LANGUAGES"],
        calls=calls,
        chosen={
            "outcome": request.args.get("outcome", "selected"),
            "locale": request.args.get("locale", "fr"),
            "call_id": request.args.get("call_id", type=int),
        },
    )


@bp.route("/staff/letters/preview.pdf")
@role_required(Role.STAFF)
def preview_pdf():
    """A letter with demo data as PDF (never stored, never verifiable)."""
    from app.letters.content import demo_context
    from app.letters.rendering import renderer

    outcome = request.args.get("outcome", "selected")
    locale = request.args.get("locale", "fr")
    if outcome not in OUTCOMES:
        outcome = "selected"
    if locale not in current_app.config["LETTER_LANGUAGES"] and locale != "ar":
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    call_id = request.args.get("call_id", type=int)
    call = db.session.get(Call, call_id) if call_id else None
    context = demo_context(outcome, locale, call)
    data, _pages = renderer().pdf(context, variant=current_app.config["LETTER_PDF_VARIANT"])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="preview-{outcome}-{locale}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
