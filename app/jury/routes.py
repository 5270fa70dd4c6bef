"""Jurors' and chairs' pages. The jury phase itself (conflicts, assignment, scoring) comes next."""

from flask import render_template
from sqlalchemy import func, select

from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.access import role_required
from app.extensions import db
from app.jury import bp


@bp.route("/")
@role_required(Role.JUROR, Role.CHAIR)
def home():
    """A juror's home: the calls in jury phase, their progress, and the chair's board link."""
    from flask_login import current_user

    from app.jury.scoring import jury_home_progress

    in_review = db.session.execute(
        select(Call, func.count(Application.id))
        .join(Application, Application.call_id == Call.id)
        .where(Application.status.in_(["eligible", "in_review", "scored"]))
        .group_by(Call.id)
        .order_by(Call.closes_at.desc())
    ).all()
    return render_template(
        "jury/home.html", in_review=in_review, **jury_home_progress(current_user)
    )


# The views of the other rooms of this area attach themselves to the blueprint.
from app.jury import conflict_routes, scoring_routes, staff_routes  # noqa: E402,F401
