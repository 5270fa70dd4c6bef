"""Documents shown in the page (the jury's split view): a PDF's pages rendered to PNG on
the server with pypdfium2, a JPEG or PNG as it was uploaded.

Nothing runs in the browser to show them and nothing comes from another host: the page
holds plain ``<img>`` elements whose addresses are the app's own
(``documents.document_page``), each read through the access policy and the read log as
a download is (:func:`app.documents.services.open_document_page`).

Renders are cached in ``DOCUMENT_PAGES/<storage name>/``: ``layout.json`` (the size of
each page, or that the file cannot be shown) and ``<n>.png``, written whole (a temporary
file renamed), readable by the app only. A stored file never changes (a replacement is
a new file under a new name), so a render never goes stale; the folder goes with its
file (app.documents.storage) or once unused for ``DOCUMENT_PAGES_KEEP_DAYS``
(:func:`purge`, every night: app.documents.tasks).

PDFium is not thread-safe, not even across documents: every call into it holds one lock
of the process. Pillow, which encodes the PNG, comes with WeasyPrint.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from flask import current_app
from PIL import Image

from app.documents import storage
from app.documents.models import Document

log = logging.getLogger("impulse.documents")

#: Width in pixels of a rendered page: sharp in a column of about 700 px on a screen of
#: double density, about 30 kB for a page of text (grey pages are stored in grey).
RENDER_WIDTH = 1200
#: A very tall page is rendered narrower rather than larger than this.
MAX_HEIGHT = 4 * RENDER_WIDTH
#: Pages shown in the page; the rest of a longer document is read from the download.
MAX_PAGES = 100
PDF = "application/pdf"
PNG = "image/png"

_PDFIUM = threading.Lock()
_LAYOUT = "layout.json"


@dataclass(frozen=True)
class PageImage:
    """One page as the page shows it: its number (from 1) and size in pixels."""

    number: int
    width: int
    height: int


@dataclass(frozen=True)
class Layout:
    """The pages of a document shown in the page (at most MAX_PAGES of ``total``)."""

    pages: tuple[PageImage, ...]
    total: int

    @property
    def cut(self) -> bool:
        """Whether pages are left out (read from the download)."""
        return self.total > len(self.pages)


@dataclass(frozen=True)
class PageFile:
    """The file of one page to send: a cached render, or the uploaded image itself."""

    path: Path
    content_type: str


def layout(document: Document) -> Layout | None:
    """The pages of ``document`` as the page shows them; None when it cannot be shown
    (a damaged or encrypted PDF, an unreadable image, a file missing from the store)."""
    folder = storage.pages_dir(document.storage_name)
    cached = _read_layout(folder)
    if cached is None:
        source = storage.path_of(document.storage_name)
        if not source.is_file():
            return None
        cached = _measure(source, document.content_type)
        _write(folder, _LAYOUT, json.dumps(cached).encode())
    else:
        _touch(folder)
    sizes = cached.get("sizes")
    if not sizes:
        return None
    pages = tuple(PageImage(n, w, h) for n, (w, h) in enumerate(sizes, start=1))
    return Layout(pages, int(cached.get("total", len(pages))))


def page_file(document: Document, source: Path, number: int) -> PageFile | None:
    """Page ``number`` (from 1) of ``document``, whose stored file is ``source``: the
    cached render of a PDF's page (rendered now if need be), the image itself; None
    for a page the page does not show."""
    shown = layout(document)
    if shown is None or not 1 <= number <= len(shown.pages):
        return None
    if document.content_type != PDF:
        return PageFile(source, document.content_type)
    folder = storage.pages_dir(document.storage_name)
    target = folder / f"{number}.png"
    if not target.is_file():
        png = _render(source, number - 1)
        if png is None:
            return None
        _write(folder, target.name, png)
    return PageFile(target, PNG)


def purge(keep_days: int) -> int:
    """Remove the renders unused for ``keep_days`` days, and those whose document is
    gone; returns how many documents' renders were removed."""
    root = Path(current_app.config["DOCUMENT_PAGES"])
    if not root.is_dir():
        return 0
    cutoff = time.time() - keep_days * 86400
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir() or not storage.is_storage_name(folder.name):
            continue
        if folder.stat().st_mtime < cutoff or not storage.path_of(folder.name).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


# Measuring and rendering ------------------------------------------------------------


def _scale(width: float, height: float) -> float | None:
    """Pixels per point of a page of ``width`` x ``height`` points."""
    if width <= 0 or height <= 0:
        return None
    return min(RENDER_WIDTH / width, MAX_HEIGHT / height)


def _fit(width: float, height: float) -> tuple[int, int] | None:
    """The rendered size of a page of ``width`` x ``height`` points (as PDFium rounds)."""
    scale = _scale(width, height)
    if scale is None:
        return None
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _measure(source: Path, content_type: str) -> dict:
    """{"total": pages, "sizes": [[w, h]...]} of a stored file; {"sizes": None} when it
    cannot be shown."""
    if content_type != PDF:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(source) as image:
                    width, height = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            return {"sizes": None}
        return {"total": 1, "sizes": [[width, height]]}
    try:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(source)
            try:
                total = len(pdf)
                sizes = [_fit(*pdf.get_page_size(i)) for i in range(min(total, MAX_PAGES))]
            finally:
                pdf.close()
    except pdfium.PdfiumError as error:
        log.info("document %s cannot be shown: %s", source.name[:8], error)
        return {"sizes": None}
    if not sizes or None in sizes:
        return {"sizes": None}
    return {"total": total, "sizes": sizes}


def _render(source: Path, index: int) -> bytes | None:
    """Page ``index`` (from 0) of a PDF as PNG bytes, in grey when it has no colour."""
    try:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(source)
            try:
                page = pdf[index]
                scale = _scale(*page.get_size())
                if scale is None:
                    page.close()
                    return None
                bitmap = page.render(scale=scale)
                try:
                    image = _image_of(bitmap)
                finally:
                    bitmap.close()
                    page.close()
            finally:
                pdf.close()
    except pdfium.PdfiumError as error:
        log.info("page %d of %s cannot be rendered: %s", index + 1, source.name[:8], error)
        return None
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _image_of(bitmap) -> Image.Image:
    """A copy of the rendered bitmap (it is freed right after), grey if it has no colour."""
    pixels = bitmap.to_numpy()
    if pixels.ndim == 2:
        return Image.fromarray(pixels.copy(), "L")
    blue, green, red = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    if (blue == green).all() and (green == red).all():
        return Image.fromarray(blue.copy(), "L")
    return bitmap.to_pil().convert("RGB")


# The cache on disk ------------------------------------------------------------------


def _read_layout(folder: Path) -> dict | None:
    try:
        return json.loads((folder / _LAYOUT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(folder: Path, name: str, content: bytes) -> None:
    """Write ``folder/name`` whole (others read the old file or the new one, never half);
    a full disk only costs a render next time."""
    temporary = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, folder / name)
    except OSError as error:
        log.warning("could not cache %s of a document: %s", name, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _touch(folder: Path) -> None:
    """Mark the renders as used now (:func:`purge` keeps them)."""
    try:
        os.utime(folder)
    except OSError:
        pass
