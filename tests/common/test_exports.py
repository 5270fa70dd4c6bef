"""The shared CSV export: opens in Excel with accents, runs no formula, keeps numbers."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import lazy_gettext

from app.common.exports import content_disposition, csv_cell, csv_response


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+32 470 12 34 56", "'+32 470 12 34 56"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Nadia Tazi", "Nadia Tazi"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-1.10"), Decimal("-1.10")),
        (True, "true"),
        (date(2026, 3, 10), "2026-03-10"),
        (datetime(2026, 3, 10, 17, 0, tzinfo=UTC), "2026-03-10T17:00:00+00:00"),
    ],
)
def test_each_cell_is_safe_and_machine_readable(value, cell):
    assert csv_cell(value) == cell


def test_a_csv_response_is_an_excel_friendly_attachment(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        response = csv_response(
            "registrations.csv",
            [lazy_gettext("Name"), "Amount"],
            [("Liège =x", -4), ("=cmd|' /C calc'!A0", 12.5)],
        )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="registrations.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    assert _rows(response) == [
        ["Name", "Amount"],
        ["Liège =x", "-4"],
        ["'=cmd|' /C calc'!A0", "12.5"],
    ]


def test_a_semicolon_file_for_french_regional_settings(app):
    with app.test_request_context():
        response = csv_response("a.csv", ["a", "b"], [(1, "x;y")], delimiter=";")
    assert response.get_data().decode("utf-8-sig").splitlines() == ["a;b", '1;"x;y"']


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("export.csv", 'attachment; filename="export.csv"'),
        (
            "MBI-2026-Liège.csv",
            "attachment; filename=\"MBI-2026-Liege.csv\"; filename*=UTF-8''MBI-2026-Li%C3%A8ge.csv",
        ),
        ('a"b\r\n.csv', "attachment; filename=\"a_b__.csv\"; filename*=UTF-8''a%22b%0D%0A.csv"),
    ],
)
def test_the_file_name_is_safe_in_the_header(filename, header):
    assert content_disposition(filename) == header
