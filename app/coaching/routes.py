"""Coaches' pages. Session logs, action items and milestones come with the coaching issue."""

from flask import render_template
from sqlalchemy import func, select

from app.applications.models import Application
from app.auth.models import Role
from app.coaching import bp
from app.common.access import role_required
from app.extensions import db


@bp.route("/")
@role_required(Role.COACH)
def home():
    """A coach's home: the entrepreneurs they follow."""
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.status.in_(["confirmed", "coaching"]))
    )
    return render_template("coaching/home.html", confirmed=confirmed)
