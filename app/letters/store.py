"""The letter store: PDF files named by their SHA-256 under ``LETTER_STORE``, immutable.

A file is written to a temporary name in the same directory, synced, then renamed
(``os.replace``, atomic): a reader never sees half a letter. An existing file is
never overwritten (same name, same bytes).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import current_app

_NAME = re.compile(r"^[0-9a-f]{64}$")


def store_dir() -> Path:
    return Path(current_app.config["LETTER_STORE"])


def path_of(sha256: str) -> Path:
    if not _NAME.match(sha256 or ""):
        raise ValueError("not a SHA-256")
    return store_dir() / sha256[:2] / f"{sha256}.pdf"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_pdf(data: bytes) -> str:
    """Write ``data`` under its SHA-256 (once); return the SHA-256."""
    digest = sha256_of(data)
    target = path_of(digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o444)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def read_pdf(sha256: str) -> bytes:
    return path_of(sha256).read_bytes()


def discard(sha256: str) -> None:
    """Remove a file no row points to (a render that lost the race to store)."""
    path_of(sha256).unlink(missing_ok=True)
