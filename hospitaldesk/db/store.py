"""Open, check, migrate and close the database file: the one entry point to the store."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import SqliteDatabase

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import (
    bind,
    check_sqlite_header,
    has_tables,
    database,
    inspect_schema_version,
    make_database,
    quick_check,
    translate_error,
)
from hospitaldesk.db.location import drive_kind
from hospitaldesk.db.migrations import LATEST_VERSION, migrate
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _

MEMORY = ":memory:"


@dataclass
class OpenedStore:
    path: Path | None  # None for an in-memory database
    schema_version: int
    backup_before_migration: Path | None = None
    warnings: list[str] = field(default_factory=list)


def preflight(path: Path, check_pages: bool = True) -> None:
    """Everything we can learn about an existing file without writing one byte to it.

    `check_pages=False` leaves out quick_check (it reads the whole file); the GUI runs
    it right after the window is shown instead (see services.maintenance.quick_check)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    check_sqlite_header(path)
    found = inspect_schema_version(path)
    if found == 0 and has_tables(path):
        raise StoreError(
            _("The file {path} is an SQLite file but not a HospitalDesk database.").format(path=path)
        )
    if found > LATEST_VERSION:
        raise StoreError(
            _("The file {path} was written by a newer HospitalDesk (schema {found}; this one knows up to {known}). Update HospitalDesk first.").format(
                path=path, found=found, known=LATEST_VERSION
            )
        )
    if check_pages:
        quick_check(path)
    if not os.access(path, os.W_OK):
        raise StoreError(
            _("The database {path} is read-only. Copy it to a folder you can write to, or ask IT to give you write access.").format(path=path)
        )


def open_store(path: Path | str, backup_dir: Path | None = None, check_pages: bool = True) -> OpenedStore:
    """Open (creating if needed) and migrate the database at `path`, binding it as the current store."""
    close_store()
    if str(path) == MEMORY:
        db = make_database(MEMORY)
        return _connect_and_migrate(db, None, backup_dir or Path("."))
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_("Cannot open the database {path}. Check that the folder exists and you may write to it.").format(path=path)) from exc
    preflight(path, check_pages)
    opened = _connect_and_migrate(make_database(path), path, backup_dir or path.parent / "backups")
    kind = drive_kind(path)
    if kind != "local":
        opened.warnings.append(
            _("The database is on a {kind} drive ({path}). Keep it on the PC's own disk: a removed USB stick or a dropped network loses data.").format(
                kind=_("removable") if kind == "removable" else _("network"), path=path
            )
        )
    return opened


def _connect_and_migrate(db: SqliteDatabase, path: Path | None, backup_dir: Path) -> OpenedStore:
    try:
        db.connect()
        bind(db)
        stamping.forget()
        backup = migrate(db, path, backup_dir)
        version = inspect_version_live(db)
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        raise translate_error(exc, path or MEMORY) from exc
    except StoreError:
        db.close()
        raise
    return OpenedStore(path=path, schema_version=version, backup_before_migration=backup)


def inspect_version_live(db: SqliteDatabase) -> int:
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def current_database() -> SqliteDatabase:
    if database.obj is None:
        raise StoreError(_("No database is open."))
    return database.obj


def close_store() -> None:
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
    stamping.forget()


def current_path() -> Path | None:
    db = current_database()
    return None if db.database == MEMORY else Path(db.database)


__all__ = ["OpenedStore", "open_store", "close_store", "current_database", "current_path", "inspect_schema_version", "LATEST_VERSION"]
