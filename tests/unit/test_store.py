"""db/store.py: opening the database file safely, refusing files we must not touch."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hospitaldesk.db import store
from hospitaldesk.db.migrations import LATEST_VERSION, MIGRATIONS
from hospitaldesk.db.models import FOUNDATION_TABLES
from hospitaldesk.db.store import close_store, current_database, current_path, open_store
from hospitaldesk.errors import StoreError


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def pragma(name: str) -> object:
    return current_database().execute_sql(f"PRAGMA {name}").fetchone()[0]


def make_closed_database(path: Path) -> Path:
    open_store(path)
    close_store()
    return path


# --- creating and reopening ---------------------------------------------------------------


def test_open_creates_the_schema_at_the_latest_version(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "new.sqlite3")
    assert opened.schema_version == LATEST_VERSION == len(MIGRATIONS)
    assert opened.backup_before_migration is None
    assert {model._meta.table_name for model in FOUNDATION_TABLES} <= table_names(tmp_path / "new.sqlite3")


def test_open_records_the_schema_version(store: Path) -> None:
    rows = current_database().execute_sql("SELECT version, name FROM schema_version").fetchall()
    assert [r[0] for r in rows] == [number for number, _name, _step in MIGRATIONS]
    assert rows[0][1]


def test_open_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "Dữ liệu" / "Bệnh viện" / "hospitaldesk.sqlite3"
    open_store(path)
    assert path.is_file()
    assert current_path() == path


def test_reopening_an_up_to_date_database_is_fine(tmp_path: Path) -> None:
    path = make_closed_database(tmp_path / "db.sqlite3")
    opened = open_store(path)
    assert opened.schema_version == LATEST_VERSION
    assert opened.backup_before_migration is None
    assert not (tmp_path / "backups").exists()


def test_an_empty_file_is_treated_as_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert open_store(path).schema_version == LATEST_VERSION


def test_in_memory_database_opens_with_the_schema() -> None:
    opened = open_store(":memory:")
    assert opened.path is None
    assert opened.schema_version == LATEST_VERSION
    assert current_path() is None


def test_opening_another_file_closes_the_previous_one(tmp_path: Path) -> None:
    open_store(tmp_path / "first.sqlite3")
    first = current_database()
    open_store(tmp_path / "second.sqlite3")
    assert first.is_closed()
    assert current_path() == tmp_path / "second.sqlite3"


# --- pragmas ------------------------------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_journal_mode_is_wal() -> None:
    assert pragma("journal_mode") == "wal"


@pytest.mark.usefixtures("store")
def test_foreign_keys_are_enforced() -> None:
    assert pragma("foreign_keys") == 1


@pytest.mark.usefixtures("store")
def test_synchronous_is_full() -> None:
    assert pragma("synchronous") == 2


# --- files that must be refused, untouched ------------------------------------------------


def test_a_non_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_bytes(b"hello")
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert "not a HospitalDesk database" in caught.value.message
    assert str(path) in caught.value.message
    assert path.read_bytes() == b"hello"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sqlite3"]


def test_a_database_from_a_newer_version_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = make_closed_database(tmp_path / "newer.sqlite3")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', '2030-01-01')")
    before = sha256(path)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert "newer" in caught.value.message
    assert "99" in caught.value.message
    assert sha256(path) == before


def test_a_damaged_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = make_closed_database(tmp_path / "damaged.sqlite3")
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) >= 3 * page_size
    data[page_size : 3 * page_size] = b"\xa5" * (2 * page_size)  # wreck the pages after the header page
    path.write_bytes(bytes(data))
    before = sha256(path)
    with pytest.raises(StoreError):
        open_store(path)
    assert sha256(path) == before


def test_another_programs_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "contacts.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO contacts (name) VALUES ('Lan')")
    before = sha256(path)
    try:
        with pytest.raises(StoreError):
            open_store(path)
    finally:
        close_store()
    assert sha256(path) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions, so a read-only file cannot be simulated")
def test_a_read_only_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = make_closed_database(tmp_path / "readonly.sqlite3")
    path.chmod(0o444)
    before = sha256(path)
    try:
        with pytest.raises(StoreError) as caught:
            open_store(path)
        assert "read-only" in caught.value.message
        assert sha256(path) == before
    finally:
        path.chmod(0o644)


# --- drive warnings -----------------------------------------------------------------------


def test_database_on_a_removable_drive_opens_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "drive_kind", lambda path: "removable")
    opened = open_store(tmp_path / "usb.sqlite3")
    assert len(opened.warnings) == 1
    assert "removable" in opened.warnings[0]


def test_database_on_a_local_drive_opens_without_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "drive_kind", lambda path: "local")
    assert open_store(tmp_path / "local.sqlite3").warnings == []
