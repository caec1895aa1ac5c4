"""db/migrations.py: a backup before every upgrade, and each step all-or-nothing."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from hospitaldesk.db import migrations, store
from hospitaldesk.db.backup import verify_database_file
from hospitaldesk.db.connection import inspect_schema_version
from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.errors import StoreError


def table_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


SHIPPED = migrations.LATEST_VERSION  # the schema this build ships
NEXT = SHIPPED + 1  # the version a pretend upgrade brings


def shipped_database(path: Path) -> Path:
    open_store(path)
    close_store()
    return path


def add_step(monkeypatch: pytest.MonkeyPatch, step: migrations.Step) -> None:
    """Pretend this build ships one more migration (version NEXT)."""
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (NEXT, "test: one more step", step)])
    monkeypatch.setattr(migrations, "LATEST_VERSION", NEXT)
    monkeypatch.setattr(store, "LATEST_VERSION", NEXT)


def create_extra_table(db: SqliteDatabase) -> None:
    db.execute_sql("CREATE TABLE extra (id INTEGER PRIMARY KEY)")


def create_table_then_fail(db: SqliteDatabase) -> None:
    db.execute_sql("CREATE TABLE extra (id INTEGER PRIMARY KEY)")
    db.execute_sql("INSERT INTO no_such_table VALUES (1)")


def test_new_database_is_created_without_a_backup(tmp_path: Path) -> None:
    assert open_store(tmp_path / "new.sqlite3").backup_before_migration is None
    assert not (tmp_path / "backups").exists()


def test_upgrade_runs_the_new_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_extra_table)
    opened = open_store(path)
    assert opened.schema_version == NEXT
    assert "extra" in table_names(path)


def test_upgrade_first_writes_a_backup_in_the_backups_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_extra_table)
    backup = open_store(path).backup_before_migration
    assert backup is not None and backup.is_file()
    assert backup.parent == tmp_path / "backups"
    assert f"before-v{NEXT}" in backup.name


def test_the_pre_upgrade_backup_is_the_old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_extra_table)
    backup = open_store(path).backup_before_migration
    assert backup is not None
    assert inspect_schema_version(backup) == SHIPPED
    assert "extra" not in table_names(backup)
    assert verify_database_file(backup, max_schema=SHIPPED) == SHIPPED


def test_upgrade_backup_goes_to_the_folder_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_extra_table)
    backup = open_store(path, backup_dir=tmp_path / "elsewhere").backup_before_migration
    assert backup is not None and backup.parent == tmp_path / "elsewhere"


def test_failing_step_is_refused_with_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_table_then_fail)
    with pytest.raises(StoreError):
        open_store(path)


def test_failing_step_leaves_the_schema_version_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_table_then_fail)
    with pytest.raises(StoreError):
        open_store(path)
    close_store()
    assert inspect_schema_version(path) == SHIPPED


def test_failing_step_is_rolled_back_entirely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, create_table_then_fail)
    with pytest.raises(StoreError):
        open_store(path)
    close_store()
    assert "extra" not in table_names(path)


def test_after_a_failed_upgrade_the_old_build_still_opens_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    shipped = list(migrations.MIGRATIONS)
    add_step(monkeypatch, create_table_then_fail)
    with pytest.raises(StoreError):
        open_store(path)
    monkeypatch.setattr(migrations, "MIGRATIONS", shipped)
    monkeypatch.setattr(store, "LATEST_VERSION", SHIPPED)
    assert open_store(path).schema_version == SHIPPED


def duplicate_schema_row(db: SqliteDatabase) -> None:
    db.execute_sql("INSERT INTO schema_version (version, name, applied_at) VALUES (1, 'again', '2025-01-01')")


def test_step_hitting_a_constraint_is_refused_with_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, duplicate_schema_row)
    with pytest.raises(StoreError):
        open_store(path)


def test_a_failed_upgrade_does_not_leave_the_database_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shipped_database(tmp_path / "old.sqlite3")
    add_step(monkeypatch, duplicate_schema_row)
    with pytest.raises(StoreError):
        open_store(path)
    assert store.database.obj.is_closed()


def test_a_version_11_database_gains_the_networks_and_keeps_its_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made by the build before migration 12 (sync was the last step), then opened by this one."""
    from hospitaldesk.db import audit
    from hospitaldesk.services import case_logs, site
    from tests.unit.conftest import facility_by_code, technique_id
    from tests.unit.test_trainees import add

    path = tmp_path / "v11.sqlite3"
    before = [m for m in migrations.MIGRATIONS if m[0] <= 11]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    monkeypatch.setattr(store, "LATEST_VERSION", 11)
    assert open_store(path).schema_version == 11
    site.init_site("Bệnh viện Đa khoa tỉnh Sóc Trăng")
    person = add()
    close_store()
    assert not {"case_log", "network", "network_hub", "network_member"} & table_names(path)
    monkeypatch.undo()

    opened = open_store(path)
    assert opened.schema_version == SHIPPED and opened.backup_before_migration is not None
    assert {"case_log", "network", "network_hub", "network_member", "review"} <= table_names(path)
    assert inspect_schema_version(opened.backup_before_migration) == 11
    from hospitaldesk.services.staff import StaffCatalog

    assert StaffCatalog().get(person)["full_name"] == "Nguyễn Thị Hạnh"
    logged = case_logs.save({"facility": str(facility_by_code("ST-BVDK").id), "technique": technique_id("TM-PCI"), "month": "03/2024"})
    changes = store.database.execute_sql("SELECT action, changes FROM audit_entry WHERE record_id = ?",
                                         (logged.replace("-", ""),)).fetchall()
    assert [c[0] for c in changes] == ["insert"] and '"referred_to_hcmc":0' in changes[0][1]
    assert audit.verify().ok


def test_a_version_12_database_gains_the_reviews_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made by the build before migration 13 (the networks were the last step), then opened by this one."""
    import datetime as dt

    from hospitaldesk.db import audit
    from hospitaldesk.reports.review_data import Period, ReviewScope
    from hospitaldesk.services import review_drafts, site

    path = tmp_path / "v12.sqlite3"
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 12])
    monkeypatch.setattr(store, "LATEST_VERSION", 12)
    assert open_store(path).schema_version == 12
    site.init_site("Bệnh viện Đa khoa tỉnh Sóc Trăng")
    close_store()
    assert "review" not in table_names(path)
    monkeypatch.undo()

    opened = open_store(path)
    assert opened.schema_version == SHIPPED and "review" in table_names(path)
    saved = review_drafts.save(Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), ReviewScope(), {"issuer": "SỞ Y TẾ", "results": "Tốt."})
    changes = store.database.execute_sql("SELECT action FROM audit_entry WHERE record_id = ?", (saved.replace("-", ""),)).fetchall()
    assert changes == [("insert",)] and audit.verify().ok


def test_a_version_15_database_gains_the_overviews_counts_filled_from_its_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made by the build before migration 16, with trained staff and a month logged twice; opened by this one,
    the trained counts per pair and the twin months are there at once, and the triggers follow new rows."""
    import datetime as dt
    import uuid

    from hospitaldesk.db.models import CaseLog
    from hospitaldesk.services import case_outcomes, retention_facts, site
    from tests.unit.conftest import facility_by_code, technique_id
    from tests.unit.test_trainees import add, trained

    path = tmp_path / "v15.sqlite3"
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 15])
    monkeypatch.setattr(store, "LATEST_VERSION", 15)
    monkeypatch.setattr(retention_facts, "recount", lambda pairs=None: None)  # that build kept no counts
    assert open_store(path).schema_version == 15
    site.init_site("Bệnh viện Đa khoa tỉnh Sóc Trăng")
    for name in ("Nguyễn Thị Hạnh", "Lê Thị Lan"):
        trained(add(full_name=name, national_id=""))
    retention_facts.refresh()
    st, pci = facility_by_code("ST-BVDK").id, uuid.UUID(technique_id("TM-PCI"))
    for supported in (1, 5):
        CaseLog.create(facility=st, technique=pci, month=dt.date(2024, 3, 1), cases_with_support=supported, cases_independent=0,
                       referred_to_hcmc=0)
    close_store()
    assert not {"retention_pair", "case_log_twin"} & table_names(path)
    monkeypatch.undo()

    opened = open_store(path)
    assert opened.schema_version == SHIPPED
    pairs = store.database.execute_sql("SELECT trained FROM retention_pair").fetchall()
    assert pairs == [(2,)]
    twins = store.database.execute_sql("SELECT month FROM case_log_twin").fetchall()
    assert [str(m)[:7] for (m,) in twins] == ["2024-03"]
    [(_month, _f, supported, *_rest)] = case_outcomes.sums_by("month", dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    assert supported in (1, 5)  # one of the two, the one changed last: never their sum
    trained(add(full_name="Trần Văn Đức", national_id=""))
    retention_facts.refresh()
    assert store.database.execute_sql("SELECT trained FROM retention_pair").fetchall() == [(3,)]
