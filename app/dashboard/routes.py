"""A call's dashboard (staff; the call's jury chair sees the jury part), its charts as
SVG files, its reports and the applications list as CSV/XLSX, and the audit trail.

Who reaches what is the policy's to say (app.access.policy); what each page counts or
lists goes through the scopes (app.access.scopes), so a person in conflict with a
dossier finds nothing of it here.
"""

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.access.policy import is_staff, may_read_audit, may_steer_jury, role_required
from app.access.scopes import visible_applications
from app.applications.filters import ApplicationFilters, filter_questions
from app.applications.models import Application
from app.audit.filters import EVENT_GROUPS, PER_PAGE, AuditFilters, audit_lines, export_table
from app.auth.models import Role
from app.calls.models import Call
from app.charts import svg_response
from app.common.exports import TABLE_FORMATS, table_response, xlsx_sheets_response
from app.common.urls import wants_page
from app.common.views import commits_what_it_read, permitted_or_404
from app.dashboard import bp
from app.dashboard.reports import Reports
from app.dashboard.tables import applications_table
from app.extensions import db


def _reports(call_id: int) -> Reports:
    """The call's reports as the current user may see them; 404 for anyone else."""
    call = db.get_or_404(Call, call_id)
    if is_staff(current_user):
        return Reports(call, current_user)
    if may_steer_jury(current_user, call):
        return Reports(call, current_user, jury_only=True)
    abort(404)


def _audited_call(call_id: int) -> Call:
    """The call whose audit trail the current user may read; 404 otherwise."""
    return permitted_or_404(Call, call_id, may_read_audit)


@bp.route("/calls/<int:call_id>")
@role_required(Role.STAFF, Role.CHAIR)
@commits_what_it_read
def show(call_id):
    """The dashboard: funnel, applications per day, applicants' profile, jury, coaching."""
    reports = _reports(call_id)
    return render_template(
        "dashboard/show.html",
        call=reports.call,
        reports=reports,
        profiles=reports.profiles,
    )


@bp.route("/calls/<int:call_id>/charts/<report>.svg")
@role_required(Role.STAFF, Role.CHAIR)
@commits_what_it_read
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
@commits_what_it_read
def export_report(call_id, report, fmt):
    """One report's table as CSV or XLSX."""
    reports = _reports(call_id)
    drawn = reports.build(report)
    if drawn is None or fmt not in TABLE_FORMATS:
        abort(404)
    return table_response(fmt, f"{reports.call.reference}-{report}", drawn.header, drawn.rows)


@bp.route("/calls/<int:call_id>/reports.xlsx")
@role_required(Role.STAFF, Role.CHAIR)
@commits_what_it_read
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
    """The staff applications list as CSV or XLSX, with the list's filters and order:
    the dossiers the user may read only."""
    call = db.get_or_404(Call, call_id)
    if fmt not in TABLE_FORMATS:
        abort(404)
    visible = visible_applications(current_user, call).with_only_columns(Application.id)
    query = ApplicationFilters.from_args(request.args, call).query(call)
    applications = db.session.scalars(
        query.where(Application.id.in_(visible.correlate(None))).options(
            joinedload(Application.applicant)
        )
    )
    header, rows = applications_table(applications, filter_questions(call).values())
    return table_response(fmt, f"{call.reference}-applications", header, rows)


@bp.route("/calls/<int:call_id>/audit")
@role_required(Role.STAFF)
def audit(call_id):
    """The audit trail of a call: search by dossier, person, event and period."""
    call = _audited_call(call_id)
    filters = AuditFilters.from_args(request.args)
    query = filters.query(call, current_user)
    page = db.paginate(query, page=wants_page(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "dashboard/audit.html",
        call=call,
        filters=filters,
        page=page,
        lines=audit_lines(page.items),
        event_groups=EVENT_GROUPS,
    )


@bp.route("/calls/<int:call_id>/audit.<fmt>")
@role_required(Role.STAFF)
def export_audit(call_id, fmt):
    """The audit trail, with the same filters, as CSV or XLSX."""
    call = _audited_call(call_id)
    if fmt not in TABLE_FORMATS:
        abort(404)
    filters = AuditFilters.from_args(request.args)
    header, rows = export_table(db.session.scalars(filters.query(call, current_user)))
    return table_response(fmt, f"{call.reference}-audit", header, rows)
