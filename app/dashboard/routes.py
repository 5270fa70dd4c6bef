"""A call's dashboard (staff; the call's jury chair sees the jury part), its charts as
SVG files, its reports and the applications list as CSV/XLSX, and the audit trail."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.applications.filters import FILTER_CHOICES, ApplicationFilters
from app.applications.models import Application
from app.applications.wording import STATE_LABELS
from app.audit.filters import PER_PAGE, AuditFilters, export_table
from app.audit.wording import all_event_labels
from app.auth.models import Role
from app.calls.models import Call
from app.charts import svg_response
from app.common.access import role_required, wants_page
from app.common.exports import TABLE_FORMATS, table_response, xlsx_sheets_response
from app.dashboard import bp
from app.dashboard.reports import PROFILES, Reports
from app.extensions import db
from app.jury.scoring import may_steer


def _reports(call_id: int) -> Reports:
    """The call's reports as the current user may see them; 404 for anyone else."""
    call = db.get_or_404(Call, call_id)
    if current_user.has_role(Role.STAFF):
        return Reports(call)
    if may_steer(call, current_user):
        return Reports(call, jury_only=True)
    abort(404)


@bp.route("/calls/<int:call_id>")
@role_required(Role.STAFF, Role.CHAIR)
def show(call_id):
    """The dashboard: funnel, applications per day, applicants' profile, jury, coaching."""
    reports = _reports(call_id)
    return render_template(
        "dashboard/show.html",
        call=reports.call,
        reports=reports,
        profiles=PROFILES,
        filter_choices=FILTER_CHOICES,
    )


@bp.route("/calls/<int:call_id>/charts/<report>.svg")
@role_required(Role.STAFF, Role.CHAIR)
def chart(call_id, report):
    """One report's chart as an SVG file (``?inline=1`` to embed it)."""
    reports = _reports(call_id)
    drawn = reports.build(report)
    if drawn is None:
        abort(404)
    return svg_response(
        drawn, f"{reports.call.reference}-{report}.svg", inline=request.args.get("inline") == "1"
    )


@bp.route("/calls/<int:call_id>/reports/<report>.<fmt>")
@role_required(Role.STAFF, Role.CHAIR)
def export_report(call_id, report, fmt):
    """One report's table as CSV or XLSX."""
    reports = _reports(call_id)
    drawn = reports.build(report)
    if drawn is None or fmt not in TABLE_FORMATS:
        abort(404)
    return table_response(fmt, f"{reports.call.reference}-{report}", drawn.header, drawn.rows)


@bp.route("/calls/<int:call_id>/reports.xlsx")
@role_required(Role.STAFF, Role.CHAIR)
def export_workbook(call_id):
    """Every report the user may see, one sheet each, in one XLSX workbook."""
    reports = _reports(call_id)
    charts = [reports.build(name) for name in reports.names()]
    return xlsx_sheets_response(
        f"{reports.call.reference}-reports.xlsx",
        [(chart.title, chart.header, chart.rows) for chart in charts if chart is not None],
    )


@bp.route("/calls/<int:call_id>/applications.<fmt>")
@role_required(Role.STAFF)
def export_applications(call_id, fmt):
    """The staff applications list as CSV or XLSX, with the list's filters and order."""
    call = db.get_or_404(Call, call_id)
    if fmt not in TABLE_FORMATS:
        abort(404)
    filters = ApplicationFilters.from_args(request.args)
    applications = db.session.scalars(
        filters.query(call).options(joinedload(Application.applicant))
    )
    header = [
        _("Reference"),
        _("Status"),
        _("Status code"),
        _("Applicant"),
        _("Email address"),
        _("Project"),
        _("Sector"),
        _("Region in Morocco"),
        _("Channel"),
        _("Submitted"),
    ]
    rows = (
        [
            application.reference or "",
            str(STATE_LABELS.get(application.status, application.status)),
            application.status,
            application.applicant.full_name,
            application.applicant.email,
            application.title,
            application.answers.get("sector") or "",
            application.answers.get("moroccan_region") or "",
            application.answers.get("channel") or "",
            application.submitted_at,
        ]
        for application in applications
    )
    return table_response(fmt, f"{call.reference}-applications", header, rows)


@bp.route("/calls/<int:call_id>/audit")
@role_required(Role.STAFF)
def audit(call_id):
    """The audit trail of a call: search by dossier, user, action and period."""
    call = db.get_or_404(Call, call_id)
    filters = AuditFilters.from_args(request.args)
    query = filters.query(call, current_user)
    page = db.paginate(query, page=wants_page(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "dashboard/audit.html", call=call, filters=filters, page=page, events=all_event_labels()
    )


@bp.route("/calls/<int:call_id>/audit.<fmt>")
@role_required(Role.STAFF)
def export_audit(call_id, fmt):
    """The audit trail, with the same filters, as CSV or XLSX."""
    call = db.get_or_404(Call, call_id)
    if fmt not in TABLE_FORMATS:
        abort(404)
    filters = AuditFilters.from_args(request.args)
    header, rows = export_table(db.session.scalars(filters.query(call, current_user)))
    return table_response(fmt, f"{call.reference}-audit", header, rows)
