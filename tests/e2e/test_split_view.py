"""Scoring without scrolling, in Chromium: the split view at 1280x800 keeps the score
panel and its buttons in view while the juror reads the dossier's documents to their end;
drafts save themselves and come back; "save and next" works from the keyboard; on a
phone (390 px) the two sides stack without scrolling sideways; axe-core finds nothing
serious.

``IMPULSE_SCREENSHOTS=docs`` also writes the screenshot of the README,
docs/split-view.png (otherwise it goes to the test's temporary folder):

    IMPULSE_SCREENSHOTS=docs .venv/bin/pytest tests/e2e/test_split_view.py -k 1280
"""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from app.auth.models import Role
from app.documents.services import attach_document
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from tests.documents import pdf_of_pages, picture_png
from tests.e2e.test_accessibility import AXE, log_in, run_axe
from tests.e2e.test_browser_journey import pytestmark  # noqa: F401 - Chromium or skip

DOCS = Path(__file__).resolve().parents[2] / "docs"
PLAN = [
    "Atlas Solar Pumps SARL - Beni Mellal-Khenifra",
    "",
    "1. The need",
    "Small farms of the Tadla plain pump their water with diesel: 40 % of their costs.",
    "A solar pump pays for itself in three seasons, but few farmers can pay it upfront.",
    "",
    "2. The offer",
    "We sell, install and maintain 3 to 7.5 kW solar pumping kits, paid over 36 months.",
    "Our technicians are trained in Brussels with our Belgian partner, then in Beni Mellal.",
    "",
    "3. The team",
    "Youssef El Amrani, engineer, ten years of irrigation projects in Belgium and Morocco.",
    "Salma Bennani, finance, former credit officer of a microfinance institution.",
    "",
    "4. The market",
    "12,000 farms of 2 to 20 hectares within 80 km; 300 kits in year 3 (2.5 %).",
    "",
    "5. Finances",
    "Investment: 1,450,000 MAD; Impulse grant and loan: 600,000 MAD.",
    "Break-even in month 26; turnover of 9.8 million MAD in year 3.",
]


@pytest.fixture
def desk(app, make_user, make_call, make_application):
    """A juror with three dossiers to score; the first holds a six-page business plan
    and a photographed identity card besides its other documents."""
    call = make_call("MBI-2026", name="Maghrib Belgium Impulse 2026", scoring_open=True)
    juror = make_user(Role.JUROR, full_name="Nadia Juror")
    db.session.add(JuryMember(call=call, user=juror))
    dossiers = [make_application("in_review", call=call) for _ in range(3)]
    assignments = [JuryAssignment(application=dossier, juror=juror) for dossier in dossiers]
    db.session.add_all(assignments)
    plan = attach_document(
        dossiers[0], "business_plan", pdf_of_pages(6, lines=PLAN), "business-plan.pdf"
    )
    attach_document(dossiers[0], "identity", picture_png(856, 540), "identity-card.png")
    db.session.commit()
    return SimpleNamespace(call=call, juror=juror, assignments=assignments, plan=plan)


def viewport(browser, width: int, height: int, *, phone: bool = False) -> None:
    """The page's viewport exactly (the window's frame would take its share otherwise)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
    )


def open_score_page(browser, base: str, desk, index: int = 0) -> None:
    browser.get(f"{base}/jury/assignments/{desk.assignments[index].id}")
    WebDriverWait(browser, 15).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def settle(browser) -> None:
    """Wait for the images in view to arrive, then leave the page: no request of it is
    still being answered when the test's server and database go away."""
    WebDriverWait(browser, 15).until(
        lambda driver: driver.execute_script(
            "return Array.from(document.images).every("
            "i => i.complete || i.getBoundingClientRect().top > innerHeight)"
        )
    )
    browser.get("about:blank")


def in_view(browser, selector: str) -> dict:
    """Where the element is against the viewport."""
    return browser.execute_script(
        """
        const box = document.querySelector(arguments[0]).getBoundingClientRect();
        return {top: box.top, bottom: box.bottom, height: innerHeight,
                visible: box.top >= 0 && box.bottom <= innerHeight};
        """,
        selector,
    )


SUBMIT = "#score-form button[value='submit']"
NEXT = "#score-form button[value='next']"


def test_at_1280x800_the_score_panel_stays_in_view_to_the_end_of_the_documents(
    live_server, browser, desk, tmp_path
):
    viewport(browser, 1280, 800)
    log_in(browser, live_server, desk.juror.email)
    open_score_page(browser, live_server, desk)
    # six pages of the plan and the identity card, below the answers
    images = browser.find_elements(By.CSS_SELECTOR, "img.doc__page")
    assert len(images) >= 7
    assert in_view(browser, SUBMIT)["visible"], in_view(browser, SUBMIT)
    # the juror reads on: each page, rendered by the app, shows (no CSP or host in the way)
    for image in images:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
        WebDriverWait(browser, 15).until(
            lambda driver, image=image: driver.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", image
            )
        )
        assert in_view(browser, SUBMIT)["visible"]
    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    at_end = browser.execute_script(
        "return Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight"
    )
    assert at_end
    assert in_view(browser, SUBMIT)["visible"], in_view(browser, SUBMIT)
    assert in_view(browser, NEXT)["visible"]
    assert browser.execute_script("return document.documentElement.scrollHeight") > 3 * 800
    # the screenshot of the README: a score typed, the panel beside the first pages
    browser.execute_script("window.scrollTo(0, 0)")
    score = browser.find_element(By.CSS_SELECTOR, "#score-form input[name^='score_']")
    score.send_keys("7")
    comment = browser.find_element(By.CSS_SELECTOR, "#score-form textarea[name^='comment_']")
    comment.send_keys("Two founders with ten years in irrigation; a credible team.")
    WebDriverWait(browser, 10).until(
        lambda driver: "Draft saved at" in driver.find_element(By.ID, "draft-status").text
    )
    document = browser.find_element(By.ID, f"document-{desk.plan.id}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", document)
    browser.execute_script("window.scrollBy(0, -8)")
    target = DOCS if os.environ.get("IMPULSE_SCREENSHOTS") == "docs" else tmp_path
    assert browser.save_screenshot(str(target / "split-view.png"))
    settle(browser)


def test_a_draft_saves_itself_and_save_and_next_works_from_the_keyboard(
    app, live_server, browser, desk
):
    viewport(browser, 1280, 800)
    log_in(browser, live_server, desk.juror.email)
    first, second, third = desk.assignments
    open_score_page(browser, live_server, desk)
    score = browser.find_element(By.CSS_SELECTOR, "#score-form input[name^='score_']")
    score.send_keys("8")
    WebDriverWait(browser, 10).until(
        lambda driver: "Draft saved at" in driver.find_element(By.ID, "draft-status").text
    )
    browser.refresh()
    score = browser.find_element(By.CSS_SELECTOR, "#score-form input[name^='score_']")
    assert score.get_attribute("value") == "8"  # restored from the draft
    # Tab from the last field reaches "Save and next", a real button; Enter presses it
    browser.find_element(By.ID, "private_notes").click()
    for _ in range(6):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("value") == "next":
            break
    focused = browser.switch_to.active_element
    assert (focused.tag_name, focused.get_attribute("type")) == ("button", "submit")
    assert focused.get_attribute("value") == "next"
    focused.send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(
        lambda driver: driver.current_url.endswith(f"/jury/assignments/{second.id}")
    )
    # Ctrl+Enter, the documented shortcut, from a field being typed in
    score = browser.find_element(By.CSS_SELECTOR, "#score-form input[name^='score_']")
    score.send_keys("6")
    score.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, 15).until(
        lambda driver: driver.current_url.endswith(f"/jury/assignments/{third.id}")
    )
    db.session.expire_all()
    saved = {
        review.assignment_id: (review.status, sorted(s.score for s in review.scores if s.score))
        for review in db.session.scalars(select(Review))
    }
    assert saved == {first.id: ("draft", [8]), second.id: ("draft", [6])}
    settle(browser)


def test_on_a_phone_the_two_sides_stack_without_scrolling_sideways(live_server, browser, desk):
    log_in(browser, live_server, desk.juror.email)
    viewport(browser, 390, 844, phone=True)
    open_score_page(browser, live_server, desk)
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, innerWidth, document.body.scrollWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    stacked = browser.execute_script(
        """
        const dossier = document.querySelector('.split__dossier').getBoundingClientRect();
        const panel = document.querySelector('.split__panel').getBoundingClientRect();
        return panel.top >= dossier.bottom && panel.width <= innerWidth;
        """
    )
    assert stacked
    # the link to the review, for the thumb, leads to the panel
    link = browser.find_element(By.CSS_SELECTOR, ".dossier-nav a[href='#your-review']")
    assert link.is_displayed()
    settle(browser)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run `npm ci` in tests/e2e")
def test_the_split_view_has_no_serious_accessibility_violation(live_server, browser, desk):
    """Being scored, and once submitted (the panel then shows the scores, locked)."""
    criteria = desk.call.criteria
    locked = Review(assignment=desk.assignments[2], status="submitted", total=60)
    db.session.add(locked)
    locked.scores = [CriterionScore(criterion=c, score=6) for c in criteria]
    db.session.commit()
    log_in(browser, live_server, desk.juror.email)
    problems = []
    for width, height, phone in ((1280, 800, False), (390, 844, True)):
        viewport(browser, width, height, phone=phone)
        for index in (0, 2):
            open_score_page(browser, live_server, desk, index)
            problems += run_axe(browser, f"split view {index} at {width}px")
    settle(browser)
    assert not problems, "\n".join(problems)
