"""The applicant's letters: the list of their dossier's letters, and each one as PDF
(which staff download too)."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from app.access.policy import may_list_own_letters, may_read_letter
from app.applications.models import Application
from app.common.views import permitted_or_404
from app.extensions import db
from app.letters import bp
from app.letters.models import DONE, Letter
from app.letters.services import letters_of
from app.letters.store import read_pdf


@bp.route("/applications/<int:application_id>/letters", endpoint="applicant_letters")
@login_required
def applicant_letters_view(application_id):
    """The applicant's decision letters, to download, forward and verify."""
    application = permitted_or_404(Application, application_id, may_list_own_letters)
    letters = [
        letter
        for letter in letters_of(application, current_user)
        if letter.released and may_read_letter(current_user, letter)
    ]
    return render_template("letters/mine.html", application=application, letters=letters)


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
def download(letter_id):
    """One letter as PDF: its owner (once released to them) or staff."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.status != DONE or not may_read_letter(current_user, letter):
        abort(404)
    try:
        data = read_pdf(letter.sha256)
    except OSError:
        abort(404)
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if request.args.get("inline") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{letter.download_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
