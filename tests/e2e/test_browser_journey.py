"""The applicant journey in a real browser: Debian's Chromium driven by chromedriver.

register -> open the call -> fill every step -> upload documents -> review -> submit
-> see the status. The app runs in a real HTTP server thread on the test database.
"""

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.serving import make_server

from app.applications.models import Application
from app.extensions import db
from tests.helpers import COMPLETE_ANSWERS, outbox_messages

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (make test installs them as root)",
)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1200,1000",
        "--lang=en-GB",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def click_and_wait(browser, find) -> None:
    """Find an element with ``find(browser)``, click it, wait for the next page.

    Chromium sometimes reports a node found a moment ago as gone ("does not belong
    to the document") while the page settles: the element is then found again.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    for attempt in range(5):
        WebDriverWait(browser, 15).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete"
        )
        try:
            page = browser.find_element(By.TAG_NAME, "html")
            element = find(browser)
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()
            break
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 4:
                raise
            time.sleep(0.5)

    def left(driver) -> bool:
        """The old page is gone; Chromium may say so as "does not belong to the document"."""
        try:
            return expected_conditions.staleness_of(page)(driver)
        except WebDriverException:
            return True

    WebDriverWait(browser, 15).until(left)
    WebDriverWait(browser, 15).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def _fill_step(browser, answers, names):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name in names:
        value = answers.get(name)
        if value is None:
            continue
        element = browser.find_element(By.ID, name) if not isinstance(value, list) else None
        if isinstance(value, bool):
            if value and not element.is_selected():
                element.click()
        elif isinstance(value, list):
            for option in value:
                box = browser.find_element(
                    By.CSS_SELECTOR, f"input[name='{name}'][value='{option}']"
                )
                if not box.is_selected():
                    box.click()
        elif element.tag_name == "select":
            Select(element).select_by_value(str(value))
        elif element.get_attribute("type") == "date":
            year, month, day = str(value).split("-")
            element.clear()
            # Chromium's date input takes the digits in the locale's order (en-GB: dd mm yyyy).
            element.send_keys(day + month + year)
        else:
            element.clear()
            element.send_keys(str(value))
    click_and_wait(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "button[name='then'][value='next']")
    )


def test_register_apply_upload_submit_and_follow(app, live_server, browser, make_call, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    from app.application_forms.versions import default_form
    from app.documents.demo import sample_pdf

    call = make_call("MBI-2026", name="Maghrib Belgium Impulse 2026")
    browser.get(f"{live_server}/calls/MBI-2026")
    assert "Maghrib Belgium Impulse 2026" in browser.page_source
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Create an account to apply"))

    browser.find_element(By.ID, "full_name").send_keys("Youssef El Amrani")
    browser.find_element(By.ID, "email").send_keys("youssef@example.org")
    browser.find_element(By.ID, "password").send_keys("a long enough passphrase")
    browser.find_element(By.ID, "confirm").send_keys("a long enough passphrase")
    browser.find_element(By.ID, "accept_privacy").click()
    click_and_wait(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button[type=submit].btn")
    )
    assert "Check your e-mail" in browser.page_source
    db.session.expire_all()
    mail = outbox_messages()[-1].body_text  # the address is confirmed from the e-mail's link
    confirm_path = re.search(r"http://127\.0\.0\.1:5000(/register/confirm/\S+)", mail)[1]
    browser.get(live_server + confirm_path)
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button.btn"))
    assert "My applications" in browser.page_source

    click_and_wait(
        browser,
        lambda b: WebDriverWait(b, 15).until(
            expected_conditions.element_to_be_clickable(
                (By.XPATH, "//button[normalize-space()='Start my application']")
            )
        ),
    )
    for step in default_form().steps:
        if step.slug == "documents":
            for kind in ("identity", "cv", "business_plan", "criminal_record"):
                path = tmp_path / f"{kind}.pdf"
                path.write_bytes(sample_pdf(kind, ["Youssef El Amrani"]))
                field = browser.find_element(By.ID, f"file-{kind}")
                field.send_keys(str(path))
                click_and_wait(
                    browser,
                    lambda b, kind=kind: b.find_element(
                        By.XPATH,
                        f"//input[@id='file-{kind}']/ancestor::form//button[@type='submit']",
                    ),
                )
                assert f"{kind}.pdf" in browser.page_source  # stored, page reloaded
            click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Continue"))
            continue
        with force_locale("en"):
            errors = re.findall(r"field__error[^>]*>([^<]*)<", browser.page_source)
            assert f"<h1>{step.title}</h1>" in browser.page_source, errors
        _fill_step(browser, COMPLETE_ANSWERS, [q.name for q in step.questions])

    assert "Everything is there" in browser.page_source, browser.page_source[:3000]
    click_and_wait(
        browser,
        lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Submit the application']"),
    )
    assert "MBI-2026-0001" in browser.page_source
    browser.get(f"{live_server}/my/applications")
    assert "Eligibility check in progress" in browser.page_source
    assert "checking your eligibility" in browser.page_source

    db.session.expire_all()
    application = db.session.scalar(db.select(Application))
    assert (application.status, application.reference) == ("submitted", "MBI-2026-0001")
    assert len(application.documents) == 4
    assert Path(app.config["DOCUMENT_STORE"]).is_dir()
    assert call.id == application.call_id
