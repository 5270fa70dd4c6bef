"""The programme report: numbers, charts, downloads safe in a spreadsheet, bounded queries."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.coaching import services as coaching
from app.coaching.overview import today
from app.coaching.report import build_report
from app.extensions import db
from tests.coaching.conftest import session_data
from tests.helpers import QueryCounter


def _sessions(project, coach, count):
    for number in range(count):
        coaching.log_session(
            project,
            session_data(
                held_on=today() - timedelta(days=number % 60),
                duration_minutes=60 + number % 3 * 30,
                next_session_on=None,
            ),
            actor=coach,
        )
    db.session.commit()


def test_the_report_counts_sessions_hours_milestones_and_jobs(
    client, login_as, staff, coach, other_coach, make_project
):
    first = make_project()
    second = make_project(by=other_coach)
    _sessions(first, coach, 3)  # 60 + 90 + 120 minutes
    _sessions(second, other_coach, 1)
    coaching.save_milestone(first, "jobs_created", {"reached_on": today(), "jobs": 4}, actor=coach)
    coaching.save_milestone(first, "first_sale", {"reached_on": today()}, actor=coach)
    db.session.commit()
    report = build_report(first.call, staff)
    assert (report.sessions, report.hours, report.jobs, report.milestones_reached) == (
        4,
        5.5,
        4,
        2,
    )
    assert {row.name: (row.sessions, row.hours) for row in report.coaches} == {
        "Carla Coach": (3, 4.5),
        "Omar Other": (1, 1.0),
    }
    login_as(staff)
    page = client.get(f"/coaching/staff/calls/{first.call_id}/report").get_data(as_text=True)
    assert page.count("<svg") >= 5  # charts as images, not only tables
    assert "Coaching hours per month" in page
    # A chart per answer the call's form counts its dossiers by (MBI's: its breakdowns).
    for column in ("Gender", "Sector", "Region", "Channel"):
        assert f"Projects by “{column}”" in page, column
    assert "Souss-Massa" in page


def test_the_charts_and_tables_write_their_numbers_in_the_readers_language(
    client, login_as, staff, coach, make_project
):
    _sessions(make_project(), coach, 3)  # 4.5 hours
    staff.locale = "fr"
    db.session.commit()
    login_as(staff)
    page = client.get(f"/coaching/staff/calls/{make_project().call_id}/report").get_data(
        as_text=True
    )
    charts = re.findall(r'<figure class="chart">.*?</figure>', page, flags=re.S)
    coaches = next(chart for chart in charts if "Carla Coach" in chart)
    assert "Carla Coach: 4,5" in coaches  # the drawing's description
    assert '<td class="num">4,5</td>' in coaches  # its data table
    assert "4.5" not in coaches
    tables = re.sub(r'<figure class="chart">.*?</figure>', "", page, flags=re.S)
    assert '<td class="num">4,5</td>' in tables  # the coach's and the project's rows
    assert "4.5" not in tables


def test_downloads_neutralise_formulas_in_csv_and_xlsx(client, login_as, staff, make_project):
    project = make_project()
    project.answers = {**project.answers, "project_title": '=HYPERLINK("http://evil")'}
    db.session.commit()
    login_as(staff)
    csv = client.get(f"/coaching/staff/calls/{project.call_id}/report/projects.csv")
    assert "'=HYPERLINK" in csv.get_data(as_text=True)
    xlsx = client.get(f"/coaching/staff/calls/{project.call_id}/report/projects.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ['\'=HYPERLINK("http://evil")']
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert client.get(f"/coaching/staff/calls/{project.call_id}/report/x.pdf").status_code == 404


@pytest.mark.parametrize("url", ["/coaching/", "report"])
def test_pages_answer_in_a_bounded_number_of_queries(
    app, client, login_as, staff, coach, make_project, url
):
    project = make_project()
    _sessions(project, coach, 1)
    login_as(staff if url == "report" else coach)
    if url == "report":
        url = f"/coaching/staff/calls/{project.call_id}/report"

    def count() -> int:
        with QueryCounter(db.engine) as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = count()
    for _ in range(3):
        other = make_project()
        _sessions(other, coach, 1)
    _sessions(project, coach, 40)
    many = count()
    assert many == few
