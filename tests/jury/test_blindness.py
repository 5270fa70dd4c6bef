"""Blind until done: what each role sees of the jury's scores, at each phase, in the HTML."""

import pytest

from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.jury.scoring import submit_review
from tests.jury.test_scoring import data_for, first, form_for, jury  # noqa: F401

SECRET = "Secret-comment-of-juror-two"
NOTES = "Private-notes-of-juror-two"


def _second_juror_submits(jury):  # noqa: F811
    data = data_for(jury.call, [9, 9, 9, 9], comment=SECRET)
    data["private_notes"] = NOTES
    submit_review(first(jury, 1), data, actor=jury.jurors[1], expected_version=0)
    db.session.commit()


def _page(client, jury):  # noqa: F811
    return client.get(f"/jury/assignments/{first(jury).id}").get_data(as_text=True)


def test_before_submitting_a_juror_sees_nothing_of_the_others(jury, client, login_as):  # noqa: F811
    _second_juror_submits(jury)
    login_as(jury.jurors[0])
    page = _page(client, jury)
    assert SECRET not in page and NOTES not in page
    assert jury.jurors[1].full_name not in page
    assert "90.0" not in page  # juror two's total
    client.post(f"/jury/assignments/{first(jury).id}", data=form_for(jury.call, [5] * 4))
    page = _page(client, jury)  # a draft is not enough
    assert SECRET not in page and "90.0" not in page


@pytest.mark.parametrize(
    ("see_others", "anonymous", "shows_scores", "shows_name"),
    [(True, True, True, False), (True, False, True, True), (False, True, False, False)],
)
def test_after_submitting_per_the_call_settings(
    jury,  # noqa: F811
    client,
    login_as,
    see_others,
    anonymous,
    shows_scores,
    shows_name,
):
    jury.call.jurors_see_others, jury.call.anonymous_reviews = see_others, anonymous
    db.session.commit()
    _second_juror_submits(jury)
    login_as(jury.jurors[0])
    client.post(
        f"/jury/assignments/{first(jury).id}", data=form_for(jury.call, [5] * 4, 0, "submit")
    )
    page = _page(client, jury)
    assert (SECRET in page) is shows_scores
    assert ("90.0" in page) is shows_scores
    assert (jury.jurors[1].full_name in page) is shows_name
    assert NOTES not in page  # private notes: the chair only


def test_a_conflicted_juror_never_sees_the_dossier(jury, client, login_as):  # noqa: F811
    _second_juror_submits(jury)
    application = jury.applications[0]
    db.session.add(
        ConflictOfInterest(application_id=application.id, juror_id=jury.jurors[0].id, kind="family")
    )
    db.session.commit()
    login_as(jury.jurors[0])
    assert client.get(f"/jury/assignments/{first(jury).id}").status_code == 404
    page = client.get(f"/jury/calls/{jury.call.id}/my-dossiers").get_data(as_text=True)
    assert application.reference not in page
    assert client.get(f"/jury/calls/{jury.call.id}/board").status_code == 404


def test_a_conflicted_chair_loses_the_ranking_line(jury, client, login_as):  # noqa: F811
    _second_juror_submits(jury)
    application = jury.applications[0]
    login_as(jury.chair)
    page = client.get(f"/jury/calls/{jury.call.id}/board").get_data(as_text=True)
    assert application.reference in page
    detail = client.get(f"/jury/board/dossiers/{application.id}").get_data(as_text=True)
    assert SECRET in detail and NOTES in detail and jury.jurors[1].full_name in detail
    db.session.add(
        ConflictOfInterest(application_id=application.id, juror_id=jury.chair.id, kind="investor")
    )
    db.session.commit()
    page = client.get(f"/jury/calls/{jury.call.id}/board").get_data(as_text=True)
    assert application.reference not in page
    assert client.get(f"/jury/board/dossiers/{application.id}").status_code == 404


def test_jurors_who_are_not_chairs_never_see_the_ranking(jury, client, login_as):  # noqa: F811
    _second_juror_submits(jury)
    login_as(jury.jurors[1])
    assert client.get(f"/jury/calls/{jury.call.id}/board").status_code == 404
    detail = client.get(f"/jury/board/dossiers/{jury.applications[0].id}")
    assert detail.status_code == 404
    assert client.get(f"/jury/calls/{jury.call.id}/reviews.csv").status_code == 404


def test_the_applicant_never_sees_scores_or_private_notes(jury, client, login_as):  # noqa: F811
    _second_juror_submits(jury)
    application = jury.applications[0]
    login_as(application.applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert SECRET not in page and NOTES not in page
    assert client.get(f"/jury/board/dossiers/{application.id}").status_code == 404
