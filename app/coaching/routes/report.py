"""The programme report for staff and partners: charts, tables and their downloads."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.access.policy import role_required
from app.auth.models import Role
from app.charts import bar_chart, column_chart
from app.coaching import bp
from app.coaching.report import build_report, cumulative, tables
from app.coaching.routes.common import call_or_404
from app.common.exports import TABLE_FORMATS, table_response
from app.i18n import current_locale, number, text_direction


def _charts(report, rtl: bool) -> dict:
    """The report's charts, each from its (label, value) pairs and its words."""
    months = report.months
    no_session, no_project = _("No session logged yet."), _("No project in coaching yet.")
    hours, projects, month = _("Hours"), _("Projects"), _("Month")
    reached = [(label, count) for _key, label, count in report.milestones]
    totals = cumulative([row.milestones for row in months])
    running = list(zip([row.month for row in months], totals, strict=True))
    specs = {
        # name: (how it is drawn, pairs, title, value label, label header, empty text)
        "hours": (column_chart, [(row.month, row.hours) for row in months],
                  _("Coaching hours per month"), hours, month, no_session),
        "milestones": (column_chart, running,
                       _("Milestones reached over time (running total)"),
                       _("Milestones reached"), month, _("No milestone reached yet.")),
        "coaches": (bar_chart, [(row.name, row.hours) for row in report.coaches],
                    _("Coaching hours per coach"), hours, _("Coach"), no_session),
        "reached": (bar_chart, reached,
                    _("Projects that reached each milestone"), projects, _("Milestone"), None),
    }  # fmt: skip
    for breakdown in report.breakdowns:  # by each answer the call's form counts
        question = breakdown.question
        column = question.breakdown.column or question.label
        specs[f"by-{question.name}"] = (
            bar_chart, breakdown.counts, _("Projects by “%(question)s”", question=column),
            projects, column, no_project,
        )  # fmt: skip
    return {
        name: draw(
            [label for label, _value in pairs],
            [value for _label, value in pairs],
            title=title,
            value_label=value_label,
            label_header=header,
            rtl=rtl,
            number_format=number,  # "12,5" hours in French, as the tables below
            empty_text=empty,
        )
        for name, (draw, pairs, title, value_label, header, empty) in specs.items()
    }


@bp.route("/staff/calls/<int:call_id>/report")
@role_required(Role.STAFF)
def report(call_id):
    """What the selection led to: sessions, hours, milestones, jobs, and the projects by
    each answer the call's form counts its dossiers by."""
    call = call_or_404(call_id)
    data = build_report(call, current_user)
    rtl = text_direction(str(current_locale())) == "rtl"
    return render_template(
        "coaching/report.html", call=call, report=data, charts=_charts(data, rtl)
    )


@bp.route("/staff/calls/<int:call_id>/report/<table>.<fmt>")
@role_required(Role.STAFF)
def report_export(call_id, table, fmt):
    """One table of the report as CSV or XLSX (never any private note)."""
    call = call_or_404(call_id)
    all_tables = tables(build_report(call, current_user))
    if fmt not in TABLE_FORMATS or table not in all_tables:
        abort(404)
    header, rows = all_tables[table]
    return table_response(fmt, f"{call.reference}-coaching-{table}", header, rows)
