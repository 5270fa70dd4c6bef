"""The applicant's journey on a phone (390x844) in Chromium: no page scrolls sideways; and a
coach's list of entrepreneurs reads as cards there.

The pages are those a person reaches by following links (tests/policy/crawl.py): a
visitor from the call's public page (the call, the self-check, the information sessions,
registering, logging in...), then two applicants of the demo programme from their home
page, one with a draft (the form's steps, the documents, the review) and one in coaching
(the decision, the letters, the coaching page, their data). Each page is shown at
390x844, saved as a full-page screenshot in the test's ``tmp_path`` under ``390x844/``
(pytest keeps the directories of its last three runs: /tmp/pytest-of-$USER/pytest-N/),
and must be no wider than the window, with a plain-text tab title.
"""

import re

import pytest

from app.demo.services import DEMO_CALL, DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.e2e.screens import WIDER_THAN_THE_WINDOW, screenshot, set_viewport
from tests.e2e.test_browser_journey import browser, click_and_wait, live_server  # noqa: F401
from tests.helpers import demo_applicant_in, title_problem
from tests.policy.crawl import crawl
from workflows.application import COACHING_STATES, ApplicationStatus

PHONE = (390, 844)

#: What the applicant's journey must include (endpoints), so that a crawl that lost its
#: way cannot pass by visiting little.
JOURNEY = {
    "calls.public_call",
    "info_sessions.public_call_sessions",
    "eligibility.self_check",
    "auth.register",
    "auth.login",
    "applications.my_applications",
    "applications.edit_step",
    "documents.manage_documents",
    "applications.show_application",
    "letters.applicant_letters",
    "privacy.my_data",
    "coaching.mine",
}


@pytest.fixture
def journey(app):
    """The demo at its coaching stage; the pages each person reaches, by following links."""
    load_demo(applications=16, seed=7, stage="coaching")
    db.session.commit()
    people = {
        "visitor": None,
        "draft": demo_applicant_in(ApplicationStatus.DRAFT),
        "coaching": demo_applicant_in(*COACHING_STATES),
    }
    pages = {}
    for who, email in people.items():
        client = app.test_client()
        if email:
            response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
        pages[who] = list(crawl(client, "/home" if email else f"/calls/{DEMO_CALL}").pages)
    return people, pages


def _endpoint(app, address: str) -> str:
    return app.url_map.bind("localhost").match(address.split("?")[0], method="GET")[0]


def _log_in(browser, base: str, email: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{base}/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button.btn"))


def test_no_applicant_page_scrolls_sideways_on_a_phone(
    app,
    live_server,  # noqa: F811
    browser,  # noqa: F811
    journey,
    tmp_path,
):
    people, pages = journey
    reached = {_endpoint(app, address) for addresses in pages.values() for address in addresses}
    assert JOURNEY <= reached, JOURNEY - reached

    set_viewport(browser, *PHONE)
    shots, problems, seen = tmp_path / "390x844", [], 0
    for who, email in people.items():
        browser.delete_all_cookies()
        if email:
            _log_in(browser, live_server, email)
        for address in pages[who]:
            browser.get(live_server + address)
            assert browser.current_url.endswith(address), (who, address, browser.current_url)
            seen += 1
            name = re.sub(r"[^A-Za-z0-9]+", "-", address).strip("-") or "index"
            screenshot(browser, shots / f"{seen:02d}-{who}-{name}.png")
            wide, window = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert window == PHONE[0]
            if wide > window:
                sticking_out = browser.execute_script(WIDER_THAN_THE_WINDOW)
                problems.append(f"{who} {address}: {wide} px wide; {sticking_out}")
            if problem := title_problem(f"<title>{browser.title}</title>"):
                problems.append(f"{who} {address}: {problem}")
    assert seen >= 20 and len(list(shots.glob("*.png"))) == seen
    assert not problems, "\n".join(problems)


def test_on_a_phone_a_coach_reads_their_entrepreneurs_as_cards_without_scrolling(
    app,
    live_server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    """The coach's list of six columns fits the phone: one card a row, each value under
    its column's name, nothing to scroll sideways inside the table either."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.coaching.models import CoachAssignment

    load_demo(applications=40, seed=7, stage="coaching")
    db.session.commit()
    coach = db.session.scalar(
        select(User.email)
        .join(CoachAssignment, CoachAssignment.coach_id == User.id)
        .where(CoachAssignment.ended_at.is_(None))
        .order_by(User.id)
        .limit(1)
    )
    set_viewport(browser, *PHONE)
    _log_in(browser, live_server, coach)
    browser.get(f"{live_server}/coaching/")
    screenshot(browser, tmp_path / "coach-home.png")
    wrap_wide, wrap_window = browser.execute_script(
        "const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]"
    )
    assert wrap_wide <= wrap_window
    cells = browser.execute_script(
        """return [...document.querySelectorAll('main tbody tr:first-child td')].map(td => {
             const box = td.getBoundingClientRect();
             return [box.left, box.top, td.dataset.label || null,
                     getComputedStyle(td, '::before').content];
           })"""
    )
    assert len(cells) == 6
    assert len({round(left) for left, _top, _label, _before in cells}) == 1  # one above another
    assert [top for _left, top, _label, _before in cells] == sorted(
        top for _left, top, _label, _before in cells
    )
    for _left, _top, label, before in cells[1:]:  # each value under its column's name
        assert label and before == f'"{label}"', (label, before)
