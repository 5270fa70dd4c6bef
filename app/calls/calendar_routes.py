"""A call's calendar feed for calendar apps, and staff renewing its link."""

from __future__ import annotations

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _

from app.access.policy import role_required
from app.auth.models import Role
from app.calls import bp
from app.calls.calendar import call_of_token, feed_file
from app.calls.models import Call
from app.calls.services import renew_calendar_link
from app.common.ics import CONTENT_TYPE
from app.common.views import run_service
from app.extensions import db


@bp.route("/calendars/calls/<token>.ics")
def calendar_feed(token):
    """The call's dates and information sessions as a calendar (iCalendar) for calendar
    apps, which cannot log in: the link's secret token is the key (404 when forged or
    renewed). Texts in ``lang`` (the language of the page the link was taken from)."""
    call = call_of_token(token)
    if call is None:
        abort(404)
    language = request.args.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        language = "fr"
    response = Response(feed_file(call, language), content_type=f"{CONTENT_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{call.reference}.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/staff/calls/<int:call_id>/calendar-link", methods=["POST"])
@role_required(Role.STAFF)
def renew_calendar(call_id):
    """A new link for the call's calendar feed; the old one stops working."""
    call = db.get_or_404(Call, call_id)
    return run_service(
        renew_calendar_link,
        call,
        done=_(
            "The calendar link of %(reference)s is renewed: calendars subscribed to the old "
            "link no longer receive its dates. Subscribe again with the new one.",
            reference=call.reference,
        ),
        back=url_for("calls.show_call", call_id=call.id, _anchor="calendar"),
    )
