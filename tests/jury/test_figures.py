"""The jury's figures kept for the dashboard (app.jury.figures): after every change, and
for a viewer in conflict with some dossiers, they are the scores and totals of the
reviews that viewer may read, counted one by one."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.access.scopes import (
    hidden_applications,
    hidden_reviews,
    visible_applications,
    visible_reviews,
)
from app.applications.models import Application
from app.dashboard.stats import jury_stats
from app.extensions import db
from app.jury.conflicts import record_conflict_by_staff, recuse
from app.jury.figures import JuryFigures
from app.jury.models import ConflictOfInterest, Review
from app.jury.ranking import CriterionScale
from app.jury.scoring import reopen_review, submit_review
from tests.jury.test_scoring import data_for


@pytest.fixture(autouse=True)
def strict_summary(app, monkeypatch):
    """Every read recomputes a stale summary (no grace): these tests check the figures
    after each change (reading late has its tests in test_summary.py)."""
    monkeypatch.setitem(app.config, "SUMMARY_GRACE_SECONDS", 0)


SCALES = [CriterionScale(1, 40, 0, 10), CriterionScale(2, 35, 0, 10), CriterionScale(3, 25, 1, 5)]

reviews = st.lists(
    st.tuples(
        st.integers(1, 4),  # the juror
        st.tuples(
            st.one_of(st.none(), st.integers(0, 10)),
            st.one_of(st.none(), st.integers(0, 10)),
            st.one_of(st.none(), st.integers(1, 5)),
        ),
        st.booleans(),  # hidden from the viewer
    ),
    max_size=40,
)


def _figures(rows) -> JuryFigures:
    jurors = np.array([juror for juror, _scores, _hidden in rows], dtype=int)
    scores = np.array(
        [[np.nan if s is None else s for s in scores] for _juror, scores, _hidden in rows],
        dtype=float,
    ).reshape(-1, len(SCALES))
    return JuryFigures.of_reviews(SCALES, jurors, scores)


@given(reviews)
def test_figures_less_a_subset_are_the_figures_of_the_rest(rows):
    hidden = [row for row in rows if row[2]]
    shown = [row for row in rows if not row[2]]
    left = _figures(rows).without(_figures(hidden))
    expected = _figures(shown)
    assert {key: +counts for key, counts in left.scores.items()} == expected.scores
    assert left.totals == expected.totals
    assert JuryFigures.from_json(left.to_json()) == left


def _counted_one_by_one(call, viewer) -> tuple[dict, dict]:
    """Scores given per criterion and totals per juror of the submitted reviews of the
    call, but those of a dossier ``viewer`` is in conflict with, read through the ORM."""
    db.session.expire_all()
    conflicted = set(
        db.session.scalars(
            select(ConflictOfInterest.application_id).where(
                ConflictOfInterest.juror_id == viewer.id
            )
        )
    )
    scores = {c.id: Counter() for c in call.criteria}
    totals: dict[int, list[float]] = {}
    for review in db.session.scalars(select(Review).where(Review.status == "submitted")):
        if review.assignment.application_id in conflicted:
            continue
        given_scores = {s.criterion_id: s.score for s in review.scores}
        total = 0.0
        for criterion in call.criteria:
            score = given_scores.get(criterion.id)
            if score is not None:
                scores[criterion.id][score] += 1
                span = criterion.scale_max - criterion.scale_min
                total += criterion.weight * (score - criterion.scale_min) / span
        totals.setdefault(review.assignment.juror_id, []).append(round(total, 3))
    return scores, {juror: sorted(values) for juror, values in totals.items()}


def _shown(call, viewer) -> tuple[dict, dict]:
    stats = jury_stats(call, viewer)
    db.session.commit()  # what the read recomputed, as the dashboard's view does
    scores = {criterion.id: +counts for criterion, counts in stats.per_criterion}
    totals = {spread.juror_id: spread.totals for spread in stats.jurors}
    return scores, totals


def _assert_counted(jury) -> None:
    for viewer in (jury.chair, jury.staff):
        shown_scores, shown_totals = _shown(jury.call, viewer)
        scores, totals = _counted_one_by_one(jury.call, viewer)
        assert shown_scores == scores
        assert shown_totals.keys() == totals.keys()
        for juror, values in totals.items():
            assert shown_totals[juror] == [round(v, 3) for v in values]


def test_the_dashboards_figures_follow_every_change_and_every_conflict(scored):
    jury, call = scored, scored.call
    _assert_counted(jury)
    first = jury.assignments[jury.dossiers[0].id, jury.jurors[0].id]
    reopen_review(first.review, actor=jury.chair, reason="Score the team again.")
    db.session.commit()
    _assert_counted(jury)
    submit_review(first, data_for(call, [10, 10, 10, 10]), actor=jury.jurors[0], expected_version=2)
    db.session.commit()
    _assert_counted(jury)
    # The chair and the staff member each declare a conflict: their figures leave out
    # that dossier's reviews (while the kept figures still count them).
    record_conflict_by_staff(
        jury.dossiers[1], jury.chair, {"kind": "family", "note": "Cousin."}, actor=jury.staff
    )
    db.session.add(  # a staff member's own conflict (they sit on no jury)
        ConflictOfInterest(
            application_id=jury.dossiers[0].id, juror_id=jury.staff.id, kind="employer"
        )
    )
    db.session.commit()
    _assert_counted(jury)
    shown_scores, _ = _shown(call, jury.chair)
    assert sum(shown_scores[call.criteria[0].id].values()) == 12  # 15 reviews, 3 hidden
    second = jury.assignments[jury.dossiers[2].id, jury.jurors[1].id]
    reopen_review(second.review, actor=jury.chair, reason="A conflict?")
    db.session.commit()
    recuse(second, "My cousin runs it.", actor=jury.jurors[1])
    db.session.commit()
    _assert_counted(jury)


def test_hidden_reviews_and_dossiers_are_exactly_those_the_scopes_leave_out(scored):
    jury, call = scored, scored.call
    record_conflict_by_staff(
        jury.dossiers[3], jury.chair, {"kind": "family", "note": "Brother."}, actor=jury.staff
    )
    db.session.commit()
    dossiers = db.session.scalars(select(Application).where(Application.call_id == call.id)).all()
    every = set(db.session.scalars(select(Review.id).where(Review.assignment_id.is_not(None))))
    for viewer in (jury.chair, jury.staff, jury.jurors[0]):
        visible = set(
            db.session.scalars(visible_reviews(viewer, call).with_only_columns(Review.id))
        )
        hidden = set(db.session.scalars(hidden_reviews(viewer, call)))
        assert visible | hidden == every
        assert not visible & hidden
        visible = set(db.session.scalars(visible_applications(viewer, call)))
        hidden = set(db.session.scalars(hidden_applications(viewer, call)))
        assert visible | hidden == set(dossiers)
        assert not visible & hidden
    assert len(set(db.session.scalars(hidden_reviews(jury.chair, call)))) == 3
