"""The staff list of a call's applications: filters, sorting, and a bounded number of queries."""

import pytest

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.helpers import COMPLETE_ANSWERS, QueryCounter


def _page_queries(client, url) -> int:
    client.get(url)  # warm caches (login, call)
    with QueryCounter(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_the_list_costs_the_same_queries_for_1_and_200_applications(
    client, make_user, make_call, make_application, login_as
):
    one, many = make_call("ONE-2026"), make_call("MANY-2026")
    make_application("submitted", call=one)
    for _ in range(200):
        make_application("submitted", call=many)
    login_as(make_user(Role.STAFF))
    small = _page_queries(client, f"/staff/calls/{one.id}/applications")
    large = _page_queries(client, f"/staff/calls/{many.id}/applications")
    assert small == large
    assert large <= 8


@pytest.fixture
def varied(make_call, make_application, make_user):
    call = make_call("MBI-2026")
    rows = [
        ("A", "Souss-Massa", "press", "Zineb Alaoui"),
        ("C", "Oriental", "partner", "Adil Bennani"),
        ("A", "Oriental", "press", "Meryem Tazi"),
    ]
    for sector, region, channel, name in rows:
        application = make_application(
            "submitted", call=call, applicant=make_user(Role.APPLICANT, full_name=name)
        )
        application.answers = {
            **COMPLETE_ANSWERS,
            "sector": sector,
            "moroccan_region": region,
            "channel": channel,
        }
    make_application(
        "draft",
        call=call,
        complete=False,
        applicant=make_user(Role.APPLICANT, full_name="Omar Draft"),
    )
    db.session.commit()
    return call


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"sector": "A"}, {"Zineb Alaoui", "Meryem Tazi"}),
        ({"moroccan_region": "Oriental"}, {"Adil Bennani", "Meryem Tazi"}),
        ({"channel": "press", "sector": "A", "moroccan_region": "Oriental"}, {"Meryem Tazi"}),
        ({"status": "draft"}, {"Omar Draft"}),
        ({"q": "benn"}, {"Adil Bennani"}),
        ({"sector": "not-a-sector"}, {"Zineb Alaoui", "Adil Bennani", "Meryem Tazi", "Omar Draft"}),
    ],
)
def test_filters(client, make_user, login_as, varied, query, names):
    login_as(make_user(Role.STAFF))
    html = client.get(f"/staff/calls/{varied.id}/applications", query_string=query).get_data(
        as_text=True
    )
    everyone = {"Zineb Alaoui", "Adil Bennani", "Meryem Tazi", "Omar Draft"}
    assert {name for name in everyone if name in html} == names


def test_sorting_by_name_both_ways(client, make_user, login_as, varied):
    login_as(make_user(Role.STAFF))
    url = f"/staff/calls/{varied.id}/applications"
    html = client.get(url, query_string={"sort": "name"}).get_data(as_text=True)
    assert html.index("Adil Bennani") < html.index("Meryem Tazi") < html.index("Zineb Alaoui")
    html = client.get(url, query_string={"sort": "name", "order": "desc"}).get_data(as_text=True)
    assert html.index("Zineb Alaoui") < html.index("Meryem Tazi") < html.index("Adil Bennani")
    assert 'aria-sort="descending"' in html


def test_the_export_command_writes_csv_to_standard_output(
    runner, make_call, make_application, make_user
):
    staff = make_user(Role.STAFF)
    call = make_call("MBI-2026")
    application = make_application("submitted", call=call)
    application.applicant.full_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    result = runner.invoke(
        args=["export", "applications", "--call", "MBI-2026", "--as", staff.email]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.lstrip("\ufeff").splitlines()
    assert (
        lines[0] == "reference,status,applicant,email,sector,moroccan_region,channel,submitted_at"
    )
    assert lines[1].startswith("MBI-2026-0001,submitted,\"'=HYPERLINK")
    unknown = runner.invoke(args=["export", "applications", "--call", "NOPE", "--as", staff.email])
    assert unknown.exit_code != 0 and "No call" in unknown.output


def _rows(html: str) -> str:
    """The rows of the list's table (the filters' choices and the search box aside)."""
    return html.partition("<tbody>")[2].partition("</tbody>")[0]


@pytest.fixture
def chaired(make_call, make_application, make_user, make_chair):
    """A call in the jury phase with three dossiers and its chair."""
    call = make_call("MBI-2026")
    rows = [
        ("Zineb Alaoui", "Argan cooperative", "Souss-Massa"),
        ("Adil Bennani", "Oujda solar kiosks", "Oriental"),
        ("Meryem Tazi", "Fès leather atelier", "Fès-Meknès"),
    ]
    dossiers = []
    for name, title, region in rows:
        application = make_application(
            "eligible", call=call, applicant=make_user(Role.APPLICANT, full_name=name)
        )
        application.answers = {
            **COMPLETE_ANSWERS,
            "project_title": title,
            "moroccan_region": region,
        }
        dossiers.append(application)
    db.session.commit()
    return call, dossiers, make_chair(call)


def test_a_conflicted_chair_finds_nothing_of_the_dossier_in_their_list(client, login_as, chaired):
    call, (hidden, *others), chair = chaired
    login_as(chair)
    url = f"/staff/calls/{call.id}/applications"
    assert "Zineb Alaoui" in client.get(url).get_data(as_text=True)
    declared = client.post(f"/jury/calls/{call.id}/conflicts/{hidden.id}", data={"kind": "family"})
    assert declared.status_code == 302
    for query in ({}, {"q": "alaoui"}, {"q": hidden.reference}, {"moroccan_region": "Souss-Massa"}):
        rows = _rows(client.get(url, query_string=query).get_data(as_text=True))
        for trace in (hidden.reference, "Zineb Alaoui", "Argan cooperative", "Souss-Massa"):
            assert trace not in rows, (query, trace)
    assert "Zineb Alaoui" not in client.get(url).get_data(as_text=True)
    html = client.get(url).get_data(as_text=True)
    for other in others:
        assert other.reference in html and other.title in html
    assert client.get(f"/staff/applications/{hidden.id}").status_code == 404


def test_a_chair_of_another_call_cannot_list_this_call(
    client, login_as, make_call, make_chair, chaired
):
    call, dossiers, _chair = chaired
    login_as(make_chair(make_call("OTHER-2026")))
    response = client.get(f"/staff/calls/{call.id}/applications")
    assert response.status_code == 404
    assert dossiers[0].title not in response.get_data(as_text=True)


def test_the_export_command_lists_what_the_account_may_read(runner, make_user, chaired):
    call, (hidden, *others), chair = chaired
    db.session.add(ConflictOfInterest(application_id=hidden.id, juror_id=chair.id, kind="family"))
    db.session.commit()
    as_chair = runner.invoke(
        args=["export", "applications", "--call", call.reference, "--as", chair.email]
    )
    assert as_chair.exit_code == 0, as_chair.output
    assert hidden.reference not in as_chair.output and "Zineb Alaoui" not in as_chair.output
    assert all(other.reference in as_chair.output for other in others)
    staff = make_user(Role.STAFF)
    as_staff = runner.invoke(
        args=["export", "applications", "--call", call.reference, "--as", staff.email]
    )
    assert hidden.reference in as_staff.output
    nobody = runner.invoke(
        args=["export", "applications", "--call", call.reference, "--as", "x@y.z"]
    )
    assert nobody.exit_code != 0 and "No account" in nobody.output
