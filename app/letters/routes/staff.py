"""Staff pages of the letters: every version of a dossier's letters, progress per call,
retry, regeneration, previews."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import may_manage_letters, role_required
from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.views import permitted_or_404, run_service
from app.extensions import db
from app.letters import bp
from app.letters.content import demo_context
from app.letters.models import OUTCOMES, Letter
from app.letters.rendering import renderer
from app.letters.services import letters_of, progress, regenerate, retry_failed
from app.letters.wording import OUTCOME_LABELS
from workflows.letters import LetterOutcome


@bp.route("/staff/applications/<int:application_id>/letters")
@role_required(Role.STAFF)
def dossier_letters(application_id):
    """Every letter of a dossier, every version, with what the applicant sees."""
    application = permitted_or_404(Application, application_id, may_manage_letters)
    letters = letters_of(application, current_user)
    visible = {letter.id for letter in letters if letter.released}
    return render_template(
        "letters/staff/dossier.html", application=application, letters=letters, visible=visible
    )


@bp.route("/staff/calls/<int:call_id>/letters")
@role_required(Role.STAFF)
def call_letters(call_id):
    """Progress of the call's letters (done / total, failures, retry); the page polls."""
    call = db.get_or_404(Call, call_id)
    return render_template(
        "letters/staff/progress.html", call=call, progress=progress(call, current_user)
    )


@bp.route("/staff/calls/<int:call_id>/letters/progress.json")
@role_required(Role.STAFF)
def progress_json(call_id):
    """The progress of the call's letters, as the page polls it."""
    call = db.get_or_404(Call, call_id)
    response = jsonify(progress(call, current_user).as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


def _retried(count: int) -> str:
    if not count:
        return _("Nothing to retry: every letter is generated.")
    return _("%(count)s letters queued again.", count=count)


@bp.route("/staff/calls/<int:call_id>/letters/retry", methods=["POST"])
@role_required(Role.STAFF)
def retry(call_id):
    """Queue again the call's failed (and still pending) letters."""
    call = db.get_or_404(Call, call_id)
    back = url_for("letters.call_letters", call_id=call.id)
    return run_service(retry_failed, call, done=_retried, back=back)


@bp.route("/staff/letters/<int:letter_id>/regenerate", methods=["POST"])
@role_required(Role.STAFF)
def regenerate_letter(letter_id):
    """Generate a letter again after a correction: a new version supersedes it."""
    letter = db.get_or_404(Letter, letter_id)
    if not may_manage_letters(current_user, letter.application):
        abort(404)
    return run_service(
        regenerate,
        letter,
        done=_(
            "A new version of the letter is being generated; "
            "the previous one is kept, marked superseded."
        ),
        back=url_for("letters.dossier_letters", application_id=letter.application_id),
    )


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
            "outcome": request.args.get("outcome", LetterOutcome.SELECTED),
            "locale": request.args.get("locale", "fr"),
            "call_id": request.args.get("call_id", type=int),
        },
    )


@bp.route("/staff/letters/preview.pdf")
@role_required(Role.STAFF)
def preview_pdf():
    """A letter with demo data as PDF (never stored, never verifiable)."""
    outcome = request.args.get("outcome", LetterOutcome.SELECTED)
    if outcome not in OUTCOMES:
        outcome = LetterOutcome.SELECTED
    locale = request.args.get("locale", "fr")
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
