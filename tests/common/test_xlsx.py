"""The shared XLSX writer: real cell types, no formula, a header row, several sheets."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.common.exports import (
    XLSX_MIMETYPE,
    sheet_title,
    table_response,
    xlsx_bytes,
    xlsx_response,
)


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_cells_keep_their_types_and_text_never_becomes_a_formula():
    rows = [
        ['=HYPERLINK("http://evil")', -3, 2.5, Decimal("1.25"), True, None],
        [date(2026, 3, 1), datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "+32 2 555", "@x", "Fès", ""],
    ]
    book = read(xlsx_bytes([("Data", ["A", "B", "C", "D", "E", "F"], rows)]))
    sheet = book["Data"]
    assert [c.value for c in sheet[1]] == ["A", "B", "C", "D", "E", "F"]
    assert sheet["A1"].font.b
    first = sheet[2]
    assert first[0].data_type == "s" and first[0].value == '\'=HYPERLINK("http://evil")'
    assert first[1].value == -3 and first[2].value == 2.5 and first[3].value == 1.25
    assert first[4].value is True and first[5].value is None
    second = sheet[3]
    assert second[0].value == datetime(2026, 3, 1) and second[0].number_format == "yyyy-mm-dd"
    assert second[1].value == datetime(2026, 3, 1, 10, 30)  # Brussels time (UTC+1 in March)
    assert second[2].value == "'+32 2 555" and second[3].value == "'@x"
    assert second[4].value == "Fès"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_several_sheets_with_valid_unique_titles():
    data = xlsx_bytes([("a/b:c", ["x"], [[1]]), ("A/B:C", ["x"], [[2]]), ("x" * 40, ["y"], [])])
    book = read(data)
    assert book.sheetnames == ["a b c", "A B C (2)", "x" * 31]
    assert book["A B C (2)"]["A2"].value == 2
    assert sheet_title("") == "Sheet"


def test_control_characters_are_dropped():
    book = read(xlsx_bytes([("S", ["t"], [["bell\x07 here"]])]))
    assert book["S"]["A2"].value == "bell here"


def test_xlsx_response_is_an_attachment(app):
    with app.test_request_context():
        response = xlsx_response("Liège registrations.xlsx", ["Name"], [["Amal"]])
    assert response.mimetype == XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert read(response.get_data()).active["A2"].value == "Amal"


def test_table_response_picks_the_format(app):
    with app.test_request_context():
        assert table_response("csv", "x", ["a"], [[1]]).mimetype == "text/csv"
        assert table_response("xlsx", "x", ["a"], [[1]]).mimetype == XLSX_MIMETYPE
        with pytest.raises(ValueError):
            table_response("pdf", "x", ["a"], [[1]])
