"""Operations: ``flask --app wsgi backup --out FILE`` and ``flask --app wsgi restore FILE``.

A backup is one tar.gz holding:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs)
  or ``database.pgdump`` (``pg_dump --format=custom``, one snapshot transaction);
- ``documents/...`` (DOCUMENT_STORE) and ``letters/...`` (LETTER_STORE, when it exists);
- ``manifest.json``: format, date, database dialect and migration revision, and the
  size and SHA-256 of every other member.

The database is copied first, then the files: a file is only ever removed after the
commit that deleted its row, so every row of the snapshot finds its file.
A restore checks every checksum before touching anything, and goes only into an empty
instance (no row in any table, no file in the stores).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, fixed arguments, no shell
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from app.common.clock import utcnow
from app.common.statistics import refresh_statistics
from app.extensions import db

FORMAT = 1
STORES = (("documents", "DOCUMENT_STORE"), ("letters", "LETTER_STORE"))


class OperationError(Exception):
    """A backup or restore that cannot go on; nothing was changed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq(url) -> tuple[str, dict]:
    """A libpq URL without password for pg_dump/pg_restore, and the env carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(program: str, arguments: list[str], env: dict) -> None:
    """Run a PostgreSQL client program found on PATH; OperationError when it fails."""
    executable = shutil.which(program)
    if executable is None:
        raise OperationError(f"{program} not found: install the PostgreSQL client")
    result = subprocess.run(  # noqa: S603  # nosec B603 # a fixed program, no shell
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise OperationError(f"{program} failed: {result.stderr.strip()}")


def _revision() -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()


def _snapshot_database(workdir: Path) -> tuple[str, Path]:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    dialect = url.get_backend_name()
    if dialect == "sqlite":
        target = workdir / "database.sqlite3"
        source = sqlite3.connect(url.database)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return dialect, target
    if dialect == "postgresql":
        target = workdir / "database.pgdump"
        libpq_url, env = _libpq(url)
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target), libpq_url],
            env,
        )
        return dialect, target
    raise OperationError(f"backups of {dialect} databases are not supported")


def _store_files() -> list[tuple[str, Path]]:
    """(name in the archive, path) of every file of the stores that exist."""
    found = []
    for prefix, key in STORES:
        root = current_app.config.get(key)
        if not root or not Path(root).is_dir():
            continue
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                found.append((f"{prefix}/{path.relative_to(root).as_posix()}", path))
    return found


def backup(out: Path) -> dict:
    """Write the archive ``out``; returns the manifest."""
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        dialect, dump = _snapshot_database(Path(tmp))
        members = [(dump.name, dump)] + _store_files()
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "database": {"dialect": dialect, "file": dump.name, "revision": _revision()},
            "files": [
                {"name": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members
            ],
        }
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(utcnow().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        partial.replace(out)
    return manifest


def _is_empty() -> list[str]:
    """The tables that hold rows, and the stores that hold files."""
    full = []
    existing = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name in existing and db.session.scalar(select(func.count()).select_from(table)):
            full.append(table.name)
    db.session.rollback()
    for _prefix, key in STORES:
        root = current_app.config.get(key)
        if root and Path(root).is_dir() and any(Path(root).iterdir()):
            full.append(str(root))
    return full


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _extract_verified(archive_path: Path, workdir: Path) -> dict:
    """Extract the archive's members named in its manifest, checking every checksum."""
    with tarfile.open(archive_path, "r:gz") as archive:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except (KeyError, ValueError, TypeError) as error:
            raise OperationError("not an Impulse backup: no readable manifest.json") from error
        if manifest.get("format") != FORMAT:
            raise OperationError(f"backup format {manifest.get('format')!r} not understood")
        expected = {entry["name"]: entry for entry in manifest["files"]}
        seen = set()
        for member in archive.getmembers():
            if member.name == "manifest.json":
                continue
            if member.name not in expected or not member.isfile() or not _safe_name(member.name):
                raise OperationError(f"unexpected member in the backup: {member.name!r}")
            target = workdir / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            entry = expected[member.name]
            if target.stat().st_size != entry["size"] or _sha256(target) != entry["sha256"]:
                raise OperationError(f"checksum mismatch: {member.name}")
            seen.add(member.name)
        missing = set(expected) - seen
        if missing:
            raise OperationError(f"missing from the backup: {sorted(missing)}")
    return manifest


def restore(archive_path: Path) -> dict:
    """Restore the archive into this (empty) instance; returns its manifest."""
    full = _is_empty()
    if full:
        raise OperationError(
            "the instance is not empty (" + ", ".join(full[:5]) + "): restore only into a "
            "new database and empty document stores"
        )
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    dialect = url.get_backend_name()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        manifest = _extract_verified(Path(archive_path), workdir)
        if manifest["database"]["dialect"] != dialect:
            raise OperationError(
                f"the backup holds a {manifest['database']['dialect']} database; this "
                f"instance uses {dialect}"
            )
        dump = workdir / manifest["database"]["file"]
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            source = sqlite3.connect(dump)
            try:
                target = sqlite3.connect(url.database)
                with target:
                    source.backup(target)
                target.close()
            finally:
                source.close()
        else:
            libpq_url, env = _libpq(url)
            _run(
                "pg_restore",
                ["--no-owner", "--no-privileges", "--clean", "--if-exists",
                 "--single-transaction", "--dbname", libpq_url, str(dump)],
                env,
            )  # fmt: skip
        refresh_statistics()  # pg_restore copies the rows, not the planner's statistics
        for prefix, key in STORES:
            source_dir = workdir / prefix
            root = current_app.config.get(key)
            if not source_dir.is_dir() or not root:
                continue
            Path(root).mkdir(mode=0o700, parents=True, exist_ok=True)
            for path in source_dir.rglob("*"):
                if path.is_file():
                    target = Path(root) / path.relative_to(source_dir)
                    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    target.chmod(0o600)
    return manifest
