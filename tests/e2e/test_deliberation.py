"""Issue 18's walk in Chromium: a juror goes from the jury home to the conflicts page,
declares no other conflict and scores a dossier in the split view; the chair moves a
dossier out of the selection and another in, and publishes; both applicants then read,
on their page and in their PDF letter (read with pdftotext, as their PDF reader would),
figures that agree with their decision and with each other.

``IMPULSE_SCREENSHOTS=docs`` also writes the README's docs/jury-home.png (otherwise it
goes to the test's temporary folder):

    IMPULSE_SCREENSHOTS=docs .venv/bin/pytest tests/e2e/test_deliberation.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.jury.models import CriterionScore, JuryAssignment, JuryMember, Review
from app.jury.scoring import set_scoring_open
from app.letters.models import Letter
from app.letters.store import read_pdf
from app.selection.services import refresh_draft
from tests.e2e.test_accessibility import log_in
from tests.e2e.test_browser_journey import (  # noqa: F401
    browser,
    click_and_wait,
    live_server,
    pytestmark,  # noqa: F401 - Chromium needed
)

PDFTOTEXT = shutil.which("pdftotext")
DOCS = Path(__file__).resolve().parents[2] / "docs"
#: The chair's own words: in the decision record, never before an applicant.
OUT_WORDS = "The partner bank withdrew its guarantee"
IN_WORDS = "Strong fit with the regional priorities"


def _letter_text(application_id: int) -> str:
    (letter,) = db.session.scalars(select(Letter).where(Letter.application_id == application_id))
    done = subprocess.run(
        [PDFTOTEXT, "-", "-"], input=read_pdf(letter.sha256), capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def _main_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return re.sub(r"\s+", " ", driver.find_element(By.TAG_NAME, "main").text)


def _move(driver, dossier_id: int, decision: str, reason: str, words: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    row = driver.find_element(By.ID, f"d{dossier_id}")
    row.find_element(By.CSS_SELECTOR, "details.move summary").click()
    Select(driver.find_element(By.ID, f"decision-{dossier_id}")).select_by_value(decision)
    Select(driver.find_element(By.ID, f"reason-{dossier_id}")).select_by_value(reason)
    driver.find_element(By.ID, f"justification-{dossier_id}").send_keys(words)
    click_and_wait(
        driver,
        lambda b: b.find_element(By.ID, f"d{dossier_id}").find_element(
            By.CSS_SELECTOR, "details.move button[type=submit]"
        ),
    )


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="needs pdftotext (poppler-utils; make test installs it)"
)
def test_a_juror_scores_the_chair_moves_and_both_applicants_read_the_same_story(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    make_user,
    make_call,
    make_application,
    make_chair,
    tmp_path,
):
    from selenium.webdriver.common.by import By

    call = make_call(
        quota=2, reserve_size=2, scoring_open=True, conflicts_confirmation_required=True
    )
    chair = make_chair(call)
    colleague, juror = make_user(Role.JUROR), make_user(Role.JUROR)
    db.session.add_all(
        [
            JuryMember(call_id=call.id, user_id=colleague.id),
            JuryMember(call_id=call.id, user_id=juror.id),
        ]
    )
    # Five dossiers the colleague scored 90, 80, 70, 60 and 50; the sixth is our juror's.
    scored = []
    for score in (9, 8, 7, 6, 5):
        dossier = make_application("in_review", call=call)
        assignment = JuryAssignment(application_id=dossier.id, juror_id=colleague.id)
        review = Review(assignment=assignment, status="submitted", total=score * 10)
        review.scores = [CriterionScore(criterion_id=c.id, score=score) for c in call.criteria]
        db.session.add_all([assignment, review])
        scored.append(dossier)
    mine = make_application("in_review", call=call)
    db.session.add(JuryAssignment(application_id=mine.id, juror_id=juror.id))
    db.session.commit()
    call_id, mine_id = call.id, mine.id
    moved_out, moved_in = scored[1], mine  # B (80) out to the reserve; the juror's (30) in
    out_id, out_owner = moved_out.id, moved_out.applicant.email
    in_owner = mine.applicant.email
    moved_out.applicant.locale = moved_in.applicant.locale = "en"  # letters in English
    db.session.commit()

    # 1. The juror: jury home -> conflicts -> "no other conflict" -> score in the split view.
    log_in(browser, live_server, juror.email)
    browser.get(f"{live_server}/jury/")
    click_and_wait(browser, lambda b: b.find_element(By.ID, f"declare-conflicts-{call_id}"))
    assert urlsplit(browser.current_url).path == f"/jury/calls/{call_id}/conflicts"
    click_and_wait(browser, lambda b: b.find_element(By.ID, "confirm-no-other-conflict"))
    assert browser.find_element(By.ID, f"jury-call-{call_id}").get_attribute("data-step") == (
        "score"
    )
    target = DOCS if os.environ.get("IMPULSE_SCREENSHOTS") == "docs" else tmp_path
    browser.set_window_size(1280, 800)
    assert browser.save_screenshot(str(target / "jury-home.png"))
    click_and_wait(browser, lambda b: b.find_element(By.ID, f"score-next-{call_id}"))
    panel = browser.find_element(By.ID, "your-review")
    assert panel.value_of_css_property("position") == "sticky"  # the split view, side by side
    for field in panel.find_elements(By.CSS_SELECTOR, "input[name^='score_']"):
        field.clear()
        field.send_keys("3")
    click_and_wait(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "button[name=action][value=submit]")
    )
    db.session.expire_all()
    review = db.session.scalar(
        select(Review).join(JuryAssignment).where(JuryAssignment.application_id == mine_id)
    )
    assert review.status == "submitted" and review.total == 30

    # 2. The chair closes scoring, computes, moves B out and the juror's dossier in, publishes.
    set_scoring_open(call, False, actor=chair)
    refresh_draft(call, actor=chair)
    db.session.commit()
    log_in(browser, live_server, chair.email)
    browser.get(f"{live_server}/jury/")
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Selection"))
    assert urlsplit(browser.current_url).path == f"/calls/{call_id}/selection"
    _move(browser, out_id, "reserve", "feasibility", OUT_WORDS)
    _move(browser, mine_id, "selected", "programme_fit", IN_WORDS)
    click_and_wait(browser, lambda b: b.find_element(By.PARTIAL_LINK_TEXT, "Publish"))
    browser.find_element(By.ID, "confirm").click()
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button"))
    assert "Published: 2 selected" in _main_text(browser)

    # 3. Both applicants read their outcome, the same on their page and in their letter.
    db.session.expire_all()
    reserve_count = sum(1 for d in scored if db.session.get(type(d), d.id).status == "reserve")
    log_in(browser, live_server, out_owner)
    browser.get(f"{live_server}/applications/{out_id}")
    page = _main_text(browser)
    position = re.search(r"Your project is number (\d+) on the reserve list", page)
    assert position, page
    assert 1 <= int(position.group(1)) <= reserve_count
    assert f"The reserve list holds {reserve_count} projects. 2 projects are selected." in page
    assert "The jury's deliberation decided this outcome" in page
    assert "Reason: Feasibility of the project." in page and OUT_WORDS not in page
    letter = _letter_text(out_id)
    assert f"at position {position.group(1)} of {reserve_count}." in letter, letter
    assert "Feasibility of the project." in letter and OUT_WORDS not in letter

    log_in(browser, live_server, in_owner)
    browser.get(f"{live_server}/applications/{mine_id}")
    page = _main_text(browser)
    assert "Your project is among the 2 projects selected" in page, page
    assert "Reason: Fit with the programme's aims." in page and IN_WORDS not in page
    assert "ranked" not in page and "places" not in page  # no figure from the raw ranking
    letter = _letter_text(mine_id)
    assert f"2 selected, {reserve_count} on the reserve list" in letter, letter
    assert "Fit with the programme's aims." in letter and IN_WORDS not in letter
