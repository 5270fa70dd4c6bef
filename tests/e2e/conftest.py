"""The browser tests' fixtures: a live server and Chromium (tests/e2e/test_browser_journey.py)."""

from tests.e2e.test_browser_journey import browser, live_server  # noqa: F401 - fixtures
