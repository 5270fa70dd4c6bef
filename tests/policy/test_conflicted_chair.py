"""A chair declares a conflict with a dossier under deliberation, then follows every
link and every export they can reach from their home page: nothing of that dossier
shows, while the other dossier of the call does (so the walk did reach the pages)."""

import pytest

from app.extensions import db, limiter
from tests.conftest import IsolatedClient, _empty_tables
from tests.policy import world as W
from tests.policy.crawl import CHANNELS, EMAIL, PERSONAL_DATA, crawl, emails_to, personal_data_of


@pytest.fixture(scope="module")
def walk(_app):
    _app.config.update(WTF_CSRF_ENABLED=False)
    _app.test_client_class = IsolatedClient
    limiter.enabled = False  # a dozen people log in from one address
    with _app.app_context():
        _empty_tables()
        world = W.build_world(until="deliberation")
        chair = world.users["conflicted chair"]
        client = _app.test_client()
        assert (
            client.post("/login", data={"email": chair.email, "password": W.PASSWORD}).status_code
            == 302
        )
        reach = crawl(client, "/home")
        reach.texts[EMAIL].append(emails_to(chair.email))
        reach.texts[PERSONAL_DATA].append(personal_data_of(client))
        facts = {
            "target": (
                world.target.reference.lower(),
                W.TITLE,
                "canarywood",
                W.REVIEW_COMMENT,
                W.CONFLICT_NOTE,
                W.DOCUMENT_NAME,
            ),
            "other": (world.other.reference.lower(), "olive oil atelier"),
        }
        yield reach, facts
        _empty_tables()
        db.session.remove()


@pytest.mark.parametrize("channel", CHANNELS)
def test_nothing_of_the_dossier_reaches_the_conflicted_chair(walk, channel):
    reach, facts = walk
    leaked = [marker for marker in facts["target"] if reach.shows(channel, marker)]
    assert not leaked, f"the {channel} shows {leaked}"


def test_the_walk_reaches_the_selection_the_board_and_their_exports(walk):
    reach, facts = walk
    visited = " ".join(reach.visited)
    for page in ("/board", "/selection", "/selection/record", "reviews.csv", "ranking.csv"):
        assert page in visited, f"{page} is not reachable from the chair's home"
    assert all(reach.shows("page", marker) for marker in facts["other"])
    assert reach.shows("export", facts["other"][0]) and reach.shows("record", facts["other"][0])
