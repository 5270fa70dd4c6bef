"""Personal data without identities: what the entrepreneur reads of their coaching (their
page and their data download) names nobody of the programme, only roles, and never
holds a session's private notes."""

import io
import zipfile

import pytest
from sqlalchemy import select

from app.coaching import services as coaching
from app.coaching.models import ActionItem
from app.coaching.overview import today
from app.extensions import db
from tests.coaching.conftest import session_data

SECRET = "SECRET-NOTE"


@pytest.fixture
def followed(staff, coach, other_coach, project):
    """A project with a coach and a coach in Morocco: a session with private notes, items
    ticked and commented by the entrepreneur, both coaches and staff, a milestone."""
    coaching.assign_coach(project, other_coach, "morocco", actor=staff)
    session = coaching.log_session(project, session_data(), actor=coach)
    mine, coachs = sorted(session.items, key=lambda item: item.id)
    coaching.set_item_done(coachs, True, actor=coach)
    coaching.set_item_done(mine, True, actor=project.applicant)
    for author, body in [
        (coach, "COMMENT-A: the bank wants the statutes."),
        (other_coach, "COMMENT-B: I can go with you in Agadir."),
        (staff, "COMMENT-C: the programme can pay the translation."),
        (project.applicant, "COMMENT-D: done, both answered."),
    ]:
        coaching.comment_item(mine, body, actor=author)
    coaching.save_milestone(
        project, "first_sale", {"reached_on": today(), "evidence_note": "Invoice 1"}, actor=coach
    )
    db.session.commit()
    return project


def _identities(*people) -> list[str]:
    return [value for person in people for value in (person.full_name, person.email)]


def test_the_entrepreneurs_page_says_who_by_role_and_names_nobody(
    client, login_as, staff, coach, other_coach, followed
):
    login_as(followed.applicant)
    page = client.get(f"/coaching/mine/{followed.id}").get_data(as_text=True)
    assert "Your coach and your coach in Morocco follow your project." in page
    for comment, who in [("A", "your coach"), ("B", "your coach in Morocco")] + [
        ("C", "programme staff"),
        ("D", "you"),
    ]:
        assert f"{who} · " in page.split(f"COMMENT-{comment}")[0].rsplit("<li>", 1)[1]
    assert [name for name in _identities(staff, coach, other_coach) if name in page] == []
    assert SECRET not in page and "Private notes" not in page


def test_the_entrepreneurs_data_download_names_nobody_and_holds_no_private_note(
    client, login_as, staff, coach, other_coach, followed
):
    login_as(followed.applicant)
    response = client.get("/account/data/export.zip")
    assert response.status_code == 200
    content = response.data
    response.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        texts = {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}
    everything = "\n".join(texts.values())
    assert "We reviewed the financing plan." in everything  # the shared summary is theirs
    assert "COMMENT-B: I can go with you in Agadir." in everything
    assert [name for name in _identities(staff, coach, other_coach) if name in everything] == []
    assert SECRET not in everything
    items = {item.text: item for item in db.session.scalars(select(ActionItem))}
    assert set(items) == {"Ask two banks for an offer", "Introduce to the CGEM contact"}
    assert '"done_by": "your coach"' in texts["data.json"]
    assert '"done_by": "you"' in texts["data.json"]
    assert '"by": "programme staff"' in texts["data.json"]
