"""Small pieces shared by the views of every area."""

from flask import flash
from flask_login import current_user

from app.common.errors import Refusal
from app.extensions import db


def perform(change, *args, done: str) -> bool:
    """Run a service as the current user, then commit and flash ``done``.

    On a :class:`Refusal`, roll everything back and flash why. Returns whether the
    change was made.
    """
    try:
        change(*args, actor=current_user)
    except Refusal as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(done, "success")
    return True
