"""The score summary: the review aggregates the board shows are kept in the database,
marked stale by the jury's events, recomputed once by the next reader, and always the
numbers a fresh computation (app.jury.ranking) gives; within the grace the board shows
the summary it has, with its time, and one job recomputes it."""

import random
import threading
from datetime import timedelta

import pytest
import time_machine
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select

from app import config as app_config
from app import create_app
from app.applications.models import Application
from app.applications.services import apply_transition
from app.common.clock import to_brussels, utcnow
from app.events import Event, announce
from app.extensions import db
from app.i18n import decimal_format, number
from app.jobs import huey
from app.jury import summary, tasks
from app.jury.board import load_board
from app.jury.conflicts import record_conflict_by_staff, recuse
from app.jury.models import Review, ScoreSummaryState
from app.jury.ranking import CriterionScale, SubmittedReview, aggregate
from app.jury.scoring import reopen_review, submit_review
from tests.conftest import PASSWORD
from tests.jury.test_scoring import data_for
from tests.test_project import PROJECT_ROOT
from workflows.application import Trigger


@pytest.fixture(autouse=True)
def strict_board(app, monkeypatch):
    """The board recomputes every stale summary in the request (no grace): these tests
    check the numbers of each recomputation. The grace has its own tests below."""
    monkeypatch.setitem(app.config, "SUMMARY_GRACE_SECONDS", 0)


def _recomputed(call) -> dict:
    """The aggregates computed now from the reviews, through app.jury.ranking.aggregate
    on the ORM's reviews (the sums' order may differ from SQL's in the last bits)."""
    db.session.expire_all()
    reviews = [
        SubmittedReview(
            review.assignment.application_id,
            review.assignment.juror_id,
            {score.criterion_id: score.score for score in review.scores},
        )
        for review in db.session.scalars(
            select(Review).where(Review.status == "submitted").order_by(Review.id)
        )
    ]
    scales = [CriterionScale(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]
    dossiers = db.session.scalars(select(Application).where(Application.call_id == call.id))
    submitted_at = {dossier.id: dossier.submitted_at for dossier in dossiers}
    return aggregate(
        scales, reviews, threshold=call.disagreement_threshold, submitted_at=submitted_at
    )


def _shown(call, viewer) -> dict:
    """The aggregates the board shows (every line of its first page), after committing
    what the read refreshed, as the board's view does."""
    board = load_board(call, viewer, per_page=1000)
    db.session.commit()
    return {line.application_id: line.result for line in board.lines if line.result}


def _fresh(call) -> dict:
    """What the board computed on every request before the summary, and checks that it
    is what app.jury.ranking.aggregate gives from the reviews."""
    db.session.expire_all()
    fresh = summary.compute_results(call)
    recomputed = _recomputed(call)
    assert fresh.keys() == recomputed.keys()
    for key, result in recomputed.items():
        other = fresh[key]
        assert (other.count, other.flagged, other.raw_rank, other.normalised_rank) == (
            result.count,
            result.flagged,
            result.raw_rank,
            result.normalised_rank,
        )
        assert (other.mean, other.std, other.normalised) == pytest.approx(
            (result.mean, result.std, result.normalised), abs=1e-9
        )
        assert other.criterion_means == pytest.approx(result.criterion_means, abs=1e-9)
    return fresh


def _assert_board_is_fresh(jury) -> None:
    shown = _shown(jury.call, jury.chair)
    assert shown == _fresh(jury.call)
    assert summary.summary_results(jury.call) == shown


def test_the_board_shows_a_fresh_computation_after_every_change(scored):
    jury, call = scored, scored.call
    _assert_board_is_fresh(jury)
    first = jury.assignments[jury.dossiers[0].id, jury.jurors[0].id]
    # A review reopened leaves the ranking...
    reopen_review(first.review, actor=jury.chair, reason="Score the team again.")
    db.session.commit()
    _assert_board_is_fresh(jury)
    assert _shown(call, jury.chair)[jury.dossiers[0].id].count == 2
    # ... and comes back with other scores.
    submit_review(first, data_for(call, [10, 10, 10, 10]), actor=jury.jurors[0], expected_version=2)
    db.session.commit()
    _assert_board_is_fresh(jury)
    assert _shown(call, jury.chair)[jury.dossiers[0].id].count == 3
    # A juror recuses themself from a reopened review: the review is gone.
    second = jury.assignments[jury.dossiers[1].id, jury.jurors[1].id]
    reopen_review(second.review, actor=jury.chair, reason="A conflict?")
    db.session.commit()
    recuse(second, "My cousin runs it.", actor=jury.jurors[1])
    db.session.commit()
    _assert_board_is_fresh(jury)
    assert _shown(call, jury.chair)[jury.dossiers[1].id].count == 2
    # A conflict recorded on a submitted review flags the dossier, the review counts.
    record_conflict_by_staff(
        jury.dossiers[2], jury.jurors[2], {"kind": "family", "note": "Sister."}, actor=jury.staff
    )
    db.session.commit()
    _assert_board_is_fresh(jury)


def test_weights_threshold_and_ranking_method_changes_move_the_summary(scored):
    jury, call = scored, scored.call
    before = _shown(call, jury.chair)
    for criterion, weight in zip(call.criteria, (10, 10, 10, 70), strict=True):
        criterion.weight = weight
    call.disagreement_threshold = 1.0
    call.ranking_method = "normalised"
    announce(Event.CALL_EDITED, actor=jury.staff, subject=call, data={"criteria": "weights"})
    db.session.commit()
    after = _shown(call, jury.chair)
    assert after == _fresh(call) != before
    assert [line.application_id for line in load_board(call, jury.chair).lines] == sorted(
        after, key=lambda key: after[key].normalised_rank
    )


def _counting(monkeypatch) -> list:
    computed = []
    compute = summary.compute_results

    def counted(call, *args):
        computed.append(call.id)
        return compute(call, *args)

    monkeypatch.setattr(summary, "compute_results", counted)
    return computed


def test_a_stale_summary_is_recomputed_once(scored, client, login_as, monkeypatch):
    jury = scored
    login_as(jury.chair)
    url = f"/jury/calls/{jury.call.id}/board"
    assert client.get(url).status_code == 200
    computed = _counting(monkeypatch)
    assert client.get(url).status_code == 200
    assert computed == []  # fresh: read as kept
    first = jury.assignments[jury.dossiers[0].id, jury.jurors[0].id]
    reopen_review(first.review, actor=jury.chair, reason="Again.")
    db.session.commit()
    for _ in range(3):
        assert client.get(url).status_code == 200
        assert client.get(f"{url}?order=normalised").status_code == 200
    assert computed == [jury.call.id]
    assert _shown(jury.call, jury.chair) == _fresh(jury.call)


def test_one_transaction_bumps_the_version_once_and_a_rollback_not_at_all(scored, monkeypatch):
    jury = scored
    _shown(jury.call, jury.chair)
    version = db.session.get(ScoreSummaryState, jury.call.id).version
    for dossier in jury.dossiers[:3]:
        review = jury.assignments[dossier.id, jury.jurors[0].id].review
        reopen_review(review, actor=jury.chair, reason="Again.")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ScoreSummaryState, jury.call.id).version == version
    computed = _counting(monkeypatch)
    _shown(jury.call, jury.chair)
    assert computed == []
    for dossier in jury.dossiers[:3]:
        review = jury.assignments[dossier.id, jury.jurors[0].id].review
        reopen_review(review, actor=jury.chair, reason="Again.")
    db.session.commit()
    db.session.expire_all()
    state = db.session.get(ScoreSummaryState, jury.call.id)
    assert (state.version, state.computed_version) == (version + 1, version)


def test_a_change_is_read_in_its_own_transaction(scored):
    """A reader inside the changing transaction (a selection computed after a change)
    sees the change; what it wrote is committed with it."""
    jury = scored
    _shown(jury.call, jury.chair)
    first = jury.assignments[jury.dossiers[0].id, jury.jurors[0].id]
    reopen_review(first.review, actor=jury.chair, reason="Again.")
    assert summary.summary_results(jury.call)[jury.dossiers[0].id].count == 2
    db.session.commit()
    db.session.expire_all()
    state = db.session.get(ScoreSummaryState, jury.call.id)
    assert state.version == state.computed_version
    assert _shown(jury.call, jury.chair)[jury.dossiers[0].id].count == 2


@pytest.mark.postgres
def test_two_readers_at_once_recompute_once(scored, app, monkeypatch):
    """Two board requests on a stale summary at the same moment (two gunicorn workers):
    the second waits for the first's lock, then reads what it computed."""
    jury = scored
    computed = _counting(monkeypatch)
    url = f"/jury/calls/{jury.call.id}/board"
    browsers = []
    for _ in range(2):
        browser = app.test_client()
        browser.post("/login", data={"email": jury.chair.email, "password": PASSWORD})
        browsers.append(browser)
    for round_ in range(3):
        review = jury.assignments[jury.dossiers[round_].id, jury.jurors[0].id].review
        reopen_review(review, actor=jury.chair, reason="Again.")
        db.session.commit()
        barrier = threading.Barrier(2, timeout=30)
        statuses = []

        def read(browser, barrier=barrier, statuses=statuses):
            barrier.wait()
            statuses.append(browser.get(url).status_code)

        threads = [threading.Thread(target=read, args=(browser,)) for browser in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200, 200]
        assert len(computed) == round_ + 1
    assert _shown(jury.call, jury.chair) == _fresh(jury.call)


@pytest.mark.parametrize("locale", ["fr", "nl", "ar", "en"])
def test_the_boards_numbers_are_written_as_babel_writes_them(app, locale):
    write = decimal_format(locale, 1)
    rng = random.Random(7)
    values = [0, 0.05, 0.15, 0.25, 0.35, 2.45, 99.95, 100, 1234.55, 12345.65, 15, None]
    values += [rng.uniform(0, 100) for _ in range(300)] + [
        rng.randint(0, 40) / 4 for _ in range(50)
    ]
    values += [-0.04, -3.25]
    for value in values:
        assert write(value) == number(value, 1, locale), value


def test_the_migration_goes_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(app_config.TestConfig(url, tmp_path))
    tables = {"score_summaries", "score_summary_states"}
    with app.app_context():
        directory = str(PROJECT_ROOT / "migrations")
        upgrade(directory=directory)
        engine = create_engine(url)
        assert tables <= set(inspect(engine).get_table_names())
        downgrade(directory=directory, revision="0022_calendars")
        assert not tables & set(inspect(engine).get_table_names())
        upgrade(directory=directory)
        assert tables <= set(inspect(engine).get_table_names())
        engine.dispose()
        db.engine.dispose()


def test_a_dossier_leaving_the_jurys_states_leaves_the_board(scored, make_application):
    jury = scored
    waiting = make_application("eligible", call=jury.call, complete=False)
    board = load_board(jury.call, jury.chair)
    db.session.commit()
    assert board.dossiers == 6 and board.lines[-1].application_id == waiting.id
    assert board.lines[-1].result is None  # not reviewed: last, without a rank
    apply_transition(waiting, Trigger.WITHDRAW, actor=waiting.applicant)
    db.session.commit()
    board = load_board(jury.call, jury.chair)
    db.session.commit()
    assert board.dossiers == 5 and waiting.id not in {line.application_id for line in board.lines}


# Read late: the board within the grace ------------------------------------------------

GRACE = 10


@pytest.fixture
def grace(app, strict_board, monkeypatch):
    """The board's grace on: a stale summary computed less than 10 s ago is shown."""
    monkeypatch.setitem(app.config, "SUMMARY_GRACE_SECONDS", GRACE)


@pytest.fixture
def queued(monkeypatch):
    """The job queue keeps its jobs (the tests' queue runs them at once otherwise): a
    test sees what was queued, and runs it."""
    monkeypatch.setattr(huey, "immediate", False)


def _refreshes() -> list:
    return [job for job in huey.pending() if isinstance(job, tasks.refresh_summary_task.task_class)]


def _run_refreshes() -> list:
    """Run the queued summary refreshes (in queue order); what each returned."""
    results = []
    while (job := huey.dequeue()) is not None:
        if isinstance(job, tasks.refresh_summary_task.task_class):
            results.append(huey.execute(job))
    return results


def _computed_then_changed(jury, monkeypatch, client=None):
    """A review reopened, the summary computed now (through the board's page if
    ``client``), then that review submitted again with other scores a second later;
    returns (the moment it was computed, what the board showed then, the recomputations
    counted from there)."""
    first = jury.assignments[jury.dossiers[0].id, jury.jurors[0].id]
    reopen_review(first.review, actor=jury.chair, reason="Again.")
    db.session.commit()
    moment = (utcnow() + timedelta(seconds=1)).replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        if client is not None:
            assert "Scores as of" not in client.get(f"/jury/calls/{jury.call.id}/board").text
        shown = _shown(jury.call, jury.chair)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        data = data_for(jury.call, [10, 10, 10, 10])
        submit_review(first, data, actor=jury.jurors[0], expected_version=2)
        db.session.commit()
    return moment, shown, _counting(monkeypatch)


def test_within_the_grace_the_board_shows_what_it_has_and_one_job_refreshes_it(
    scored, grace, queued, client, login_as, monkeypatch
):
    jury, call = scored, scored.call
    login_as(jury.chair)
    moment, before, computed = _computed_then_changed(jury, monkeypatch, client)
    with time_machine.travel(moment + timedelta(seconds=GRACE - 1), tick=False):
        pages = [client.get(f"/jury/calls/{call.id}/board").text for _ in range(3)]
        shown = _shown(call, jury.chair)
    assert computed == []  # no request recomputed it
    assert len(_refreshes()) == 1  # asked of the queue once
    late = f"Scores as of {to_brussels(moment):%H:%M:%S} — 1 review submitted since; updating."
    assert all(late in page and ">Refresh</a>" in page for page in pages)
    assert _run_refreshes() == [True]
    assert computed == [call.id]
    assert "Scores as of" not in client.get(f"/jury/calls/{call.id}/board").text
    after = _shown(call, jury.chair)
    assert computed == [call.id] and _refreshes() == []
    assert shown == before != after == _fresh(call)


def test_beyond_the_grace_the_board_recomputes_in_the_request(
    scored, grace, queued, client, login_as, monkeypatch
):
    jury, call = scored, scored.call
    login_as(jury.chair)
    moment, _before, computed = _computed_then_changed(jury, monkeypatch, client)
    with time_machine.travel(moment + timedelta(seconds=GRACE + 1), tick=False):
        page = client.get(f"/jury/calls/{call.id}/board").text
    assert "Scores as of" not in page
    assert computed == [call.id] and _refreshes() == []
    assert _shown(call, jury.chair) == _fresh(call)


def test_within_the_grace_the_strict_readers_read_fresh(scored, grace, queued, monkeypatch):
    """summary_results and refresh_summary (what would decide) never read late. The
    selection itself does not read the summary: app.selection.proposing aggregates the
    submitted reviews."""
    jury, call = scored, scored.call
    moment, _before, computed = _computed_then_changed(jury, monkeypatch)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        results = summary.summary_results(call)
        db.session.commit()
    assert computed == [call.id] and _refreshes() == []
    assert results == _fresh(call) and results[jury.dossiers[0].id].count == 3


def test_one_refresh_is_queued_at_a_time_and_a_lost_jobs_mark_expires(
    scored, grace, queued, monkeypatch
):
    jury, call = scored, scored.call
    moment, _before, computed = _computed_then_changed(jury, monkeypatch)
    monkeypatch.setattr(tasks, "REFRESH_MARK_EXPIRES", 5)
    for seconds in (1, 2, 5, 7):  # the mark set at 1 s is taken for lost at 7 s
        with time_machine.travel(moment + timedelta(seconds=seconds), tick=False):
            assert load_board(call, jury.chair).as_of == moment
            db.session.commit()
    assert len(_refreshes()) == 2
    assert _run_refreshes() == [True, False]  # the second finds it fresh
    assert computed == [call.id]


def test_the_refresh_is_queued_when_the_readers_transaction_ends(scored, grace, monkeypatch):
    """The tests' queue runs a job at once: the reader's own numbers are not changed
    under it, the job runs once its transaction ends, and the next read is fresh."""
    jury, call = scored, scored.call
    moment, before, computed = _computed_then_changed(jury, monkeypatch)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        board = load_board(call, jury.chair, per_page=1000)
        assert (board.as_of, board.submitted_since, board.refreshed) == (moment, 1, False)
        assert {line.application_id: line.result for line in board.lines if line.result} == before
        assert computed == []
        db.session.rollback()  # a read: whether it commits or not
        assert computed == [call.id]
        again = load_board(call, jury.chair, per_page=1000)
    assert (again.as_of, again.refreshed) == (None, False)
    assert {line.application_id: line.result for line in again.lines if line.result} == _fresh(call)


def test_within_the_grace_the_dashboard_shows_its_jury_figures_late_too(
    scored, grace, queued, client, login_as, monkeypatch
):
    jury, call = scored, scored.call
    login_as(jury.chair)
    moment, _before, computed = _computed_then_changed(jury, monkeypatch)
    with time_machine.travel(moment + timedelta(seconds=GRACE - 1), tick=False):
        page = client.get(f"/dashboard/calls/{call.id}").text
    assert computed == [] and len(_refreshes()) == 1
    assert f"Scores as of {to_brussels(moment):%H:%M:%S}; updating." in page
    assert "14 reviews submitted" in page  # the reopened review not yet back
    assert _run_refreshes() == [True]
    with time_machine.travel(moment + timedelta(seconds=GRACE - 1), tick=False):
        page = client.get(f"/dashboard/calls/{call.id}").text
    assert "Scores as of" not in page and "15 reviews submitted" in page
