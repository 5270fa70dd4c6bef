"""The selection's long lists do only the work on the screen: ``?all=1`` and the decision
record show one page of the ranking at a time, with links to the others; the record's
printable whole lists everything; the SQL sent does not grow with the number of
dossiers; and a viewer in conflict with a dossier finds it anonymous on every page."""

from __future__ import annotations

import csv
import io
import itertools
import re
from html import unescape

import pytest

from app.common.clock import utcnow
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.selection import page as selection_page
from app.selection import record as selection_record
from app.selection.services import current_round, override, refresh_draft
from tests.helpers import QueryCounter
from workflows.selection import RoundStatus

EN = {"Accept-Language": "en"}
ANONYMOUS = "A dossier you declared a conflict with"
NEXT = re.compile(r'<a href="([^"]+)">Next ›</a>')
PREVIOUS = re.compile(r'<a href="([^"]+)">‹ Previous</a>')


#: Criterion scores (0-10, by position) of reviews whose totals all differ, best first.
DISTINCT = [
    dict(zip((1, 2, 3, 4), combination, strict=True))
    for _total, combination in sorted(
        {
            25 * a + 35 * b + 25 * c + 15 * d: (a, b, c, d)
            for a, b, c, d in itertools.product(range(11), repeat=4)
        }.items(),
        reverse=True,
    )
]


@pytest.fixture
def decided(make_scored_call, make_chair):
    """decided(size, published=False, reference=None) -> (call, dossiers best first,
    chair): ``size`` scored dossiers of distinct scores (quota 2, reserve 1), the proposal
    stored, the third dossier (or the only one) moved out by the chair,
    and the round marked published by the chair (``published``: the pages read the
    round; the letters and e-mails of a real publication are tested elsewhere)."""

    def make(size, *, published=False, reference=None):
        scores = [[criteria] for criteria in DISTINCT[:size]]
        call, dossiers = make_scored_call(scores, reference=reference)
        chair = make_chair(call, full_name="Nadia Chair")
        refresh_draft(call, actor=chair)
        moved = dossiers[min(2, size - 1)]
        override(call, moved.id, "not_selected", "Strong local partner.", actor=chair)
        if published:  # as publish() leaves the round, without its letters and e-mails
            selection = current_round(call)
            selection.status = RoundStatus.PUBLISHED
            selection.published_by_id, selection.published_at = chair.id, utcnow()
        db.session.commit()
        return call, dossiers, chair

    return make


@pytest.fixture
def per_page(monkeypatch):
    """Ten rows a page, two lines a section of the record on screen."""
    monkeypatch.setattr(selection_page, "PER_PAGE", 10)
    monkeypatch.setattr(selection_record, "SECTION_LIMIT", 2)


def _get(client, url) -> str:
    response = client.get(url, headers=EN)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _shown(html: str, dossiers) -> list[int]:
    """The positions (0-based, best first) of the dossiers whose reference ``html`` shows."""
    return [i for i, dossier in enumerate(dossiers) if dossier.reference in html]


def _ranking(html: str) -> str:
    """The ranking table of the record (after the sections)."""
    return html.split("The ranking</h2>")[1]


URLS = {
    "proposal": "/calls/{id}/selection",
    "all": "/calls/{id}/selection?all=1",
    "all, page 2": "/calls/{id}/selection?all=1&page=2",
    "record": "/calls/{id}/selection/record",
    "record, page 2": "/calls/{id}/selection/record?page=2",
    "printable record": "/calls/{id}/selection/record/print",
    "ranking.csv": "/calls/{id}/selection/ranking.csv",
}


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
@pytest.mark.parametrize("name", list(URLS))
def test_each_page_costs_the_same_queries_for_1_or_60_dossiers(
    client, login_as, decided, per_page, name, published
):
    counts = []
    for size, reference in [(1, "ONE-2026"), (60, "MANY-2026")]:
        call, dossiers, chair = decided(size, published=published, reference=reference)
        login_as(chair)
        url = URLS[name].format(id=call.id)
        _get(client, url)  # the first request reads the templates and the forms
        with QueryCounter(db.engine) as counter:
            response = client.get(url, headers=EN)
            body = response.get_data()  # a streamed page sends its queries as it is read
        assert response.status_code == 200 and body
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1], counter.statements


def test_all_shows_one_page_of_the_ranking_and_links_the_others(
    client, login_as, decided, per_page
):
    call, dossiers, chair = decided(25)
    login_as(chair)
    first = _get(client, f"/calls/{call.id}/selection?all=1")
    assert _shown(first, dossiers) == list(range(10))
    assert "Page 1 of 3" in first and not PREVIOUS.search(first)
    second = _get(client, unescape(NEXT.search(first).group(1)))
    assert _shown(second, dossiers) == list(range(10, 20)) and "Page 2 of 3" in second
    third = _get(client, unescape(NEXT.search(second).group(1)))
    assert _shown(third, dossiers) == list(range(20, 25)) and not NEXT.search(third)
    assert "Page 3 of 3" in third
    back = _get(client, unescape(PREVIOUS.search(third).group(1)))
    assert _shown(back, dossiers) == list(range(10, 20))
    assert "25 / " not in third and "2 / 2" in third  # the counts are the whole round's
    beyond = _get(client, f"/calls/{call.id}/selection?all=1&page=99")
    assert "Page 3 of 3" in beyond and _shown(beyond, dossiers) == list(range(20, 25))


def test_the_cut_off_view_is_not_paged(client, login_as, decided, per_page):
    call, dossiers, chair = decided(40)
    login_as(chair)
    html = _get(client, f"/calls/{call.id}/selection")
    # quota 2 + reserve 1 + a margin of 10: the first 13, one page though more than 10
    assert _shown(html, dossiers) == list(range(13))
    assert "Page 1 of" not in html and "Show all 40 dossiers" in html


def test_the_record_pages_its_ranking_and_its_long_sections(client, login_as, decided, per_page):
    call, dossiers, chair = decided(25)
    for moved in dossiers[:2]:
        override(call, moved.id, "not_selected", f"Moved {moved.reference}.", actor=chair)
    db.session.commit()
    login_as(chair)
    record = _get(client, f"/calls/{call.id}/selection/record")
    assert _shown(_ranking(record), dossiers) == list(range(10)) and "Page 1 of 3" in record
    moves = record.split("Deliberation")[1].split("Balance rules")[0]
    assert moves.count("<li>") == 2 and "2 of 3 listed here." in moves
    assert "/selection/record/print" in moves
    second = _get(client, unescape(NEXT.search(record).group(1)))
    assert _shown(_ranking(second), dossiers) == list(range(10, 20))
    assert "Page 2 of 3" in second
    printable = _get(client, f"/calls/{call.id}/selection/record/print")
    assert _shown(_ranking(printable), dossiers) == list(range(25))
    moves = printable.split("Deliberation")[1].split("Balance rules")[0]
    assert moves.count("<li>") == 3 and "listed here" not in moves
    assert "Strong local partner." in moves and f"Moved {dossiers[1].reference}." in moves
    assert "Page 1 of" not in printable and "<title>Decision record · " in printable


def test_the_record_links_its_printable_whole(client, login_as, decided):
    call, dossiers, chair = decided(5, published=True)
    login_as(chair)
    record = _get(client, f"/calls/{call.id}/selection/record")
    assert f'href="/calls/{call.id}/selection/record/print"' in record
    response = client.get(f"/calls/{call.id}/selection/record/print", headers=EN)
    assert response.is_streamed and response.mimetype == "text/html"
    assert "no-store" in response.headers["Cache-Control"]
    printable = response.get_data(as_text=True)
    assert "Nadia Chair" in printable  # who published
    assert "2 selected, 1 on the reserve list, 2 not selected" in printable
    assert all(dossier.reference in printable for dossier in dossiers)


def _in_conflict(application, viewer) -> None:
    db.session.add(
        ConflictOfInterest(application_id=application.id, juror_id=viewer.id, kind="family")
    )


def test_a_viewer_in_conflict_finds_the_dossier_anonymous_on_every_page(
    client, login_as, decided, make_chair, per_page
):
    call, dossiers, chair = decided(25)
    viewer = make_chair(call, full_name="Nadia Conflicted")
    hidden = [dossiers[2], dossiers[14], dossiers[24]]  # one on each page; the third was moved
    for dossier in hidden:
        _in_conflict(dossier, viewer)
    db.session.commit()
    login_as(viewer)
    for url in (f"/calls/{call.id}/selection?all=1", f"/calls/{call.id}/selection/record"):
        html, pages = _get(client, url), 0
        while True:
            pages += 1
            rows = _ranking(html) if "/record" in url else html
            assert rows.count(ANONYMOUS) == 1, (url, pages)
            assert not set(_shown(html, dossiers)) & {2, 14, 24}
            assert "Strong local partner." not in html
            found = NEXT.search(html)
            if not found:
                break
            html = _get(client, unescape(found.group(1)))
        assert pages == 3
    printable = _get(client, f"/calls/{call.id}/selection/record/print")
    assert _ranking(printable).count(ANONYMOUS) == 3
    assert _shown(printable, dossiers) == [i for i in range(25) if i not in (2, 14, 24)]
    assert "Strong local partner." not in printable
    assert "None: the proposal follows the ranking." in printable  # the only move: the third
    lines = list(csv.reader(io.StringIO(_get(client, f"/calls/{call.id}/selection/ranking.csv"))))
    assert len(lines) == 26 and [line[1] for line in lines].count(ANONYMOUS) == 3
    assert lines[3] == ["3", ANONYMOUS, "", "not_selected"]  # rank and decision only


def test_a_balance_move_never_names_a_dossier_the_viewer_is_in_conflict_with(
    client, login_as, make_scored_call, make_chair
):
    call, (a, b, c, d) = make_scored_call([[9], [8], [7], [6]], quota=2, reserve_size=1)
    for application, gender in zip((a, b, c, d), "MMFM", strict=True):
        application.answers = {**(application.answers or {}), "gender": gender}
    call.balance_rules = [{"attribute": "gender", "value": "F", "kind": "at_least", "count": 1}]
    chair = make_chair(call)
    viewer = make_chair(call, full_name="Nadia Conflicted")
    _in_conflict(c, viewer)
    refresh_draft(call, actor=chair)
    db.session.commit()
    login_as(chair)
    for url in (f"/calls/{call.id}/selection", f"/calls/{call.id}/selection/record"):
        assert f"(for {c.reference})" in _get(client, url)  # B made room for C
    client.post("/logout")
    login_as(viewer)
    for url in (
        f"/calls/{call.id}/selection",
        f"/calls/{call.id}/selection?all=1",
        f"/calls/{call.id}/selection/record",
        f"/calls/{call.id}/selection/record/print",
    ):
        html = _get(client, url)
        assert "Displaced by the rule" in html and c.reference not in html, url


def test_tie_breaks_read_in_the_readers_language(client, login_as, make_scored_call, make_chair):
    first = {1: 9, 2: 7, 3: 5, 4: 7}  # same total, better on the third criterion second
    second = {1: 5, 2: 7, 3: 9, 4: 7}
    call, (a, b) = make_scored_call([[first], [second]], quota=1, reserve_size=0)
    call.tie_breaks = [{"kind": "criterion_mean", "criterion": call.criteria[2].id}]
    chair = make_chair(call)
    refresh_draft(call, actor=chair)
    db.session.commit()
    login_as(chair)
    for url in (f"/calls/{call.id}/selection", f"/calls/{call.id}/selection/record/print"):
        assert "Tie broken by the higher mean on “Profitability”" in _get(client, url)
    client.post("/logout")
    chair.locale = "fr"
    db.session.commit()
    login_as(chair)
    french = client.get(
        f"/calls/{call.id}/selection/record", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "Profitability" in french.split("<h2>")[4]  # the tie-breaks' section
    assert "Tie broken" not in french and "(rang 1)" in french
