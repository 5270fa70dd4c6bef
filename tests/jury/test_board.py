"""The chair's board: a bounded number of SQL queries whatever the number of dossiers
(the score summary fresh, or recomputed), a page at a time, and the ranking it shows."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.common.clock import utcnow
from app.extensions import db
from app.jury.board import load_board
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from app.jury.summary import mark_stale
from tests.helpers import QueryCounter


@pytest.fixture
def build(make_user, make_call, make_application):
    """build(n) -> (call, chair): n eligible dossiers, each scored by three jurors."""

    def make(dossiers: int, *, complete: bool = True):
        call = make_call(scoring_open=True)
        chair = make_user(Role.CHAIR)
        jurors = [make_user(Role.JUROR) for _ in range(3)]
        db.session.add(JuryMember(call=call, user=chair, is_chair=True))
        for number in range(dossiers):
            application = make_application("eligible", call=call, complete=complete)
            for rank, juror in enumerate(jurors):
                assignment = JuryAssignment(application=application, juror=juror)
                score = (number + rank) % 11
                if rank < 2:  # the third juror leaves a draft
                    assignment.review = Review(
                        status="submitted",
                        submitted_at=utcnow(),
                        scores=[CriterionScore(criterion=c, score=score) for c in call.criteria],
                    )
                db.session.add(assignment)
        db.session.commit()
        return call, chair

    return make


def _read(call, chair):
    """(the board, the statements it sent), what the view loads before it loaded."""
    db.session.expire_all()
    assert call.criteria and chair.roles  # loaded by the view before the board
    with QueryCounter(db.engine) as counter:
        board = load_board(call, chair, per_page=25)
    db.session.commit()
    assert board.lines
    return board, counter.count


def _queries(call, chair) -> int:
    return _read(call, chair)[1]


def test_the_same_number_of_queries_for_one_and_many_dossiers(app, build):
    """First read: the summary is computed (7 statements, and its rows inserted; on
    PostgreSQL a COPY, which the counter does not see, then ANALYZE of the first rows);
    then read as kept: its state, the totals, the page's lines, the jurors."""
    one, many = build(1), build(60, complete=False)
    assert _queries(*one) == _queries(*many) == 11
    assert _queries(*one) == _queries(*many) == 4


def test_a_late_board_reads_as_kept(app, build, monkeypatch):
    """Stale within the grace: the summary as kept (the reviews submitted since it was
    computed come with the totals); its refresh, a job, runs once the read's transaction
    ends (the tests' queue runs it at once), and the next read is fresh."""
    monkeypatch.setitem(app.config, "SUMMARY_GRACE_SECONDS", 10)
    one, many = build(1), build(60, complete=False)
    assert _queries(*one) == _queries(*many) == 11
    for call, chair in (one, many):
        mark_stale(call.id)
        db.session.commit()
        assert call.criteria and chair.roles  # loaded by the view before the board
        with QueryCounter(db.engine) as counter:
            board = load_board(call, chair, per_page=25)
        assert board.as_of is not None and counter.count == 4  # late
        db.session.commit()  # the job runs
    assert _queries(*one) == _queries(*many) == 4  # refreshed by the job


def test_the_board_page_too(app, build, client, login_as):
    counts = []
    for call, chair in (build(1), build(60, complete=False)):
        client.post("/logout")
        login_as(chair)
        for _ in range(2):  # the summary computed, then as kept
            with QueryCounter(db.engine) as counter:
                response = client.get(f"/jury/calls/{call.id}/board?page=2")
            assert response.status_code == 200
            counts.append(counter.count)
    assert counts[:2] == counts[2:]
    assert counts[0] > counts[1]


def test_the_board_pages_in_rank_order(app, build):
    call, chair = build(30, complete=False)
    pages = [load_board(call, chair, per_page=12, page=number) for number in (1, 2, 3, 4)]
    assert [len(board.lines) for board in pages] == [12, 12, 6, 6]  # page 4 is the last
    assert pages[0].dossiers == 30 and pages[2].page.pages == 3 and not pages[2].page.has_next
    ranks = [line.result.raw_rank for board in pages[:3] for line in board.lines]
    assert ranks == list(range(1, 31))
    assert (pages[0].submitted, pages[0].assigned) == (60, 90)


def test_the_board_ranks_flags_and_counts(app, build):
    call, chair = build(3)
    call.disagreement_threshold = 0.4  # scores s and s+1 out of 10: totals 10 apart, std 5
    call.scoring_open = False  # the reviews not submitted are listed
    board = load_board(call, chair)
    assert [line.result.raw_rank for line in board.lines] == [1, 2, 3]
    means = [line.result.mean for line in board.lines]
    assert means == sorted(means, reverse=True) == [25.0, 15.0, 5.0]
    assert all(line.result.std == 5.0 and line.result.flagged for line in board.lines)
    assert [(line.submitted, line.assigned, line.drafts) for line in board.lines] == [(2, 3, 0)] * 3
    assert sorted((j.assigned, j.submitted) for j in board.jurors) == [
        (0, 0),
        (3, 0),
        (3, 3),
        (3, 3),
    ]
    assert len(board.pending) == 3


def test_once_scoring_is_closed_the_board_lists_the_reviews_not_submitted_if_any(app, build):
    """One query lists them; with every review submitted, the jurors' counts say there is
    none, and it is not sent."""
    call, chair = build(2)
    call.scoring_open = False
    db.session.commit()
    _queries(call, chair)  # the summary computed
    board, count = _read(call, chair)
    assert [review.status for review in board.pending] == [None, None]  # not started
    assert count == 5
    for assignment in db.session.scalars(
        select(JuryAssignment).where(~JuryAssignment.review.has())
    ):
        assignment.review = Review(
            status="submitted",
            submitted_at=utcnow(),
            scores=[CriterionScore(criterion=c, score=5) for c in call.criteria],
        )
    mark_stale(call.id)
    db.session.commit()
    _queries(call, chair)  # recomputed
    board, count = _read(call, chair)
    assert board.pending == [] and board.submitted == board.assigned == 6
    assert count == 4
