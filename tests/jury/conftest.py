"""Jury tests read service messages (outside any request) in English."""

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield
