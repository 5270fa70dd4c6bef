"""The public verification page: what a letter's code confirms, and whether a PDF is the
genuine one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.letters import bp
from app.letters.verification import matches, normalise_code, verify_code

#: Largest PDF the verification page accepts.
MAX_VERIFY_BYTES = 10 * 1024 * 1024


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


def _checked(letter) -> bool | None:
    """Whether the PDF (or the SHA-256) posted is ``letter``; None when nothing usable was
    posted (the reason is flashed)."""
    upload = request.files.get("pdf")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_VERIFY_BYTES + 1)
        if len(data) <= MAX_VERIFY_BYTES:
            return matches(letter, data=data)
        flash(_("This file is too large to be one of our letters."), "error")
    elif request.form.get("sha256", "").strip():
        return matches(letter, sha256=request.form["sha256"])
    else:
        flash(_("Choose the PDF file, or paste its SHA-256."), "error")
    return None


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def verify(code):
    """What a letter's code confirms, and whether a given PDF (or SHA-256) is genuine."""
    letter = verify_code(code)
    result = _checked(letter) if request.method == "POST" and letter is not None else None
    status = 200 if letter is not None else 404
    return render_template("letters/verify.html", letter=letter, code=code, result=result), status
