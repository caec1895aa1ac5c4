"""services/maintenance.py: check, back up and restore the database file."""
from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hospitaldesk.db.backup import verify_database_file
from hospitaldesk.db.migrations import LATEST_VERSION
from hospitaldesk.db.models import Facility
from hospitaldesk.db.store import close_store, current_path, open_store
from hospitaldesk.errors import StoreError
from hospitaldesk.services import maintenance
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.forms import ListQuery
from tests.conftest import SITE_NAME
from tests.unit.conftest import FormFactory, names


def live_counts(path: Path) -> dict[str, int]:
    """Live rows per table, read straight from a file (read-only), not through the open store."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return {
            name: conn.execute(f"SELECT COUNT(*) FROM {table} WHERE deleted = 0").fetchone()[0]
            for name, table in [("sites", "site"), ("provinces", "province"), ("specialties", "specialty"), ("facilities", "facility"), ("techniques", "technique"), ("agreements", "agreement")]
        }


def codes_in(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT code FROM facility WHERE deleted = 0")}


# --- check --------------------------------------------------------------------------------


def test_check_of_a_set_up_database_is_ok(site_store: Path) -> None:
    report = maintenance.check()
    assert report.ok
    assert report.problems == []
    assert report.path == str(site_store)
    assert report.site == SITE_NAME
    assert report.schema_version == report.latest_schema == LATEST_VERSION


def test_check_counts_the_live_rows(site_store: Path) -> None:
    report = maintenance.check()
    assert report.counts == live_counts(site_store)
    assert report.counts["sites"] == 1
    assert report.counts["provinces"] >= 27


def test_check_does_not_count_deleted_rows(site_store: Path, facility_form: FormFactory) -> None:
    facilities = catalog("facilities")
    before = maintenance.check().counts["facilities"]
    facilities.delete(facilities.save(facility_form()))
    assert maintenance.check().counts["facilities"] == before


def test_check_of_a_fresh_database_reports_no_site(store: Path) -> None:
    report = maintenance.check()
    assert report.ok
    assert report.site is None
    assert set(report.counts.values()) == {0}


# --- backup -------------------------------------------------------------------------------


def test_backup_writes_a_verified_copy_with_the_same_counts(site_store: Path, tmp_path: Path) -> None:
    target = maintenance.backup(tmp_path / "backup.sqlite3")
    assert target == tmp_path / "backup.sqlite3"
    assert verify_database_file(target, max_schema=LATEST_VERSION) == LATEST_VERSION
    assert live_counts(target) == maintenance.check().counts


def test_a_backup_opens_as_a_database(site_store: Path, tmp_path: Path) -> None:
    counts = maintenance.check().counts
    target = maintenance.backup(tmp_path / "Sao lưu ngày 21.sqlite3")
    open_store(target)
    assert maintenance.check().counts == counts
    assert maintenance.check().site == SITE_NAME


def test_a_backup_is_one_self_contained_file(site_store: Path, tmp_path: Path) -> None:
    target = maintenance.backup(tmp_path / "backup.sqlite3")
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.sqlite3"]


def test_a_backup_contains_unsaved_to_disk_changes_from_the_wal(site_store: Path, tmp_path: Path, facility_form: FormFactory) -> None:
    catalog("facilities").save(facility_form())
    target = maintenance.backup(tmp_path / "backup.sqlite3")
    assert "ST-TTYT-KESACH" in codes_in(target)


def test_backup_creates_missing_folders(site_store: Path, tmp_path: Path) -> None:
    target = maintenance.backup(tmp_path / "USB" / "2025" / "backup.sqlite3")
    assert target.is_file()


def test_backup_over_the_database_itself_is_refused(site_store: Path) -> None:
    before = site_store.read_bytes()
    with pytest.raises(StoreError):
        maintenance.backup(site_store)
    assert site_store.read_bytes() == before


def test_backup_reports_progress_up_to_complete(site_store: Path, tmp_path: Path) -> None:
    seen: list[float] = []
    maintenance.backup(tmp_path / "backup.sqlite3", progress=seen.append)
    assert seen
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)


def test_a_cancelled_backup_leaves_no_file(site_store: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        maintenance.backup(tmp_path / "backup.sqlite3", cancelled=lambda: True)
    assert list(tmp_path.glob("backup*")) == []


def test_backup_of_an_in_memory_database_is_refused(tmp_path: Path) -> None:
    open_store(":memory:")
    with pytest.raises(StoreError):
        maintenance.backup(tmp_path / "backup.sqlite3")


# --- restore ------------------------------------------------------------------------------


def test_restore_brings_back_the_backed_up_state(site_store: Path, tmp_path: Path, facility_form: FormFactory) -> None:
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    catalog("facilities").save(facility_form())
    maintenance.restore(backup)
    assert names(catalog("facilities"), "ke sach") == []
    assert maintenance.check().counts == live_counts(backup)


def test_restore_keeps_the_replaced_database_beside_it(site_store: Path, tmp_path: Path, facility_form: FormFactory) -> None:
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    catalog("facilities").save(facility_form())
    kept = maintenance.restore(backup)
    assert kept.parent == site_store.parent
    assert "replaced" in kept.name
    assert "ST-TTYT-KESACH" in codes_in(kept)


def test_after_restore_the_same_path_is_open_and_writable(site_store: Path, tmp_path: Path, facility_form: FormFactory) -> None:
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    maintenance.restore(backup)
    assert current_path() == site_store
    record_id = catalog("facilities").save(facility_form())
    assert Facility.get_by_id(record_id).code == "ST-TTYT-KESACH"
    assert maintenance.check().ok


def test_restore_of_a_non_sqlite_file_is_refused_and_changes_nothing(site_store: Path, tmp_path: Path, facility_form: FormFactory) -> None:
    bogus = tmp_path / "backup.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    counts = maintenance.check().counts
    with pytest.raises(StoreError):
        maintenance.restore(bogus)
    assert maintenance.check().counts == counts
    assert catalog("facilities").save(facility_form())  # still open and usable
    assert list(site_store.parent.glob("*replaced*")) == []


def test_restore_of_a_missing_file_is_refused(site_store: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        maintenance.restore(tmp_path / "nowhere.sqlite3")
    assert "nowhere.sqlite3" in caught.value.message


def test_restore_of_an_sqlite_file_that_is_not_ours_is_refused(site_store: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn, conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    counts = maintenance.check().counts
    with pytest.raises(StoreError):
        maintenance.restore(foreign)
    assert maintenance.check().counts == counts


def test_restore_of_a_backup_from_a_newer_version_is_refused(site_store: Path, tmp_path: Path) -> None:
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    with closing(sqlite3.connect(backup)) as conn, conn:
        conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', '2030-01-01')")
    with pytest.raises(StoreError) as caught:
        maintenance.restore(backup)
    assert "newer" in caught.value.message
    assert maintenance.check().site == SITE_NAME


def test_restore_of_the_database_onto_itself_is_refused(site_store: Path) -> None:
    with pytest.raises(StoreError):
        maintenance.restore(site_store)
    assert maintenance.check().ok


class _FrozenDatetime:
    """dt.datetime whose now() never moves: two restores within the same second."""

    @staticmethod
    def now(tz: Any = None) -> dt.datetime:
        return dt.datetime(2025, 7, 21, 9, 30, 0)


def test_two_restores_in_the_same_second_keep_both_replaced_databases(
    site_store: Path, tmp_path: Path, facility_form: FormFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maintenance, "dt", SimpleNamespace(datetime=_FrozenDatetime))
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    catalog("facilities").save(facility_form())
    first_kept = maintenance.restore(backup)
    maintenance.restore(backup)
    kept_files = list(site_store.parent.glob("*replaced*"))
    assert any("ST-TTYT-KESACH" in codes_in(path) for path in kept_files), f"the only copy of the added facility was lost: {first_kept}"


def test_a_restored_database_can_be_closed_and_reopened(site_store: Path, tmp_path: Path) -> None:
    backup = maintenance.backup(tmp_path / "backup.sqlite3")
    maintenance.restore(backup)
    close_store()
    assert open_store(site_store).schema_version == LATEST_VERSION
