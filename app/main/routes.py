"""The landing page, each role's way home, the language switch, the privacy notice and the
site's icon."""

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from app.access.policy import role_required
from app.applications.models import Application
from app.auth.models import Role
from app.auth.services import remember_locale
from app.calls.models import Call
from app.common.clock import utcnow
from app.common.urls import safe_next_url
from app.common.views import run_service, without_actor
from app.extensions import db
from app.main import bp
from app.main.health import health_checks
from app.outbox.models import MessageStatus, OutboxMessage

#: Where each role lands after logging in, most powerful role first.
ROLE_HOMES = [
    (Role.STAFF, "main.staff_home"),
    (Role.CHAIR, "jury.home"),
    (Role.JUROR, "jury.home"),
    (Role.COACH, "coaching.home"),
    (Role.APPLICANT, "applications.my_applications"),
]


@bp.route("/")
def index():
    """Public landing page with the open calls; logged-in users go to their home."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    now = utcnow()
    calls = db.session.scalars(
        select(Call).where(Call.closes_at >= now).order_by(Call.closes_at)
    ).all()
    return render_template("main/index.html", calls=calls, now=now)


@bp.route("/home")
@role_required(*[role for role, _ in ROLE_HOMES])
def home():
    """Send the user to the home page of their main role."""
    for role, endpoint in ROLE_HOMES:
        if current_user.has_role(role):
            return redirect(url_for(endpoint))
    return redirect(url_for("main.index"))  # pragma: no cover - role_required guarantees a role


@bp.route("/staff")
@role_required(Role.STAFF)
def staff_home():
    """Staff home: the calls with their counts by state, and the outbox at a glance."""
    now = utcnow()
    calls = db.session.scalars(select(Call).order_by(Call.opens_at.desc())).all()
    counts = {}
    for call_id, status, count in db.session.execute(
        select(Application.call_id, Application.status, func.count()).group_by(
            Application.call_id, Application.status
        )
    ):
        counts.setdefault(call_id, {})[status] = count
    queued = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status != MessageStatus.SENT)
    )
    return render_template(
        "main/staff_home.html", calls=calls, counts=counts, now=now, queued=queued
    )


@bp.route("/language", methods=["POST"])
def switch_language():
    """Switch the language of the pages (and of the profile when logged in)."""
    locale = request.form.get("locale", "")
    target = safe_next_url(request.form.get("next")) or url_for("main.index")
    if locale not in current_app.config["LANGUAGES"]:
        return redirect(target)
    session["locale"] = locale
    if not current_user.is_authenticated:
        return redirect(target)
    return run_service(
        without_actor(remember_locale),
        current_user._get_current_object(),
        locale,
        done=None,  # the page, now in that language, says it
        then=target,
    )


@bp.route("/privacy")
def privacy():
    """The privacy notice."""
    return render_template("main/privacy.html")


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, for the browsers and tools that ask for /favicon.ico whatever the
    page says (the pages link the SVG in /static)."""
    return send_from_directory(
        current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


@bp.route("/healthz")
def healthz():
    """Whether the database, the job queue and the rate limits' storage answer (for load
    balancers and monitoring)."""
    checks = health_checks()
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "error", **checks}, 200 if healthy else 503
