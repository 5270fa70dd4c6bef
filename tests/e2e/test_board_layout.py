"""The chair's board at 1280x800 in Chromium: a compact ranking, one line per dossier
(a long title cut with an ellipsis, whole in its tooltip; in Arabic too, the reference
whole), whose column headers stay in view while the rows scroll."""

from app.applications.models import Application
from app.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.screens import screenshot, set_viewport
from tests.e2e.test_accessibility import AXE, run_axe
from tests.e2e.test_browser_journey import browser, click_and_wait, live_server  # noqa: F401
from tests.jury.test_board import build  # noqa: F401 - fixture

LONG_TITLE = "Cold-chain logistics for fresh fish between Dakhla, Agadir and the Antwerp market"

MEASURE = """
const frame = document.querySelector('.table-wrap--sticky');
const table = frame.querySelector('table');
const cells = [...table.tBodies[0].rows].map(row => row.querySelector('td.cell-fill'));
const lineHeight = parseFloat(getComputedStyle(cells[0]).lineHeight);
return {
  rows: [...table.tBodies[0].rows].map(row => row.getBoundingClientRect().height),
  lineHeight: lineHeight,
  cut: cells.filter(cell => cell.scrollWidth > cell.clientWidth).length,
  tooltip: cells[0].title,
  fits: frame.scrollWidth <= frame.clientWidth,
  scrolls: frame.scrollHeight > frame.clientHeight,
  pageHeight: document.documentElement.scrollHeight,
  pageFits: document.documentElement.scrollWidth <= window.innerWidth,
};
"""

HEADER_AFTER_SCROLLING = """
const frame = document.querySelector('.table-wrap--sticky');
frame.scrollIntoView();
frame.scrollTop = 600;
const header = frame.querySelector('thead th').getBoundingClientRect();
const top = frame.getBoundingClientRect().top;
const first = frame.querySelector('tbody tr').getBoundingClientRect();
return {headerTop: header.top - top, firstRowTop: first.top - top, inView: header.top >= 0};
"""


REFERENCES_OUTSIDE_THEIR_CELL = """
return [...document.querySelectorAll('td.cell-fill')].filter(cell => {
  const link = cell.querySelector('a').getBoundingClientRect();
  const box = cell.getBoundingClientRect();
  return link.left < box.left || link.right > box.right;
}).map(cell => cell.querySelector('a').textContent);
"""


def test_the_board_is_one_line_per_dossier_under_headers_kept_in_view(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    build,  # noqa: F811
    tmp_path,
):
    from selenium.webdriver.common.by import By

    call, chair = build(34)
    for application in db.session.scalars(db.select(Application).filter_by(call_id=call.id)):
        application.answers = {**application.answers, "project_title": LONG_TITLE}
    db.session.commit()

    set_viewport(browser, 1280, 800)
    browser.get(f"{live_server}/login")
    browser.find_element(By.ID, "email").send_keys(chair.email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "main form button.btn"))
    browser.get(f"{live_server}/jury/calls/{call.id}/board")
    screenshot(browser, tmp_path / "board-1280x800.png")

    shown = browser.execute_script(MEASURE)
    assert len(shown["rows"]) == 34
    # One line per dossier: no row is as tall as two lines of text.
    assert max(shown["rows"]) < 2 * shown["lineHeight"], shown
    assert shown["cut"] == 34 and LONG_TITLE in shown["tooltip"]
    assert shown["fits"] and shown["pageFits"], "the ranking scrolls sideways at 1280 px"
    # The 34 rows scroll inside their frame: the page is not 4,800 px tall.
    assert shown["scrolls"] and shown["pageHeight"] < 2000, shown

    after = browser.execute_script(HEADER_AFTER_SCROLLING)
    assert after["firstRowTop"] < -300, after  # the rows moved up...
    assert abs(after["headerTop"]) <= 1 and after["inView"], after  # ...under the headers
    screenshot(browser, tmp_path / "board-1280x800-scrolled.png")
    if AXE.exists():  # the frame that scrolls stays usable from the keyboard, and so on
        assert not run_axe(browser, "board"), run_axe(browser, "board")

    # In Arabic the page runs right to left, the dossiers' words left to right: the cut
    # falls on the end of the title, never on the reference (its link whole in its cell).
    click_and_wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "button[value=ar]"))
    browser.get(f"{live_server}/jury/calls/{call.id}/board")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    screenshot(browser, tmp_path / "board-1280x800-ar.png")
    outside = browser.execute_script(REFERENCES_OUTSIDE_THEIR_CELL)
    assert outside == [], outside
