"""Staff's view of the outbox: every email the application sent or tries to send (but
those about a dossier the reader is in conflict with)."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access.policy import may_read_message, role_required
from app.access.scopes import visible_messages
from app.auth.models import Role
from app.common.urls import wants_page
from app.common.views import permitted_or_404
from app.extensions import db
from app.outbox import bp
from app.outbox.models import MessageStatus, OutboxMessage

STATUS_LABELS = {
    MessageStatus.QUEUED: _l("Queued"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}


@bp.route("/")
@role_required(Role.STAFF)
def list_messages():
    """The outbox, newest first, filterable by status."""
    status = request.args.get("status", "")
    query = visible_messages(current_user)
    if status in set(MessageStatus):
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(
        query.order_by(OutboxMessage.id.desc()), page=wants_page(), per_page=50, error_out=False
    )
    return render_template(
        "outbox/list.html",
        page=page,
        status=status,
        statuses=list(MessageStatus),
        status_labels=STATUS_LABELS,
    )


@bp.route("/<int:message_id>")
@role_required(Role.STAFF)
def show_message(message_id):
    """One message as it was sent."""
    message = permitted_or_404(OutboxMessage, message_id, may_read_message)
    return render_template("outbox/show.html", message=message)
