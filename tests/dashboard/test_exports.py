"""Exports of the dashboard: reports and the applications list, CSV and XLSX."""

import csv
import io

from openpyxl import load_workbook

from app.auth.models import Role
from app.extensions import db
from tests.dashboard.conftest import add_dossier
from tests.helpers import COMPLETE_ANSWERS


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.get_data()))


def rows_of(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def make_dossiers(call):
    add_dossier(call, "submitted", answers=dict(COMPLETE_ANSWERS), name="Amina Tazi")
    add_dossier(call, "eligible", answers=dict(COMPLETE_ANSWERS, sector="C"), name="=HYPERLINK(1)")
    add_dossier(call, "eligible", answers=dict(COMPLETE_ANSWERS), name="Karim Idrissi")
    add_dossier(call, "draft", answers={}, name="Draft Person")
    db.session.commit()


def test_the_applications_list_exports_keep_its_filters(client, make_user, login_as, make_call):
    call = make_call("EXP-2026")
    make_dossiers(call)
    login_as(make_user(Role.STAFF))
    query = "?status=eligible&sector=A&sort=name&order=desc"
    book = workbook(client.get(f"/dashboard/calls/{call.id}/applications.xlsx{query}"))
    rows = rows_of(book.active)
    assert rows[0][:4] == ["Reference", "Status", "Status code", "Applicant"]
    assert [row[3] for row in rows[1:]] == ["Karim Idrissi"]  # eligible, sector A only
    assert rows[1][2] == "eligible" and rows[1][0] == "EXP-2026-0003"
    assert book.active["J2"].is_date  # submitted: a real date-time cell
    everyone = rows_of(workbook(client.get(f"/dashboard/calls/{call.id}/applications.xlsx")).active)
    assert len(everyone) == 5
    assert "'=HYPERLINK(1)" in [row[3] for row in everyone]  # text, never a formula
    text = client.get(f"/dashboard/calls/{call.id}/applications.csv{query}").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(lines) == 2 and lines[1][3] == "Karim Idrissi"
    page = client.get(f"/staff/calls/{call.id}/applications{query}").get_data(as_text=True)
    assert f"/dashboard/calls/{call.id}/applications.xlsx?" in page
    assert "status=eligible" in page and "sector=A" in page


def test_headers_are_in_the_users_language(client, make_user, login_as, make_call):
    call = make_call("FR-2026")
    make_dossiers(call)
    login_as(make_user(Role.STAFF, locale="fr"))
    rows = rows_of(workbook(client.get(f"/dashboard/calls/{call.id}/applications.xlsx")).active)
    assert rows[0][0] == "Référence" and rows[0][2] == "Code du statut"
    report = rows_of(workbook(client.get(f"/dashboard/calls/{call.id}/reports/funnel.xlsx")).active)
    assert report[0] == ["État", "Dossiers"]


def test_report_exports_hold_plain_values(client, make_user, login_as, make_call):
    call = make_call("REP-2026")
    make_dossiers(call)
    login_as(make_user(Role.STAFF))
    funnel = rows_of(workbook(client.get(f"/dashboard/calls/{call.id}/reports/funnel.xlsx")).active)
    assert funnel[0] == ["State", "Dossiers"]
    assert ["Eligible", 2] in funnel and ["Draft", 1] in funnel
    per_day = workbook(client.get(f"/dashboard/calls/{call.id}/reports/per_day.xlsx")).active
    assert per_day["A2"].is_date and per_day["A2"].number_format == "yyyy-mm-dd"
    assert per_day["B2"].value == 3  # the three dossiers were submitted today
    text = client.get(f"/dashboard/calls/{call.id}/reports/per_day.csv").get_data(as_text=True)
    first = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert len(first[0]) == 10 and first[0][4] == "-" and first[1] == "3"  # ISO date, number


def test_the_workbook_has_a_sheet_per_report(client, make_user, login_as, make_call):
    call = make_call("WB-2026")
    make_dossiers(call)
    login_as(make_user(Role.STAFF))
    book = workbook(client.get(f"/dashboard/calls/{call.id}/reports.xlsx"))
    assert len(book.sheetnames) == 13  # 8 of the applications, 4 criteria, the jurors
    assert "Dossiers in each state" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
