"""The programme report for staff and partners: charts, tables and their downloads."""

from flask import abort, render_template
from flask_babel import gettext as _

from app.auth.models import Role
from app.calls.models import Call
from app.charts import bar_chart, column_chart
from app.coaching import bp
from app.coaching.report import build_report, cumulative, tables
from app.common.access import role_required
from app.common.exports import TABLE_FORMATS, table_response
from app.extensions import db
from app.i18n import text_direction


def _charts(report, rtl: bool) -> dict:
    months = [row.month for row in report.months]
    return {
        "hours": column_chart(
            months,
            [row.hours for row in report.months],
            title=_("Coaching hours per month"),
            value_label=_("Hours"),
            label_header=_("Month"),
            rtl=rtl,
            empty_text=_("No session logged yet."),
        ),
        "milestones": column_chart(
            months,
            cumulative([row.milestones for row in report.months]),
            title=_("Milestones reached over time (running total)"),
            value_label=_("Milestones reached"),
            label_header=_("Month"),
            rtl=rtl,
            empty_text=_("No milestone reached yet."),
        ),
        "coaches": bar_chart(
            [row.name for row in report.coaches],
            [row.hours for row in report.coaches],
            title=_("Coaching hours per coach"),
            value_label=_("Hours"),
            label_header=_("Coach"),
            rtl=rtl,
            empty_text=_("No session logged yet."),
        ),
        "regions": bar_chart(
            [name for name, _count in report.regions],
            [count for _name, count in report.regions],
            title=_("Projects by region of Morocco"),
            value_label=_("Projects"),
            label_header=_("Region"),
            rtl=rtl,
            empty_text=_("No project in coaching yet."),
        ),
        "sectors": bar_chart(
            [name for name, _count in report.sectors],
            [count for _name, count in report.sectors],
            title=_("Projects by sector (NACE section)"),
            value_label=_("Projects"),
            label_header=_("Sector"),
            rtl=rtl,
            empty_text=_("No project in coaching yet."),
        ),
        "reached": bar_chart(
            [label for _key, label, _count in report.milestones],
            [count for _key, _label, count in report.milestones],
            title=_("Projects that reached each milestone"),
            value_label=_("Projects"),
            label_header=_("Milestone"),
            rtl=rtl,
        ),
    }


@bp.route("/staff/calls/<int:call_id>/report")
@role_required(Role.STAFF)
def report(call_id):
    """What the selection led to: sessions, hours, milestones, jobs, regions, sectors."""
    from app.i18n import current_locale

    call = db.get_or_404(Call, call_id)
    data = build_report(call)
    rtl = text_direction(str(current_locale())) == "rtl"
    return render_template(
        "coaching/report.html", call=call, report=data, charts=_charts(data, rtl)
    )


@bp.route("/staff/calls/<int:call_id>/report/<table>.<fmt>")
@role_required(Role.STAFF)
def report_export(call_id, table, fmt):
    """One table of the report as CSV or XLSX (never any private note)."""
    call = db.get_or_404(Call, call_id)
    if fmt not in TABLE_FORMATS:
        abort(404)
    all_tables = tables(build_report(call))
    if table not in all_tables:
        abort(404)
    header, rows = all_tables[table]
    return table_response(fmt, f"{call.reference}-coaching-{table}", header, rows)
