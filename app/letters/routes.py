"""Letters: the applicant's downloads, the public verification page, staff pages."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.applications.models import Application
from app.auth.models import Role
from app.common.access import role_required
from app.extensions import db, limiter
from app.letters import bp
from app.letters.models import DONE, Letter
from app.letters.services import (
    applicant_letters,
    letters_of,
    matches,
    normalise_code,
    verify_code,
)

#: Largest PDF the verification page accepts.
MAX_VERIFY_BYTES = 10 * 1024 * 1024


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    return application


@bp.context_processor
def _labels() -> dict:
    from app.letters.wording import OUTCOME_LABELS, STATUS_LABELS

    return {"outcome_labels": OUTCOME_LABELS, "letter_status_labels": STATUS_LABELS}


@bp.app_template_global()
def letters_link(application) -> str:
    """The absolute address of an applicant's letters (for emails)."""
    from app.common.access import external_url

    return external_url("letters.applicant_letters", application_id=application.id)


@bp.route("/applications/<int:application_id>/letters", endpoint="applicant_letters")
@login_required
def applicant_letters_view(application_id):
    """The applicant's decision letters, to download, forward and verify."""
    application = _application_or_404(application_id)
    if application.applicant_id != current_user.id:
        abort(404)
    return render_template(
        "letters/mine.html", application=application, letters=applicant_letters(application)
    )


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
def download(letter_id):
    """One letter as PDF: its owner (once visible to them) or staff."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.status != DONE:
        abort(404)
    if not current_user.has_role(Role.STAFF):
        if letter.application.applicant_id != current_user.id:
            abort(404)
        if letter not in applicant_letters(letter.application):
            abort(404)
    from app.letters.store import read_pdf

    try:
        data = read_pdf(letter.sha256)
    except OSError:
        abort(404)
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if request.args.get("inline") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{letter.download_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Public verification -------------------------------------------------------------


@bp.route("/verify", methods=["GET"])
def verify_lookup():
    """Type the code printed on a letter."""
    code = request.args.get("code", "")
    if code:
        normal = normalise_code(code)
        if normal:
            return redirect(url_for("letters.verify", code=normal))
        flash(_("A verification code has 12 letters and digits, e.g. K7QX-4M2P-9DHT."), "error")
    return render_template("letters/verify_lookup.html", code=code)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def verify(code):
    """What a letter's code confirms: reference, outcome, date, SHA-256 of the PDF; and
    whether a given PDF (uploaded, or its SHA-256) is the genuine one."""
    letter = verify_code(code)
    result = None
    if request.method == "POST" and letter is not None:
        upload = request.files.get("pdf")
        if upload is not None and upload.filename:
            data = upload.stream.read(MAX_VERIFY_BYTES + 1)
            if len(data) > MAX_VERIFY_BYTES:
                flash(_("This file is too large to be one of our letters."), "error")
            else:
                result = matches(letter, data=data)
        elif request.form.get("sha256", "").strip():
            result = matches(letter, sha256=request.form["sha256"])
        else:
            flash(_("Choose the PDF file, or paste its SHA-256."), "error")
    status = 200 if letter is not None else 404
    return render_template("letters/verify.html", letter=letter, code=code, result=result), status


# Staff --------------------------------------------------------------------------------


@bp.route("/staff/applications/<int:application_id>/letters")
@role_required(Role.STAFF)
def dossier_letters(application_id):
    """Every letter of a dossier, every version, with what the applicant sees."""
    application = _application_or_404(application_id)
    letters = letters_of(application)
    visible = {letter.id for letter in applicant_letters(application)}
    return render_template(
        "letters/staff/dossier.html", application=application, letters=letters, visible=visible
    )


from app.letters import staff_routes  # noqa: E402,F401
