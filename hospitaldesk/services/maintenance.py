"""Check, back up and restore the database file."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hospitaldesk.db.backup import copy_database, verify_database_file
from hospitaldesk.db.connection import full_check
from hospitaldesk.db.connection import quick_check as check_pages
from hospitaldesk.db.migrations import LATEST_VERSION, current_version
from hospitaldesk.db.models import Agreement, Facility, Province, Site, Specialty, Technique
from hospitaldesk.db.store import close_store, current_database, current_path, open_store
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _
from hospitaldesk.services.site import site_name
from hospitaldesk.db import audit
from hospitaldesk.db.connection import atomic
from hospitaldesk.services import authority

COUNTED = {"sites": Site, "provinces": Province, "specialties": Specialty, "facilities": Facility, "techniques": Technique,
           "agreements": Agreement}


@dataclass
class CheckReport:
    path: str
    site: str | None
    schema_version: int
    latest_schema: int
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check() -> CheckReport:
    db = current_database()
    return CheckReport(
        path=str(current_path() or ":memory:"),
        site=site_name(),
        schema_version=current_version(db),
        latest_schema=LATEST_VERSION,
        problems=full_check(db),
        counts={name: model.live().count() for name, model in COUNTED.items()},
    )


def quick_check(path: Path) -> str | None:
    """SQLite's quick_check on its own read-only connection (safe from a worker thread).
    None when the file is sound, else the message to show."""
    try:
        check_pages(path)
    except StoreError as exc:
        return exc.message
    return None


def _require_file() -> Path:
    path = current_path()
    if path is None:
        raise StoreError(_("An in-memory database cannot be backed up or restored."))
    return path


def suggested_backup_name() -> str:
    return f"hospitaldesk-{dt.datetime.now():%Y%m%d-%H%M}.sqlite3"


def backup(
    target: Path,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Online copy of the open database, then verified by opening the copy read-only."""
    authority.require("export")
    source = _require_file()
    if target.resolve() == source.resolve():
        raise StoreError(_("Choose a backup file other than the database itself."))
    with atomic("event"):  # a backup carries every record out of the app: logged as an export, before it is made
        audit.record("export", "backup", details={"file": target.name})
    copy_database(source, target, progress, cancelled)
    verify_database_file(target, LATEST_VERSION)
    return target


def _free_name(path: Path) -> Path:
    """`path`, or `path` with -2, -3... before the suffix: a kept copy is never overwritten."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def restore(source: Path) -> Path:
    """Replace the open database by `source`, after verifying it.

    The database being replaced is kept beside it (returned path), and is put
    back if anything goes wrong half-way, so a failed restore changes nothing.
    """
    authority.require("restore")
    current = _require_file()
    if source.resolve() == current.resolve():
        raise StoreError(_("This file is the database already in use."))
    verify_database_file(source, LATEST_VERSION)
    kept = _free_name(current.with_name(f"{current.stem}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S}{current.suffix}"))
    copy_database(current, kept)
    close_store()
    for suffix in ("-wal", "-shm"):
        Path(str(current) + suffix).unlink(missing_ok=True)
    try:
        copy_database(source, current)
        open_store(current)
    except StoreError:
        copy_database(kept, current)
        open_store(current)
        raise
    # The restored file has its own accounts: whoever restored it signs in again if it asks.
    try:
        with atomic("event"):
            audit.record("restore_backup", details={"file": source.name, "kept": kept.name})
    finally:
        authority.sign_out()
    return kept
