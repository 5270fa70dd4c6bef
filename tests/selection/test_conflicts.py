"""A chair (or a staff member) in conflict with a dossier reads nothing of it on the
selection's pages, in the decision record or in ranking.csv: its row stays, anonymous,
so that every count stays right; the other dossiers show as before."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest
from app.selection.models import SelectionRound
from app.selection.reserve import decline_place
from app.selection.services import override, publish, refresh_draft
from workflows.selection import RoundStatus

EN = {"Accept-Language": "en"}
ANONYMOUS = "A dossier you declared a conflict with"

#: (project title, applicant's name) of the five dossiers, best score first.
DOSSIERS = [
    ("Argan cooperative", "Amal First"),
    ("Solar pumps", "Brahim Second"),
    ("Oujda olive press", "Salma Conflicted"),
    ("Fez leather", "Driss Fourth"),
    ("Tangier app", "Ella Fifth"),
]
#: The chair's justification for moving the dossier in conflict (C) into the selection.
SECRET = "Strong local partner in Oujda."
#: And for moving B out to make room: B stays visible.
VISIBLE = "Project already funded."


def _in_conflict(application, viewer) -> None:
    db.session.add(
        ConflictOfInterest(
            application_id=application.id, juror_id=viewer.id, kind="family", note="My cousin."
        )
    )


@pytest.fixture
def viewer_in_conflict(make_scored_call, make_chair, make_user):
    """make(kind, published=True) -> (call, dossiers, viewer): five scored dossiers (quota
    2, reserve 1); the viewer (a second chair of the call, or a staff member) declared a
    conflict with C while it was scored. Another chair moved B to the reserve and C into
    the selection, with justifications, then (``published``) published; C's applicant
    then declined, and B was promoted from the reserve."""

    def make(kind: str, *, published: bool = True):
        call, dossiers = make_scored_call([[9], [8], [7], [6], [3]])
        for application, (title, name) in zip(dossiers, DOSSIERS, strict=True):
            application.answers = {"project_title": title}
            application.applicant.full_name = name
        a, b, c, _d, _e = dossiers
        deciding = make_chair(call, full_name="Karim Deciding")
        viewer = (
            make_chair(call, full_name="Nadia Conflicted")
            if kind == "chair"
            else make_user(Role.STAFF, full_name="Nadia Conflicted")
        )
        _in_conflict(c, viewer)
        juror_on_c = make_user(Role.JUROR, full_name="Omar Juror")
        juror_on_a = make_user(Role.JUROR, full_name="Lina Juror")
        _in_conflict(c, juror_on_c)
        _in_conflict(a, juror_on_a)
        refresh_draft(call, actor=deciding)
        override(call, b.id, "reserve", VISIBLE, actor=deciding)
        override(call, c.id, "selected", SECRET, actor=deciding)
        if published:
            publish(call, actor=deciding)
            db.session.commit()
            decline_place(c, actor=c.applicant)
        db.session.commit()
        return call, dossiers, viewer

    return make


def _text(client, url) -> str:
    response = client.get(url, headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _nothing_of(body: str, dossier) -> None:
    """Neither the reference, the applicant's name, the project, the score (70) nor the
    chair's justification of ``dossier`` (C) is in ``body``."""
    for secret in (dossier.reference, "Salma Conflicted", "Oujda olive press", SECRET, "70.0"):
        assert secret not in body, secret


@pytest.mark.parametrize("kind", ["chair", "staff"])
def test_the_proposal_record_and_ranking_show_an_anonymous_row(
    client, login_as, viewer_in_conflict, kind
):
    call, (a, b, c, d, e), viewer = viewer_in_conflict(kind)
    login_as(viewer)
    for url in (f"/calls/{call.id}/selection", f"/calls/{call.id}/selection?all=1"):
        proposal = _text(client, url)
        _nothing_of(proposal, c)
        assert ANONYMOUS in proposal
        assert a.reference in proposal and "Argan cooperative" in proposal and "90.00" in proposal
        assert VISIBLE in proposal  # B's justification: B is not in conflict
        assert "2 / 2" in proposal  # the counts still count C
    record = _text(client, f"/calls/{call.id}/selection/record")
    _nothing_of(record, c)
    assert ANONYMOUS in record and "My cousin." not in record
    assert "Omar Juror" not in record  # a conflict declared on C names C
    assert f"{a.reference}: Lina Juror" in record  # one declared on A shows
    assert VISIBLE in record and a.reference in record
    assert "2 selected, 1 on the reserve list, 2 not selected" in record
    assert b.reference in record.split("Since the publication")[1]  # B's promotion shows
    lines = list(csv.reader(io.StringIO(_text(client, f"/calls/{call.id}/selection/ranking.csv"))))
    _nothing_of("\n".join(",".join(line) for line in lines), c)
    assert len(lines) == 6  # header and five dossiers: C's line stays
    assert ["3", ANONYMOUS, "", "selected"] in lines  # rank and the round's decision only
    assert lines[1][:3] == ["1", a.reference, "90.000"]


def test_someone_else_reads_the_dossier_in_full(client, login_as, viewer_in_conflict, make_user):
    call, (a, b, c, d, e), _viewer = viewer_in_conflict("chair")
    login_as(make_user(Role.STAFF))
    record = _text(client, f"/calls/{call.id}/selection/record")
    assert c.reference in record and SECRET in record and "Omar Juror" in record
    assert ANONYMOUS not in record
    ranking = _text(client, f"/calls/{call.id}/selection/ranking.csv")
    assert f"3,{c.reference},70.000,declined" in ranking


def test_a_chair_in_conflict_neither_moves_that_dossier_nor_publishes(
    client, login_as, viewer_in_conflict
):
    call, (a, b, c, d, e), chair = viewer_in_conflict("chair", published=False)
    login_as(chair)
    moved = client.post(
        f"/calls/{call.id}/selection/dossiers/{c.id}/move",
        data={"decision": "not_selected", "reason": "other", "justification": "I know them."},
    )
    assert moved.status_code == 404
    proposal = _text(client, f"/calls/{call.id}/selection")
    assert "Publish…" not in proposal and "Another chair of the jury publishes" in proposal
    page = _text(client, f"/calls/{call.id}/selection/publish")
    assert "another chair of the jury publishes it" in page and 'name="confirm"' not in page
    response = client.post(f"/calls/{call.id}/selection/publish", data={"confirm": "y"}, headers=EN)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(SelectionRound.status)) == RoundStatus.DRAFT
    assert [x.status for x in (a, b, c, d, e)] == ["scored"] * 5
    assert c.reference not in _text(client, f"/calls/{call.id}/selection")
