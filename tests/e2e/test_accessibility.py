"""WCAG 2.1 AA: axe-core runs in Chromium on the main page of every role.

axe-core is the npm package pinned in tests/e2e/package.json (``npm ci`` in tests/e2e,
which ``make browser`` runs); the test injects it into each page through WebDriver
(outside the page's Content Security Policy) and fails on any serious or critical
violation, listing each one with the elements concerned.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for

from app.auth.models import Role
from app.extensions import db
from app.jury.models import JuryAssignment, JuryMember
from tests.conftest import PASSWORD
from tests.e2e.test_browser_journey import browser, click_and_wait, live_server  # noqa: F401

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: run `npm ci` in tests/e2e (make browser)"
)

#: What fails the test (axe's impacts are minor, moderate, serious, critical).
BLOCKING = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def audit_page(driver, url: str) -> list[str]:
    """The serious and critical violations of the page at ``url``, one line each."""
    driver.get(url)
    # The page itself, not the login page or an error: the role reached it.
    assert urlsplit(driver.current_url).path == urlsplit(url).path, driver.current_url
    assert "Page not found" not in driver.title, url
    return run_axe(driver, url)


def run_axe(driver, url: str) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                           resultTypes: ['violations']})
           .then(result => done(result.violations))
           .catch(error => done([{id: 'axe-error', impact: 'critical',
                                  help: String(error), nodes: []}]));
        """,
        WCAG_TAGS,
    )
    return [
        f"{url} [{v['impact']}] {v['id']}: {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def log_in(driver, base: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(
        driver, lambda b: b.find_element(By.CSS_SELECTOR, "main form button[type=submit]")
    )


@pytest.fixture
def world(app, make_user, make_call, make_application):
    """A call open for applications and with scoring open, and one person per role."""
    call = make_call("A11Y-2026", scoring_open=True)
    users = {
        "applicant": make_user(Role.APPLICANT),
        "staff": make_user(Role.STAFF),
        "juror": make_user(Role.JUROR),
        "chair": make_user(Role.CHAIR),
        "coach": make_user(Role.COACH),
    }
    draft = make_application("draft", call=call, applicant=users["applicant"], complete=False)
    reviewed = make_application("in_review", call=call)
    db.session.add(JuryMember(call_id=call.id, user_id=users["juror"].id))
    db.session.add(JuryMember(call_id=call.id, user_id=users["chair"].id, is_chair=True))
    assignment = JuryAssignment(application=reviewed, juror=users["juror"])
    db.session.add(assignment)
    db.session.commit()
    with app.test_request_context():
        pages = {
            None: [url_for("main.index"), url_for("calls.public_call", reference=call.reference)],
            "applicant": [
                url_for("applications.my_applications"),
                url_for("applications.edit_step", application_id=draft.id, slug="applicant"),
            ],
            "staff": [
                url_for("main.staff_home"),
                url_for("calls.show_call", call_id=call.id),
                url_for("applications.list_applications", call_id=call.id),
                url_for("dashboard.show", call_id=call.id),
                url_for("dashboard.audit", call_id=call.id, **{"from": "31/31"}),
            ],
            "juror": [
                url_for("jury.home"),
                url_for("jury.conflicts", call_id=call.id),
                url_for("jury.score_review", assignment_id=assignment.id),
            ],
            "chair": [url_for("jury.board", call_id=call.id)],
            "coach": [url_for("coaching.home")],
        }
    return users, pages


def test_no_serious_accessibility_violation_on_the_main_page_of_each_role(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
):
    users, pages = world
    problems = []
    for role, paths in pages.items():
        if role is None:
            browser.delete_all_cookies()
        else:
            log_in(browser, live_server, users[role].email)
        for path in paths:
            problems += audit_page(browser, live_server + path)
    assert not problems, "\n".join(problems)
    # The harness sees a violation when there is one: an image without text, a bare field.
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\\'/static/x.png\\'><input type=text>')"
    )
    caught = run_axe(browser, "control")
    assert any("image-alt" in line for line in caught) and any(" label:" in line for line in caught)
