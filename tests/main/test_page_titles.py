"""Browser tab titles are plain text on every page of every role.

The demo programme, run to its coaching stage, holds a dossier in each state a person
can meet (drafts with their form and documents, decisions, letters, coaching). For each
kind of person, every page reached by following links from their home page has a
``<title>`` without markup that says more than the site's name (a template block of
markup once leaked into the documents page's tab: ``Documents · Atlas Solar Pumps <div
class="actions">...``).
"""

import pytest

from app.demo.services import DEMO_PASSWORD, load_demo
from app.extensions import db, limiter
from tests.helpers import demo_applicant_in, title_problem
from tests.policy.crawl import crawl
from workflows.application import COACHING_STATES, ApplicationStatus


@pytest.fixture(scope="module")
def people(_app):
    """The demo at its coaching stage, and one person of each kind (None: a visitor)."""
    from tests.conftest import IsolatedClient, _empty_tables

    _app.config.update(WTF_CSRF_ENABLED=False)
    _app.test_client_class = IsolatedClient
    limiter.enabled = False  # seven people log in from one address
    with _app.app_context():
        _empty_tables()
        load_demo(applications=16, seed=7, stage="coaching")
        db.session.commit()
        yield {
            "visitor": None,
            "applicant with a draft": demo_applicant_in(ApplicationStatus.DRAFT),
            "applicant in coaching": demo_applicant_in(*COACHING_STATES),
            "staff": "staff@example.com",
            "chair": "chair@example.com",
            "juror": "juror1@example.com",
            "coach": "coach1@example.com",
        }
        _empty_tables()
        db.session.remove()


@pytest.mark.parametrize(
    "person",
    [
        "visitor",
        "applicant with a draft",
        "applicant in coaching",
        "staff",
        "chair",
        "juror",
        "coach",
    ],
)
def test_every_page_title_is_plain_text(_app, people, person):
    email = people[person]
    with _app.app_context():
        client = _app.test_client()
        if email:
            response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
        reach = crawl(client, "/home" if email else "/")
    assert len(reach.pages) > 3, reach.visited
    problems = {address: title_problem(title) for address, title in reach.pages.items()}
    assert not {address: problem for address, problem in problems.items() if problem}
