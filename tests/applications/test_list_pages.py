"""The staff list's pages: following "next" or "previous", or asking a page by number,
shows every dossier once and in the list's order, whatever the order chosen; the last
page costs the same statements as the first, for 1 or 200 dossiers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import pytest

from app.applications.filters import SORTS, ApplicationFilters
from app.applications.listing import ListPage, encode_key, list_page
from app.applications.models import Application
from app.auth.models import Role, RoleGrant, User
from app.common.clock import utcnow
from app.extensions import db
from tests.helpers import QueryCounter

#: Applicants' names: ties (told apart by the dossier), letter case, drafts among them.
PEOPLE = [
    ("Zineb Alaoui", "submitted"),
    ("adil Bennani", "draft"),
    ("Meryem Tazi", "scored"),
    ("Adil Bennani", "in_review"),
    ("Omar Idrissi", "draft"),
    ("Meryem Tazi", "submitted"),
    ("Karim Amrani", "withdrawn"),
    ("Salma Berrada", "draft"),
    ("Yassine Chraibi", "eligible"),
    ("Nadia El Fassi", "submitted"),
    ("Hamza Ouazzani", "scored"),
]


def add_dossiers(call, people) -> list[Application]:
    """One dossier per (name, status); submitted ones numbered, at different times (two at
    the same time), drafts without number nor submission."""
    now = utcnow()
    dossiers = []
    for n, (name, status) in enumerate(people):
        applicant = User(email=f"list{call.id}-{n}@example.org", full_name=name, password_hash="x")
        applicant.grants = [RoleGrant(role=str(Role.APPLICANT))]
        application = Application(call=call, applicant=applicant, status=status, answers={})
        if status != "draft":
            call.last_application_number += 1
            application.number = call.last_application_number
            application.reference = f"{call.reference}-{application.number:04d}"
            application.submitted_at = now - timedelta(hours=(n * 7) % 5)
        db.session.add(application)
        dossiers.append(application)
    db.session.commit()
    return dossiers


def _ids(page: ListPage) -> list[int]:
    return [application.id for application in page.items]


ORDERS = [(sort, descending) for sort in SORTS for descending in (False, True)]


@pytest.mark.parametrize(("sort", "descending"), ORDERS)
def test_next_previous_and_numbered_pages_show_the_list_in_order(
    app, make_call, make_user, sort, descending
):
    call = make_call("PAGES-2026")
    add_dossiers(call, PEOPLE)
    staff = make_user(Role.STAFF)
    filters = ApplicationFilters(sort=sort, descending=descending)
    expected = [application.id for application in db.session.scalars(filters.query(call, staff))]
    assert len(expected) == len(PEOPLE)

    def page(**where) -> ListPage:
        return list_page(filters, call, staff, per_page=3, **where)

    numbered = [_ids(page(page=number)) for number in range(1, 5)]
    assert [len(ids) for ids in numbered] == [3, 3, 3, 2]
    assert sum(numbered, []) == expected

    forward, current = [], page(page=1)
    while True:
        forward += _ids(current)
        if not current.has_next:
            break
        current = page(**current.next_args())
    assert forward == expected and current.page == 4

    backward, current = [], page(page=4)
    while True:
        backward = _ids(current) + backward
        if not current.has_prev:
            break
        current = page(**current.prev_args())
    assert backward == expected and current.page == 1


def test_the_reference_order_puts_the_numbered_dossiers_first_then_the_drafts(
    app, make_call, make_user
):
    call = make_call("PAGES-2026")
    dossiers = add_dossiers(call, PEOPLE)
    numbered = sorted((d for d in dossiers if d.number), key=lambda d: d.number)
    drafts = sorted((d for d in dossiers if not d.number), key=lambda d: d.id)
    shown = list_page(ApplicationFilters(), call, make_user(Role.STAFF), per_page=20)
    assert _ids(shown) == [d.id for d in numbered + drafts]
    assert shown.total == len(PEOPLE) and shown.pages == 1


def test_a_page_past_the_last_shows_the_last_and_a_broken_link_the_page_asked(
    app, make_call, make_user
):
    call = make_call("PAGES-2026")
    add_dossiers(call, PEOPLE)
    staff = make_user(Role.STAFF)
    filters = ApplicationFilters(sort="name")
    last = list_page(filters, call, staff, per_page=3, page=4)
    assert list_page(filters, call, staff, per_page=3, page=99) == last
    for broken in ("nonsense", "W10", "WzEsIngiXQ", "WzEsMl0"):
        assert _ids(list_page(filters, call, staff, per_page=3, page=4, after=broken)) == _ids(last)
    by_time = ApplicationFilters(sort="submitted")
    naive = encode_key([datetime(2026, 1, 1), 1])  # noqa: DTZ001 - as a forged link may say
    first = list_page(by_time, call, staff, per_page=3)
    assert list_page(by_time, call, staff, per_page=3, after=naive) == first
    empty = list_page(filters, make_call("EMPTY-2026"), staff, per_page=3, page=2)
    assert (empty.items, empty.total, empty.page, empty.has_next) == ([], 0, 1, False)


def _link(html: str, rel: str) -> str:
    return unescape(re.search(rf'<a href="([^"]+)" rel="{rel}"', html).group(1))


def _statements(client, url) -> tuple[int, str]:
    client.get(url)  # warm caches (login, call)
    with QueryCounter(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


def test_the_last_page_and_the_next_link_cost_the_same_statements_for_1_and_200(
    client, make_call, make_user, login_as
):
    one, many = make_call("ONE-2026"), make_call("MANY-2026")
    add_dossiers(one, [("Solo Applicant", "submitted")])
    add_dossiers(many, [(f"Applicant {n:03d}", "submitted") for n in range(200)])
    login_as(make_user(Role.STAFF))
    small, _ = _statements(client, f"/staff/calls/{one.id}/applications")
    last, html = _statements(client, f"/staff/calls/{many.id}/applications?page=8&sort=name")
    assert "Page 8 of 8" in html and "Applicant 199" in html and "Applicant 174" not in html
    previous, html = _statements(client, _link(html, "prev"))
    assert "Page 7 of 8" in html and "Applicant 174" in html and "Applicant 175" not in html
    following, html = _statements(client, _link(html, "next"))
    assert "Page 8 of 8" in html and "Applicant 175" in html
    assert small == last == previous == following
