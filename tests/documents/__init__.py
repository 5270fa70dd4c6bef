"""Helpers of the documents tests: a small file of each type, uploads, what the store holds.

Tests that count documents make applications with ``complete=False``: whatever the
factory may attach to a complete application, they start with none.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.documents.demo import sample_pdf
from app.documents.models import Document
from app.extensions import db

PDF = sample_pdf("Curriculum vitae", ["Youssef El Amrani", "Bruxelles"])
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(300) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(300)
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(300)


def pdf_of_pages(count: int, title: str = "Business plan", lines: list[str] = ()) -> bytes:
    """A real PDF of ``count`` A4 pages, each saying its number (and ``lines``)."""
    import pypdfium2

    whole = pypdfium2.PdfDocument.new()
    try:
        for number in range(1, count + 1):
            text = list(lines) or ["Impulse"]
            page = pypdfium2.PdfDocument(sample_pdf(f"{title}, page {number}", text))
            whole.import_pages(page)
            page.close()
        out = io.BytesIO()
        whole.save(out)
    finally:
        whole.close()
    return out.getvalue()


def picture_png(width: int = 640, height: int = 400) -> bytes:
    """A real PNG picture in colour (an identity card photographed, say)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 170)).save(out, "PNG")
    return out.getvalue()


def upload(client, application_id: int, kind: str, content: bytes, filename: str, **options):
    """POST one file to the upload route, as a browser's multipart form does."""
    return client.post(
        f"/applications/{application_id}/documents/{kind}",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        **options,
    )


def stored_files() -> set[str]:
    """Names of the files in the document store now."""
    store = Path(current_app.config["DOCUMENT_STORE"])
    return {path.name for path in store.iterdir()} if store.exists() else set()


def document_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Document))


def documents_of(application_id: int) -> list[Document]:
    db.session.expire_all()
    return db.session.scalars(
        select(Document).where(Document.application_id == application_id).order_by(Document.id)
    ).all()


@pytest.fixture(autouse=True, name="store")
def store_fixture(app, tmp_path):
    """``store``: a document store of the test's own, so that disk checks see only its
    files. Import ``store_fixture`` into a test module to use it there."""
    previous = app.config["DOCUMENT_STORE"]
    app.config["DOCUMENT_STORE"] = tmp_path / "documents"
    yield app.config["DOCUMENT_STORE"]
    app.config["DOCUMENT_STORE"] = previous
