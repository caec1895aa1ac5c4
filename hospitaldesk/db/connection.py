"""Opening the SQLite store safely.

Order matters: the file is inspected read-only first (is it SQLite? written by
a newer HospitalDesk? damaged?) so a file we refuse is left byte-for-byte as it
was. Only then is it opened with WAL and the other pragmas, and migrated.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import DatabaseProxy, SqliteDatabase

from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _

database = DatabaseProxy()

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10
PRAGMAS: dict[str, Any] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",  # a power cut must not lose a committed record
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -16000,  # 16 MB
}


def check_sqlite_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database (an empty file is fine: it is new)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(_("Cannot read the file {path}: {reason}").format(path=path, reason=exc.strerror)) from exc
    if header and header != SQLITE_HEADER:
        raise StoreError(
            _("The file {path} is not a HospitalDesk database (not SQLite). Choose another file.").format(path=path)
        )


def read_only_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


def inspect_schema_version(path: Path) -> int:
    """The schema version recorded in an existing file, read without writing to it."""
    try:
        with closing(read_only_connection(path)) as conn:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
            if not has_table:
                return 0
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            return int(row[0] or 0)
    except sqlite3.DatabaseError as exc:
        raise translate_error(exc, path) from exc


def has_tables(path: Path) -> bool:
    """Whether an existing file already holds tables (someone else's database, if not ours)."""
    try:
        with closing(read_only_connection(path)) as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' LIMIT 1").fetchone() is not None
    except sqlite3.DatabaseError as exc:
        raise translate_error(exc, path) from exc


def quick_check(path: Path) -> None:
    with closing(read_only_connection(path)) as conn:
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise translate_error(exc, path) from exc
    if not result or result[0] != "ok":
        raise StoreError(
            _("The database {path} is damaged ({detail}). Restore it from a backup in Settings.").format(
                path=path, detail=result[0] if result else "?"
            )
        )


def full_check(db: SqliteDatabase) -> list[str]:
    """integrity_check + foreign_key_check; empty list when the file is sound."""
    problems = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall() if row[0] != "ok"]
    for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        problems.append(f"foreign key: {table} row {rowid} -> {parent}")
    return problems


def translate_error(exc: Exception, path: Path | str) -> StoreError:
    """Turn sqlite3's English into a sentence an administrator can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            _("The database {path} is in use by another program. Close the other HospitalDesk window and try again.").format(path=path)
        )
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return StoreError(
            _("The database {path} is read-only. Copy it to a folder you can write to, or ask IT to give you write access.").format(path=path)
        )
    if "not a database" in text or "file is encrypted" in text:
        return StoreError(
            _("The file {path} is not a HospitalDesk database (not SQLite). Choose another file.").format(path=path)
        )
    if "disk is full" in text or "disk i/o" in text:
        return StoreError(
            _("Cannot write to {path}: the disk is full or failing. Free some space (or copy the database elsewhere) and try again; nothing was saved.").format(path=path)
        )
    if "malformed" in text or "corrupt" in text:
        return StoreError(
            _("The database {path} is damaged ({detail}). Restore it from a backup in Settings.").format(path=path, detail=exc)
        )
    if "unable to open" in text:
        return StoreError(_("Cannot open the database {path}. Check that the folder exists and you may write to it.").format(path=path))
    return StoreError(_("Database error on {path}: {detail}").format(path=path, detail=exc))


def make_database(path: Path | str) -> SqliteDatabase:
    """An SQLite database whose transactions take the write lock up front (BEGIN IMMEDIATE),
    so two writers queue instead of failing half-way."""
    return SqliteDatabase(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_S)


def bind(db: SqliteDatabase) -> None:
    database.initialize(db)


# Who may write is the services' business (services/authority.py); they register a guard here so
# that every write transaction, whichever service opens it, is checked before anything is written.
_write_guard: list[Callable[[str], None]] = []


def set_write_guard(guard: Callable[[str], None] | None) -> None:
    _write_guard[:] = [guard] if guard is not None else []


@contextmanager
def atomic(purpose: str = "edit") -> Iterator[None]:
    """The one way to write: a whole record (or batch) or nothing, with its audit log entries.

    SQLite's own errors (locked by another program, read-only file, disk full...)
    leave as a StoreError that names the file and says what to do; the
    transaction is rolled back either way. `purpose` tells the write guard what kind of write this is:
    "edit" (a person changing records), "session" (signing in, one's own password), "event" (an audit
    log entry for something already allowed: an export, a print) or "automatic" (the app putting
    shipped data in place)."""
    from hospitaldesk.db import audit  # the models import this module

    outermost = not database.in_transaction()
    if outermost and _write_guard:
        _write_guard[0](purpose)
    try:
        with database.atomic():
            # The audit log's entries of this transaction name who acts and are sealed onto the
            # hash chain before the commit, all inside the transaction (db/audit.py).
            token = audit.begin() if outermost else None
            yield
            if token is not None:
                audit.seal(token)
    except PeeweeDatabaseError as exc:
        raise translate_error(exc, database.obj.database if database.obj is not None else "?") from exc
