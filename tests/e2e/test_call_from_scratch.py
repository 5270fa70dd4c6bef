"""Issue 17's acceptance, in Chromium: staff build a call from scratch in the browser
(an empty form grown to two steps of questions and a documents step, six questions,
one conditional, one labelled in Arabic, one required document, two eligibility
rules, three criteria) and open it; an applicant registers, sees only what applies to
them and submits; the rules give their verdict with reasons; staff declare the
dossier eligible and it goes on to the jury like any other.
"""

import re
from datetime import timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from app.applications.models import Application
from app.auth.models import Role
from app.calls.models import Call
from app.common.clock import to_brussels, utcnow
from app.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.test_browser_journey import (
    click_and_wait,
    pytestmark,  # noqa: F401 - Chromium or skip
)
from tests.helpers import outbox_messages

REFERENCE = "GSE-2027"
AGE_PASSED = "18 or older on the closing date."
SECTOR_PASSED = "A sector the call covers."


def _type(browser, field_id: str, text: str) -> None:
    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def _save(browser) -> None:
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button.btn"))


def _shot(browser, tmp_path, name: str) -> None:
    browser.save_screenshot(str(tmp_path / f"{name}.png"))


def _log_in(browser, live_server, email: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live_server}/login")
    _type(browser, "email", email)
    _type(browser, "password", PASSWORD)
    _save(browser)


def _no_errors(browser) -> None:
    errors = re.findall(r'field__error"[^>]*>([^<]*)<', browser.page_source)
    assert not errors, errors


def _create_call(browser, live_server) -> None:
    browser.get(f"{live_server}/staff")
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "New call"))
    _type(browser, "reference", REFERENCE)
    _type(browser, "name", "Green Start Express 2027")
    now = to_brussels(utcnow()).replace(tzinfo=None)
    for field_id, moment in (
        ("opens_at", now - timedelta(hours=1)),
        ("closes_at", now + timedelta(days=30)),
    ):  # a datetime-local input's typing order depends on the locale: its value is set
        browser.execute_script(
            "arguments[0].value = arguments[1];",
            browser.find_element(By.ID, field_id),
            moment.strftime("%Y-%m-%dT%H:%M"),
        )
    for row, (name, weight) in enumerate((("Team", 30), ("Project", 40), ("Impact", 30))):
        _type(browser, f"criteria-{row}-name", name)
        _type(browser, f"criteria-{row}-weight", str(weight))
    browser.find_element(By.CSS_SELECTOR, "input[name='start_form'][value='empty']").click()
    click_and_wait(
        browser, lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Save the call']")
    )
    _no_errors(browser)
    assert f"Call {REFERENCE} created." in browser.page_source


def _add_step(browser, slug: str, title: str, documents: bool = False) -> None:
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Add a step"))
    _type(browser, "slug", slug)
    _type(browser, "title_en", title)
    if documents:
        browser.find_element(By.ID, "documents").click()
    _save(browser)
    _no_errors(browser)


def _add_question(browser, call_id: int, slug: str, name: str, kind: str, **more) -> None:
    click_and_wait(
        browser,
        lambda b: b.find_element(
            By.CSS_SELECTOR, f"a[href$='/staff/calls/{call_id}/form/steps/{slug}/questions/new']"
        ),
    )
    _type(browser, "name", name)
    Select(browser.find_element(By.ID, "type")).select_by_value(kind)
    for language in ("en", "ar"):
        if f"label_{language}" in more:
            _type(browser, f"label_{language}", more[f"label_{language}"])
    if "choices" in more:
        _type(browser, "choices", more["choices"])
    if more.get("optional"):
        browser.find_element(By.ID, "required").click()
    if "show_if" in more:
        question, values = more["show_if"]
        Select(browser.find_element(By.ID, "show_if_question")).select_by_value(question)
        _type(browser, "show_if_values", values)
    _save(browser)
    _no_errors(browser)
    assert f"question-{name}" in browser.page_source  # back on the editor, listed


def _add_rule(browser, name: str, operator: str, question: str, value: str, texts) -> None:
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Add a rule"))
    _type(browser, "name", name)
    Select(browser.find_element(By.ID, "operator")).select_by_value(operator)
    Select(browser.find_element(By.ID, "question")).select_by_value(question)
    _type(browser, "value", value)
    for language, (title, failed, passed) in texts.items():  # French: the rules' base
        _type(browser, f"title_{language}", title)
        _type(browser, f"failed_{language}", failed)
        _type(browser, f"passed_{language}", passed)
    _save(browser)
    _no_errors(browser)
    assert "Rule saved." in browser.page_source, browser.find_element(By.TAG_NAME, "main").text


def _build_the_form_and_rules(browser, live_server, call_id: int, tmp_path) -> None:
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Application form"))
    assert "About you" in browser.page_source and "full_name" in browser.page_source
    # Step 1, from the empty form: renamed, two more questions.
    click_and_wait(
        browser,
        lambda b: b.find_element(
            By.CSS_SELECTOR, f"a[href$='/staff/calls/{call_id}/form/steps/about_you']"
        ),
    )
    _type(browser, "title_en", "About you and your company")
    _save(browser)
    _no_errors(browser)
    _add_question(browser, call_id, "about_you", "birth_date", "date", label_en="Date of birth")
    _add_question(
        browser,
        call_id,
        "about_you",
        "has_company",
        "yes_no",
        label_en="I already run a company",
        optional=True,
    )
    # Step 2: the project, with the conditional question and the one in Arabic.
    _add_step(browser, "project", "Your project")
    _add_question(
        browser,
        call_id,
        "project",
        "company_name",
        "short_text",
        label_en="Name of your company",
        show_if=("has_company", "yes"),
    )
    _add_question(
        browser,
        call_id,
        "project",
        "sector",
        "one_choice",
        label_en="Sector",
        choices="tech | Technology\nfood | Food\nother | Other",
    )
    _add_question(
        browser,
        call_id,
        "project",
        "pitch",
        "long_text",
        label_en="Your project in a few words",
        label_ar="مشروعك في بضع كلمات",
    )
    # The documents: a step to upload them on, the business plan required.
    _add_step(browser, "documents", "Documents", documents=True)
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Change the documents"))
    Select(browser.find_element(By.ID, "business_plan_asked")).select_by_value("required")
    _save(browser)
    _no_errors(browser)
    assert "Only if “I already run a company” is “Yes”" in browser.page_source
    _shot(browser, tmp_path, "1-form-editor")

    browser.get(f"{live_server}/staff/calls/{call_id}/rules")
    _add_rule(
        browser,
        "adult",
        "age_at_closing_at_least",
        "birth_date",
        "18",
        {
            "en": ("Age", "Under 18 on the closing date.", AGE_PASSED),
            "fr": ("Âge", "Moins de 18 ans à la clôture.", "18 ans ou plus à la clôture."),
        },
    )
    _add_rule(
        browser,
        "sector",
        "one_of",
        "sector",
        "tech, food",
        {
            "en": ("Sector", "A sector the call does not cover.", SECTOR_PASSED),
            "fr": ("Secteur", "Un secteur que l’appel ne couvre pas.", "Un secteur couvert."),
        },
    )
    _shot(browser, tmp_path, "2-rules")


def _apply(browser, live_server, tmp_path) -> None:
    from app.documents.demo import sample_pdf

    browser.delete_all_cookies()
    browser.get(f"{live_server}/calls/{REFERENCE}")
    assert "Green Start Express 2027" in browser.page_source
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Create an account to apply"))
    _type(browser, "full_name", "Salma Bennani")
    _type(browser, "email", "salma@example.org")
    _type(browser, "password", "a long enough passphrase")
    _type(browser, "confirm", "a long enough passphrase")
    browser.find_element(By.ID, "accept_privacy").click()
    _save(browser)
    assert "Check your e-mail" in browser.page_source
    db.session.expire_all()
    mail = outbox_messages()[-1].body_text
    browser.get(
        live_server + re.search(r"http://127\.0\.0\.1:5000(/register/confirm/\S+)", mail)[1]
    )
    _save(browser)
    assert "My applications" in browser.page_source
    click_and_wait(
        browser,
        lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Start my application']"),
    )

    assert "<h1>About you and your company</h1>" in browser.page_source
    _type(browser, "full_name", "Salma Bennani")
    birth = browser.find_element(By.ID, "birth_date")
    birth.clear()
    birth.send_keys("14031995")  # en-GB: dd mm yyyy
    assert not browser.find_element(By.ID, "has_company").is_selected()  # no company
    click_and_wait(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "button[name='then'][value='next']")
    )
    _no_errors(browser)

    assert "<h1>Your project</h1>" in browser.page_source
    assert not browser.find_elements(By.ID, "company_name")  # its condition does not hold
    assert "Name of your company" not in browser.page_source
    Select(browser.find_element(By.ID, "sector")).select_by_value("tech")
    _type(browser, "pitch", "Vertical farms on Brussels rooftops.")
    _shot(browser, tmp_path, "3-step-project")
    click_and_wait(
        browser, lambda b: b.find_element(By.CSS_SELECTOR, "button[name='then'][value='next']")
    )
    _no_errors(browser)

    path = tmp_path / "business_plan.pdf"
    path.write_bytes(sample_pdf("business_plan", ["Salma Bennani"]))
    browser.find_element(By.ID, "file-business_plan").send_keys(str(path))
    assert not browser.find_elements(By.ID, "file-identity")  # only what the form asks
    click_and_wait(
        browser,
        lambda b: b.find_element(
            By.XPATH, "//input[@id='file-business_plan']/ancestor::form//button[@type='submit']"
        ),
    )
    assert "business_plan.pdf" in browser.page_source
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, "Continue"))
    assert "Everything is there" in browser.page_source, browser.page_source[:3000]
    click_and_wait(
        browser,
        lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Submit the application']"),
    )
    assert f"{REFERENCE}-0001" in browser.page_source


def test_staff_build_a_call_from_scratch_and_a_dossier_reaches_the_jury(
    app, live_server, browser, make_user, tmp_path
):
    staff = make_user(Role.STAFF, full_name="Nadia Staff")
    make_user(Role.JUROR, full_name="Jamila Juror")
    browser.set_page_load_timeout(30)

    # 1. Staff create the call from an empty form, then shape its form and rules.
    _log_in(browser, live_server, staff.email)
    _create_call(browser, live_server)
    call = db.session.scalar(db.select(Call).where(Call.reference == REFERENCE))
    _build_the_form_and_rules(browser, live_server, call.id, tmp_path)
    db.session.expire_all()
    assert call.is_open(utcnow())
    assert [(c.name, c.weight) for c in call.criteria] == [
        ("Team", 30),
        ("Project", 40),
        ("Impact", 30),
    ]
    assert [rule["name"] for rule in call.eligibility_rules["rules"]] == ["adult", "sector"]

    # The form as built: two steps of questions and the documents' step.
    from app.application_forms.versions import call_form, current_definition

    form = call_form(call)
    assert [step.slug for step in form.steps] == ["about_you", "project", "documents"]
    assert list(form.questions) == [
        "full_name",
        "birth_date",
        "has_company",
        "company_name",
        "sector",
        "pitch",
    ]
    assert [(d.kind, d.required) for d in form.documents] == [("business_plan", True)]
    pitch = current_definition(call)["steps"][1]["questions"][2]
    assert pitch["label"] == {"en": "Your project in a few words", "ar": "مشروعك في بضع كلمات"}

    # 2. An applicant registers, answers what applies to them, and submits.
    _apply(browser, live_server, tmp_path)
    db.session.expire_all()
    application = db.session.scalar(db.select(Application))
    assert application.status == "submitted"
    assert "company_name" not in (application.answers or {}) or not application.answers.get(
        "company_name"
    )

    # 3. The rules give their verdict, with their reasons, on the staff's review page.
    _log_in(browser, live_server, staff.email)
    browser.get(f"{live_server}/staff/calls/{call.id}/eligibility")
    click_and_wait(browser, lambda b: b.find_element(By.LINK_TEXT, f"{REFERENCE}-0001"))
    assert AGE_PASSED in browser.page_source
    assert SECTOR_PASSED in browser.page_source
    _shot(browser, tmp_path, "4-eligibility-review")
    click_and_wait(
        browser,
        lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Declare eligible']"),
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "eligible"

    # 4. The dossier goes on to the jury: a juror joins the jury and is assigned it.
    browser.get(f"{live_server}/jury/staff/calls/{call.id}")
    Select(browser.find_element(By.ID, "user_id")).select_by_visible_text(
        next(
            option.text
            for option in Select(browser.find_element(By.ID, "user_id")).options
            if "Jamila Juror" in option.text
        )
    )
    click_and_wait(
        browser, lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Add to the jury']")
    )
    browser.get(f"{live_server}/jury/staff/calls/{call.id}/assignments")
    assert f"{REFERENCE}-0001" in browser.page_source
    click_and_wait(
        browser, lambda b: b.find_element(By.XPATH, "//button[normalize-space()='Assign']")
    )
    assert "Jamila Juror assigned." in browser.page_source
    _shot(browser, tmp_path, "5-jury-assignments")
    db.session.expire_all()
    from app.jury.models import JuryAssignment

    assignments = db.session.scalars(db.select(JuryAssignment)).all()
    assert [(a.application_id, a.juror.full_name) for a in assignments] == [
        (application.id, "Jamila Juror")
    ]
    print("screenshots in", tmp_path)
