"""The call dashboard: funnel counts, charts empty and full, who sees what."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.applications.models import Application
from app.auth.models import Role
from app.coaching.models import CoachingSession
from app.dashboard.reports import Reports
from app.dashboard.stats import age_band, coaching_sessions_per_month
from app.extensions import db
from app.jury.models import JuryMember
from tests.dashboard.conftest import add_dossier, add_review
from tests.helpers import COMPLETE_ANSWERS

KNOWN = {
    "draft": 2,
    "submitted": 3,
    "eligible": 1,
    "ineligible": 1,
    "in_review": 3,
    "scored": 1,
    "selected": 2,
    "reserve": 1,
    "not_selected": 1,
    "confirmed": 1,
    "coaching": 1,
    "completed": 1,
    "withdrawn": 1,
}


def parse(markup):
    """Our own SVG, not untrusted input."""
    return ET.fromstring(markup)  # noqa: S314


@pytest.fixture
def staff(make_user, login_as):
    return login_as(make_user(Role.STAFF))


@pytest.fixture
def viewer(make_user):
    """A member of staff, not logged in: whose eyes the reports count with."""
    return make_user(Role.STAFF)


@pytest.fixture
def full_call(make_call, make_user):
    """A call with dossiers in every listed state, answers, and reviews by three jurors."""
    call = make_call("FULL-2026")
    for status, count in KNOWN.items():
        for _ in range(count):
            add_dossier(call, status, answers=COMPLETE_ANSWERS)
    jurors = [make_user(Role.JUROR, full_name=name) for name in ("Amal", "Bram", "Chaima")]
    dossiers = [a for a in call_applications(call) if a.status == "in_review"]
    for dossier in dossiers:
        add_review(dossier, jurors[0], [2, 3, 2, 3])
        add_review(dossier, jurors[1], [8, 9, 8, 9])
        add_review(dossier, jurors[2], [5, 6, 5, 6])
    db.session.commit()
    return call


def call_applications(call):
    return db.session.scalars(select(Application).where(Application.call_id == call.id)).all()


def test_funnel_counts_every_state_and_links_to_the_filtered_list(client, staff, full_call):
    response = client.get(f"/dashboard/calls/{full_call.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = dict(
        re.findall(
            r'status=(\w+)">\s*<span class="funnel__count">(\d+)</span>',
            html,
        )
    )
    for state, count in KNOWN.items():
        assert found[state] == str(count), state
    assert found["info_requested"] == "0" and found["dropped_out"] == "0"
    assert f"/staff/calls/{full_call.id}/applications?status=in_review" in html
    assert "19 dossiers in all · 17 submitted" in html
    # The link leads to the list with exactly these dossiers.
    listed = client.get(f"/staff/calls/{full_call.id}/applications?status=selected")
    assert "2 applications" in listed.get_data(as_text=True)


def test_profile_counts_submitted_dossiers_only(app, full_call, viewer):
    add_dossier(full_call, "draft", answers={"moroccan_region": "Oriental"})
    other = dict(COMPLETE_ANSWERS, moroccan_region="Oriental", birth_date="2003-01-01")
    add_dossier(full_call, "submitted", answers=other)
    add_dossier(full_call, "submitted", answers={})
    db.session.commit()
    with app.test_request_context():
        reports = Reports(full_call, viewer)
        region = {str(label): n for _, label, n in reports.profile_rows("by-moroccan_region")}
        assert region == {"Souss-Massa": 17, "Oriental": 1, "Not answered": 1}
        ages = dict((label, n) for _, label, n in reports.profile_rows("age"))
        assert ages["< 25"] == 1 and ages["35–44"] == 17
        channel = reports.profile_rows("by-channel")
        assert channel[0][1] == "An information session"


def test_age_band_on_the_closing_day():
    closing = date(2026, 4, 30)
    assert age_band("2001-05-01", closing) == "< 25"  # 24, 25 the next day
    assert age_band("2001-04-30", closing) == "25–34"
    assert age_band("1960-01-01", closing) == "55+"
    assert age_band("not a date", closing) == "" and age_band(None, closing) == ""


def test_submissions_are_counted_per_brussels_day(app, make_call, viewer):
    call = make_call("DAYS-2026")
    late_evening = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # 15 January in Brussels
    add_dossier(call, answers={}, submitted_at=late_evening)
    add_dossier(call, answers={}, submitted_at=datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    add_dossier(call, answers={}, submitted_at=datetime(2026, 1, 17, 9, 0, tzinfo=UTC))
    db.session.commit()
    with app.test_request_context():
        chart = Reports(call, viewer).per_day()
    rows = {row[0].isoformat(): (row[1], row[2]) for row in chart.rows}
    assert rows["2026-01-15"] == (2, 2)
    assert rows["2026-01-16"] == (0, 2)
    assert rows["2026-01-17"] == (1, 3)
    closing = call.closes_at.date().isoformat()
    assert closing in rows  # the axis runs to the closing date


def test_jurors_spread_spots_the_strict_and_the_lenient(app, full_call, viewer):
    with app.test_request_context():
        jury = Reports(full_call, viewer).jury
    by_name = {spread.name: spread for spread in jury.jurors}
    assert jury.leaning(by_name["Amal"]) == "strict"
    assert jury.leaning(by_name["Bram"]) == "lenient"
    assert jury.leaning(by_name["Chaima"]) == ""
    assert by_name["Chaima"].summary.count == 3
    # Totals are the weighted totals on 0-100 (scale 0-10, weights 25/35/25/15).
    assert by_name["Chaima"].totals[0] == pytest.approx(
        0.25 * 50 + 0.35 * 60 + 0.25 * 50 + 0.15 * 60
    )


def test_criterion_histogram_counts_the_scores_given(app, full_call, viewer):
    with app.test_request_context():
        chart = Reports(full_call, viewer).build("criterion-1")
    counts = dict(chart.rows)
    assert counts["2"] == 3 and counts["8"] == 3 and counts["5"] == 3
    assert sum(counts.values()) == 9 and len(chart.rows) == 11  # every score 0..10


REPORTS = [
    "funnel",
    "per_day",
    "by-moroccan_region",
    "by-sector",
    "by-channel",
    "by-gender",
    "age",
    "coaching",
    "criterion-1",
    "criterion-4",
    "jurors",
]


@pytest.mark.parametrize("report", REPORTS)
def test_each_chart_renders_for_an_empty_and_a_full_call(
    client, staff, make_call, full_call, report
):
    empty = make_call("EMPTY-2026")
    for call, has_data in ((empty, False), (full_call, True)):
        response = client.get(f"/dashboard/calls/{call.id}/charts/{report}.svg")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        root = parse(response.get_data())
        assert root.get("role") == "img"
        text = response.get_data(as_text=True)
        assert "style=" not in text and "<script" not in text
        if report == "coaching":
            assert "No coaching session recorded yet." in text
        elif report == "funnel":
            assert (not has_data) == all(
                f">{n}</text>" not in text for n in KNOWN.values() if n > 1
            )
        else:
            assert ("No " in text and "yet." in text) != has_data, report


def test_the_dashboard_page_shows_every_chart_of_an_empty_call(client, staff, make_call):
    call = make_call("EMPTY-2026")
    html = client.get(f"/dashboard/calls/{call.id}").get_data(as_text=True)
    assert html.count('role="img"') == len(REPORTS) + 2  # four criteria in all
    assert "No application submitted yet." in html


def test_unknown_report_and_format_are_not_found(client, staff, full_call):
    assert client.get(f"/dashboard/calls/{full_call.id}/charts/nothing.svg").status_code == 404
    assert client.get(f"/dashboard/calls/{full_call.id}/charts/criterion-9.svg").status_code == 404
    assert (
        client.get(f"/dashboard/calls/{full_call.id}/reports/by-moroccan_region.pdf").status_code
        == 404
    )
    assert client.get("/dashboard/calls/999999").status_code == 404


def test_the_chair_sees_the_jury_part_of_their_call_only(
    client, make_user, make_call, login_as, full_call
):
    chair = make_user(Role.CHAIR)
    db.session.add(JuryMember(call_id=full_call.id, user_id=chair.id, is_chair=True))
    other = make_call("OTHER-2026")
    db.session.commit()
    login_as(chair)
    html = client.get(f"/dashboard/calls/{full_call.id}").get_data(as_text=True)
    assert "Totals given by each juror" in html
    assert "Where the dossiers stand" not in html and "Who applies" not in html
    assert client.get(f"/dashboard/calls/{full_call.id}/charts/jurors.svg").status_code == 200
    assert (
        client.get(f"/dashboard/calls/{full_call.id}/charts/by-moroccan_region.svg").status_code
        == 404
    )
    assert client.get(f"/dashboard/calls/{full_call.id}/reports/funnel.csv").status_code == 404
    assert client.get(f"/dashboard/calls/{other.id}").status_code == 404
    assert client.get(f"/dashboard/calls/{full_call.id}/audit").status_code == 404


def test_the_coaching_chart_counts_sessions_per_month_gaps_included(
    client, staff, make_call, make_application, make_user
):
    call = make_call("COACHED-2026")
    project = make_application("coaching", call=call)
    coach = make_user(Role.COACH)
    for day in (date(2026, 3, 2), date(2026, 3, 20), date(2026, 5, 4)):
        db.session.add(
            CoachingSession(
                application_id=project.id,
                coach_id=coach.id,
                held_on=day,
                duration_minutes=60,
                mode="video",
                place="online",
            )
        )
    db.session.commit()
    assert coaching_sessions_per_month(call, staff) == [
        (date(2026, 3, 1), 2),
        (date(2026, 4, 1), 0),
        (date(2026, 5, 1), 1),
    ]
    text = client.get(f"/dashboard/calls/{call.id}/charts/coaching.svg").get_data(as_text=True)
    assert "No coaching session recorded yet." not in text


def test_the_jurors_chart_writes_its_numbers_in_the_readers_language(app, make_call, make_user):
    call = make_call("FRENCH-2026")
    juror = make_user(Role.JUROR, full_name="Amal")
    for scores in ([10, 9, 8, 7], [3, 3, 3, 4], [6, 5, 7, 2]):
        add_review(add_dossier(call, "in_review", answers=COMPLETE_ANSWERS), juror, scores)
    db.session.commit()
    with app.test_request_context(), force_locale("fr"):
        svg = str(Reports(call, make_user(Role.STAFF)).build("jurors"))
    means = re.findall(r"(\d+(?:[.,]\d+)?) ± ", svg)
    assert means and all("." not in mean for mean in means)
    assert any("," in mean for mean in means)
    assert re.search(r"Moyenne du jury\s?: \d+,\d+", svg)


def test_the_jurors_table_writes_the_gaps_in_the_readers_language(client, staff, full_call):
    client.post("/language", data={"locale": "fr"})
    html = client.get(f"/dashboard/calls/{full_call.id}").get_data(as_text=True)
    gaps = dict(
        re.findall(
            r'<th scope="row">(\w+)</th>(?:\s*<td class="num">[^<]*</td>){3}'
            r'\s*<td class="num">([^<]*)</td>',
            html,
        )
    )
    assert set(gaps) == {"Amal", "Bram", "Chaima"}
    assert re.fullmatch(r"\+\d+,\d", gaps["Bram"]), gaps  # the lenient one, above the jury
    assert re.fullmatch(r"[-−]\d+,\d", gaps["Amal"]), gaps  # the strict one, below it
