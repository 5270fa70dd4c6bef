"""The document store: files on disk under generated names, outside any static folder.
The pages of a file rendered for the page (app.documents.pages) live in a folder of the
same name under ``DOCUMENT_PAGES``, and go with the file.

A file is written before the row that points to it is flushed; the session then
knows about it. Files of a transaction that does not commit are removed when the
transaction ends (rollback, or a session closed without commit). Files of replaced
or deleted documents are removed only after the commit, so a failure never leaves a
row pointing at nothing.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import unicodedata
from pathlib import Path, PurePosixPath

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("impulse.documents")

#: Accepted types, recognised by their first bytes: (magic, content type, extension).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
#: Extensions a file name may keep for each type.
EXTENSIONS = {"application/pdf": {"pdf"}, "image/jpeg": {"jpg", "jpeg"}, "image/png": {"png"}}
#: What the file input offers (the server still judges by content).
ACCEPT = "application/pdf,image/jpeg,image/png"
NAME_LIMIT = 255

_STORAGE_NAME = re.compile(r"^[0-9a-f]{64}$")
_NEW_FILES = "documents_new_files"
_DOOMED_FILES = "documents_doomed_files"


def detect_type(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) judged from the first bytes, or None if not accepted."""
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            return content_type, extension
    return None


def read_capped(stream, limit: int) -> bytes:
    """Read at most ``limit`` bytes of ``stream`` (read ``limit + 1`` to detect a larger file)."""
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def clean_filename(name: str | None, content_type: str) -> str:
    """A name fit for display and download: base name only, no control characters,
    at most 255 characters, ending with an extension of ``content_type``."""
    allowed = EXTENSIONS[content_type]
    default_extension = next(ext for _, ctype, ext in SIGNATURES if ctype == content_type)
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    text = PurePosixPath("/" + text).name
    text = "".join(char for char in text if not unicodedata.category(char).startswith("C"))
    text = " ".join(text.split()).rstrip(" .")
    stem, dot, extension = text.rpartition(".")
    if not dot or extension.lower() not in allowed:
        stem, extension = text, default_extension
    stem = stem.strip(" .") or "document"
    return stem[: NAME_LIMIT - len(extension) - 1].rstrip(" .") + "." + extension


def store_dir() -> Path:
    directory = Path(current_app.config["DOCUMENT_STORE"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def path_of(storage_name: str) -> Path:
    """Where a stored file lives; refuses anything but a generated name."""
    if not _STORAGE_NAME.match(storage_name or ""):
        raise ValueError(f"not a storage name: {storage_name!r}")
    return Path(current_app.config["DOCUMENT_STORE"]) / storage_name


def is_storage_name(name: str) -> bool:
    """Whether ``name`` is a generated storage name."""
    return bool(_STORAGE_NAME.match(name or ""))


def pages_dir(storage_name: str) -> Path:
    """Where the rendered pages of a stored file are cached (app.documents.pages)."""
    if not is_storage_name(storage_name):
        raise ValueError(f"not a storage name: {storage_name!r}")
    return Path(current_app.config["DOCUMENT_PAGES"]) / storage_name


def write_file(session: Session, content: bytes) -> str:
    """Write ``content`` under a new random name and return the name.

    The file is removed when the session's transaction ends without a commit.
    """
    storage_name = secrets.token_hex(32)
    path = store_dir() / storage_name
    with open(path, "xb") as handle:
        handle.write(content)
    path.chmod(0o600)
    session.info.setdefault(_NEW_FILES, []).append(path)
    return storage_name


def discard_file(session: Session, storage_name: str) -> None:
    """Remove a file written in this transaction now (its row could not be saved)."""
    path = path_of(storage_name)
    pending = session.info.get(_NEW_FILES, [])
    if path in pending:
        pending.remove(path)
    _remove(path)


def remove_after_commit(session: Session, storage_name: str) -> None:
    """Remove a stored file once the session commits (its row was deleted)."""
    session.info.setdefault(_DOOMED_FILES, []).append(path_of(storage_name))


def remove_path_after_commit(session: Session, path: Path) -> None:
    """Remove any stored file (e.g. a letter) once the session commits; kept on rollback."""
    session.info.setdefault(_DOOMED_FILES, []).append(path)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not remove document file %s: %s", path.name, error)
    if is_storage_name(path.name) and has_app_context():
        shutil.rmtree(pages_dir(path.name), ignore_errors=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    for path in session.info.pop(_DOOMED_FILES, []):
        _remove(path)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # Fired by rollback and by close() (which fires no after_rollback); after a
    # commit, _after_commit has emptied the list already.
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED_FILES, None)
    for path in session.info.pop(_NEW_FILES, []):
        _remove(path)
