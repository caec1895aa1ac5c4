"""Copies of the database through SQLite's online backup API (safe while in use)."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from hospitaldesk.db.connection import SQLITE_HEADER, check_sqlite_header, inspect_schema_version, translate_error
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _


class CopyCancelled(Exception):
    pass


def copy_database(
    source: Path,
    target: Path,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Page-by-page online copy into `target` (written to a temp file, then renamed).

    `progress(fraction)` is called as pages are copied; when `cancelled()` turns
    true the copy stops, the partial file is removed and StoreError is raised.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)

    def on_pages(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise CopyCancelled
        if progress is not None and total:
            progress((total - remaining) / total)

    try:
        with closing(sqlite3.connect(str(source))) as src, closing(sqlite3.connect(str(tmp))) as dst:
            src.backup(dst, pages=512, progress=on_pages)
            # A backup is a single self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        tmp.replace(target)
    except CopyCancelled:
        tmp.unlink(missing_ok=True)
        raise StoreError(_("Cancelled: nothing was written.")) from None
    except sqlite3.DatabaseError as exc:
        tmp.unlink(missing_ok=True)
        raise translate_error(exc, source) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(_("Cannot write the backup {path}: {reason}").format(path=target, reason=exc.strerror)) from exc


def verify_database_file(path: Path, max_schema: int) -> int:
    """Check a file is a sound HospitalDesk database we can open; returns its schema version."""
    if not path.is_file():
        raise StoreError(_("The file {path} does not exist.").format(path=path))
    check_sqlite_header(path)
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StoreError(_("The file {path} is empty or not a HospitalDesk database.").format(path=path))
    version = inspect_schema_version(path)
    if version == 0:
        raise StoreError(_("The file {path} is an SQLite file but not a HospitalDesk database.").format(path=path))
    if version > max_schema:
        raise StoreError(
            _("The file {path} was written by a newer HospitalDesk (schema {found}; this one knows up to {known}). Update HospitalDesk first.").format(
                path=path, found=version, known=max_schema
            )
        )
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
            problems += [f"{r[0]} -> {r[2]}" for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise translate_error(exc, path) from exc
    if problems:
        raise StoreError(
            _("The database {path} is damaged ({detail}). Restore it from a backup in Settings.").format(path=path, detail="; ".join(problems[:3]))
        )
    return version
