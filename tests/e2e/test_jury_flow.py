"""The juror's way in Chromium (issue 18): from the jury home to the conflicts page, "I
have no other conflict", back home with the progress, then the first dossier, which
the call kept closed until then."""

from urllib.parse import urlsplit

from app.auth.models import Role
from app.extensions import db
from app.jury.models import JuryAssignment, JuryMember
from tests.e2e.test_accessibility import log_in
from tests.e2e.test_browser_journey import (  # noqa: F401
    browser,
    click_and_wait,
    live_server,
    pytestmark,  # noqa: F401 - Chromium needed
)


def test_a_juror_declares_no_other_conflict_then_scores(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    make_user,
    make_call,
    make_application,
):
    from selenium.webdriver.common.by import By

    call = make_call(scoring_open=True, conflicts_confirmation_required=True)
    juror = make_user(Role.JUROR)
    dossier = make_application("in_review", call=call)
    make_application("eligible", call=call)
    db.session.add(JuryMember(call_id=call.id, user_id=juror.id))
    assignment = JuryAssignment(application=dossier, juror=juror)
    db.session.add(assignment)
    db.session.commit()
    call_id, assignment_id, title = call.id, assignment.id, dossier.title

    log_in(browser, live_server, juror.email)
    browser.get(f"{live_server}/jury/assignments/{assignment_id}")
    assert "Before your first dossier" in browser.find_element(By.TAG_NAME, "main").text
    assert title not in browser.page_source
    click_and_wait(browser, lambda b: b.find_element(By.ID, "way-out"))
    assert urlsplit(browser.current_url).path == f"/jury/calls/{call_id}/conflicts"

    browser.get(f"{live_server}/jury/")
    card = browser.find_element(By.ID, f"jury-call-{call_id}")
    assert card.get_attribute("data-step") == "conflicts"
    click_and_wait(browser, lambda b: b.find_element(By.ID, f"declare-conflicts-{call_id}"))
    assert urlsplit(browser.current_url).path == f"/jury/calls/{call_id}/conflicts"
    click_and_wait(browser, lambda b: b.find_element(By.ID, "confirm-no-other-conflict"))

    assert urlsplit(browser.current_url).path == "/jury/"
    card = browser.find_element(By.ID, f"jury-call-{call_id}")
    assert card.get_attribute("data-step") == "score"
    progress = browser.find_element(By.ID, f"progress-{call_id}")
    assert (progress.get_attribute("data-done"), progress.get_attribute("data-total")) == (
        "0",
        "1",
    )
    click_and_wait(browser, lambda b: b.find_element(By.ID, f"score-next-{call_id}"))
    assert urlsplit(browser.current_url).path == f"/jury/assignments/{assignment_id}"
    assert title in browser.find_element(By.TAG_NAME, "main").text
