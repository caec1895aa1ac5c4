"""Opening and closing the database for the GUI (the CLI does the same through open_store)."""
from __future__ import annotations

from pathlib import Path

from hospitaldesk.db.connection import database
from hospitaldesk.db.store import OpenedStore, close_store, current_path, open_store

__all__ = ["OpenedStore", "open_database", "close_database", "database_path", "release_thread_connection"]


def open_database(path: Path, check_pages: bool = True) -> OpenedStore:
    from hospitaldesk.services import authority

    authority.sign_out()  # another file, other accounts
    return open_store(path, check_pages=check_pages)


def close_database() -> None:
    close_store()


def database_path() -> Path | None:
    return current_path()


def release_thread_connection() -> None:
    """A worker thread's own connection (Peewee keeps one per thread) closed when the work ends."""
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
