"""Staff pages to plan a call's information sessions; visitors' registration."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.access.policy import role_required
from app.auth.models import Role
from app.calls.models import Call
from app.common.clock import from_brussels_naive, to_brussels
from app.common.exports import csv_response
from app.common.limits import SESSION_REGISTRATION_LIMIT, rate_limit
from app.common.urls import safe_next_url
from app.common.views import form_page, run_posted, run_service, without_actor
from app.extensions import db
from app.i18n import current_locale
from app.info_sessions import bp
from app.info_sessions.forms import InfoSessionForm, RegistrationForm
from app.info_sessions.models import InfoSession, public_sessions, sessions_with_counts
from app.info_sessions.services import (
    create_session,
    register_visitor,
    update_session,
)
from app.info_sessions.services import delete_session as remove_session


def _form_data(form: InfoSessionForm) -> dict:
    return {
        "city": form.city.data.strip(),
        "venue": form.venue.data.strip(),
        "starts_at": from_brussels_naive(form.starts_at.data),
        "ends_at": from_brussels_naive(form.ends_at.data),
        "capacity": form.capacity.data,
    }


def _fill_form(form: InfoSessionForm, info_session: InfoSession) -> None:
    form.process(obj=info_session)
    form.starts_at.data = to_brussels(info_session.starts_at).replace(tzinfo=None)
    form.ends_at.data = to_brussels(info_session.ends_at).replace(tzinfo=None)


def _sessions_page(call_id: int) -> str:
    return url_for("info_sessions.call_sessions", call_id=call_id)


def _save_session(template: str, page: dict, change, subject, *, done):
    """The page of the session form (``template`` with ``page``) until the form is valid,
    then ``change(subject, data)`` and on to the call's sessions; a refusal shows the page
    again with its reason."""
    form = page["form"]
    if not form.validate_on_submit():
        return form_page(template, **page)
    return run_service(
        change,
        subject,
        _form_data(form),
        done=done,
        then=lambda info_session: _sessions_page(info_session.call_id),
        refused=lambda message: form_page(template, message, **page),
    )


# Staff -----------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/sessions", methods=["GET", "POST"])
@role_required(Role.STAFF)
def call_sessions(call_id):
    """A call's information sessions with their fill rate, and a form to add one."""
    call = db.get_or_404(Call, call_id)
    return _save_session(
        "info_sessions/staff_list.html",
        {"call": call, "rows": sessions_with_counts(call), "form": InfoSessionForm()},
        create_session,
        call,
        done=lambda session: _("Session in %(city)s added.", city=session.city),
    )


@bp.route("/staff/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_session(session_id):
    """Change a session's place, times or seats."""
    info_session = db.get_or_404(InfoSession, session_id)
    form = InfoSessionForm()
    if request.method == "GET":
        _fill_form(form, info_session)
    return _save_session(
        "info_sessions/edit.html",
        {"form": form, "info_session": info_session},
        update_session,
        info_session,
        done=lambda session: _("Session in %(city)s saved.", city=session.city),
    )


@bp.route("/staff/sessions/<int:session_id>/delete", methods=["POST"])
@role_required(Role.STAFF)
def delete_session(session_id):
    """Delete a session nobody registered for."""
    info_session = db.get_or_404(InfoSession, session_id)
    return run_service(
        remove_session,
        info_session,
        done=_("Session in %(city)s deleted.", city=info_session.city),
        back=_sessions_page(info_session.call_id),
    )


@bp.route("/staff/sessions/<int:session_id>")
@role_required(Role.STAFF)
def show_session(session_id):
    """The people registered for a session."""
    info_session = db.get_or_404(InfoSession, session_id)
    return render_template("info_sessions/show.html", info_session=info_session)


@bp.route("/staff/sessions/<int:session_id>/registrations.csv")
@role_required(Role.STAFF)
def export_registrations(session_id):
    """The people registered for a session, as a CSV file."""
    info_session = db.get_or_404(InfoSession, session_id)
    day = to_brussels(info_session.starts_at).date().isoformat()
    return csv_response(
        f"{info_session.call.reference}-{info_session.city}-{day}.csv",
        [_("Name"), _("Email address"), _("Registered at")],
        ((r.full_name, r.email, r.created_at) for r in info_session.registrations),
    )


# Visitors --------------------------------------------------------------------------


@bp.route("/calls/<int:call_id>/sessions")
def public_call_sessions(call_id):
    """The call's coming information sessions, open to anyone."""
    call = db.get_or_404(Call, call_id)
    return render_template("info_sessions/public.html", call=call, sessions=public_sessions(call))


@bp.route("/sessions/<int:session_id>/register", methods=["POST"])
@rate_limit(SESSION_REGISTRATION_LIMIT)
def register(session_id):
    """Register a visitor (no account) for a session, then go back where they came from."""
    info_session = db.get_or_404(InfoSession, session_id)
    form = RegistrationForm()
    return run_posted(
        form,
        without_actor(register_visitor),
        info_session,
        {"full_name": form.full_name.data, "email": form.email.data},
        locale=current_locale(),
        done=lambda registration: _(
            "You are registered for the information session in %(city)s. A confirmation "
            "with an invitation for your calendar was sent to %(email)s.",
            city=registration.session.city,
            email=registration.email,
        ),
        back=safe_next_url(form.next.data) or url_for("main.index"),
    )
