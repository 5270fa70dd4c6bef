"""Fixtures of the letters: English service messages, scored calls, PDF text."""

from __future__ import annotations

import io
import re

import pytest

from tests.selection.conftest import make_scored_call  # noqa: F401 - a fixture, shared


@pytest.fixture(autouse=True)
def _english(app):
    """Service and command messages (outside any request) are read in English here."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), whitespace collapsed to single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def stored_pdf(letter) -> bytes:
    from app.letters.store import read_pdf

    return read_pdf(letter.sha256)
