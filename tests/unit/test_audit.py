"""The audit log (db/audit.py): who changed what, in the same transaction, on a hash chain that
shows an entry edited or removed behind the app's back."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db import audit
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.services import authority, maintenance, staff
from tests.unit.test_accounts import PASSWORD, people
from tests.unit.test_trainees import add, person


def entries(where: str = "1", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = database.execute_sql(f"SELECT seq, actor, action, table_name, record_id, changes, hash FROM audit_entry "
                                  f"WHERE {where} ORDER BY seq", params)
    return [{"seq": s, "actor": a, "action": act, "table": t, "record": r, "changes": json.loads(c), "hash": h}
            for s, a, act, t, r, c, h in cursor.fetchall()]


def of_record(record_id: str) -> list[dict[str, Any]]:
    return entries("record_id = ?", (record_id.replace("-", ""),))


def raw(path: Path) -> sqlite3.Connection:
    """Another program's connection to the file: no HospitalDesk code, no audit context."""
    return sqlite3.connect(path, isolation_level=None)


def test_a_new_record_and_its_changes_are_logged_with_old_and_new_values(site_store: Path) -> None:
    hanh = add()
    [created] = of_record(hanh)
    assert (created["action"], created["table"]) == ("insert", "staff")
    assert created["changes"]["full_name"] == "Nguyễn Thị Hạnh" and "search_key" not in created["changes"]
    staff.StaffCatalog().save({**staff.StaffCatalog().get(hanh), "phone": "0912345678", "department": "Khoa Nhi"}, hanh)
    [_created, changed] = of_record(hanh)
    assert changed["action"] == "update"
    assert changed["changes"] == {"phone": [person()["phone"], "0912345678"], "department": [person()["department"], "Khoa Nhi"]}
    staff.StaffCatalog().delete(hanh)
    assert of_record(hanh)[-1]["action"] == "delete" and of_record(hanh)[-1]["changes"] == {"deleted": [0, 1]}
    assert audit.verify().ok


def test_entries_name_the_signed_in_user(site_store: Path) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    hanh = add()
    assert of_record(hanh)[0]["actor"] == "hanh"
    signed = entries("action = 'sign_in'")
    assert [e["actor"] for e in signed][-1] == "hanh"
    authority.sign_out()
    with pytest.raises(HospitalDeskError):
        authority.sign_in("hanh", "wrong-password")
    [failed] = entries("action = 'sign_in_failed'")
    assert failed["changes"] == {"username": "hanh"} and PASSWORD not in json.dumps(failed)


def test_the_password_hash_never_enters_the_log(site_store: Path) -> None:
    people()
    authority.sign_in("quan.tri", PASSWORD)
    authority.reset_password("hanh", "mật-khẩu-mới-2026")
    logged = database.execute_sql("SELECT group_concat(changes, ' ') FROM audit_entry WHERE table_name = 'account'").fetchone()[0]
    assert "argon2" not in logged and "password_hash" not in logged and "password_changed_at" in logged


def test_a_failed_transaction_leaves_no_entry(site_store: Path) -> None:
    before = audit.verify().entries
    with pytest.raises(RuntimeError):
        with atomic():
            add()
            raise RuntimeError("power cut")
    assert audit.verify().entries == before


def test_the_log_refuses_updates_and_deletes(site_store: Path) -> None:
    add()
    with closing(raw(site_store)) as other:
        for statement in ("UPDATE audit_entry SET actor = 'someone' WHERE seq = 1", "DELETE FROM audit_entry WHERE seq = 1",
                          "UPDATE audit_entry SET hash = NULL WHERE seq = 1"):
            with pytest.raises(sqlite3.DatabaseError, match="audit log cannot be changed"):
                other.execute(statement)


def _tamper(path: Path, statement: str) -> None:
    """What someone with the sqlite3 shell could do: drop the guard, edit, put it back."""
    close_store()
    with closing(raw(path)) as other:
        guard = other.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_entry_no_update'").fetchone()[0]
        delete_guard = other.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_entry_no_delete'").fetchone()[0]
        other.execute("DROP TRIGGER audit_entry_no_update")
        other.execute("DROP TRIGGER audit_entry_no_delete")
        other.execute(statement)
        other.execute(guard)
        other.execute(delete_guard)
    open_store(path)


def test_an_entry_edited_in_sqlite_is_found_at_that_entry(site_store: Path) -> None:
    hanh = add()
    add(full_name="Trần Văn Đức", national_id="", birth_date="")
    target = of_record(hanh)[0]["seq"]
    assert audit.verify().ok
    _tamper(site_store, f"UPDATE audit_entry SET changes = replace(changes, 'Hạnh', 'Hà') WHERE seq = {target}")
    report = audit.verify()
    assert [(f.seq, f.problem) for f in report.findings] == [(target, "changed")]


def test_a_removed_entry_breaks_the_chain_at_the_next_one(site_store: Path) -> None:
    hanh = add()
    add(full_name="Trần Văn Đức", national_id="", birth_date="")
    target = of_record(hanh)[0]["seq"]
    _tamper(site_store, f"DELETE FROM audit_entry WHERE seq = {target}")
    assert [(f.seq, f.problem) for f in audit.verify().findings] == [(target + 1, "changed")]


def test_a_change_made_by_another_program_is_logged_unsealed(site_store: Path) -> None:
    hanh = add()
    with closing(raw(site_store)) as other:
        other.execute("UPDATE staff SET phone = '0999999999' WHERE id = ?", (hanh.replace("-", ""),))
    outside = of_record(hanh)[-1]
    assert outside["changes"]["phone"][1] == "0999999999" and outside["hash"] is None and outside["actor"] is None
    add(full_name="Trần Văn Đức", national_id="", birth_date="")  # the app goes on sealing after it
    report = audit.verify()
    assert [(f.seq, f.problem) for f in report.findings] == [(outside["seq"], "unsealed")]


def test_the_chain_survives_backup_and_restore(site_store: Path, tmp_path: Path) -> None:
    add()
    before = audit.verify()
    copy = maintenance.backup(tmp_path / "backup.sqlite3")
    add(full_name="Trần Văn Đức", national_id="", birth_date="")
    maintenance.restore(copy)
    after = audit.verify()
    # the backup's chain (ending with the backup itself, logged as an export), then the restore
    assert after.ok and after.head_seq == before.head_seq + 2
    [exported] = entries("seq = ?", (before.head_seq + 1,))
    assert (exported["action"], exported["table"]) == ("export", "backup")
    [restored] = entries("seq = ?", (after.head_seq,))
    assert restored["action"] == "restore_backup" and restored["changes"]["file"] == "backup.sqlite3"
    [last_backed_up] = entries("seq = ?", (before.head_seq,))
    assert last_backed_up["hash"] == before.head_hash
    add(full_name="Lê Minh Khoa", national_id="", birth_date="")
    assert audit.verify().ok


def test_the_demo_data_is_all_sealed(site_store: Path) -> None:
    from hospitaldesk.services.demo import load_demo

    load_demo()
    report = audit.verify()
    assert report.ok and report.entries > 100
    tables = {t for (t,) in database.execute_sql("SELECT DISTINCT table_name FROM audit_entry").fetchall()}
    assert {"agreement", "staff", "enrollment", "assessment"} <= tables


def test_a_printed_contract_carries_the_log_head_and_catches_a_rewritten_log(site_store: Path, tmp_path: Path) -> None:
    from hospitaldesk.db.models import Agreement
    from hospitaldesk.reports.render import read_stamp
    from hospitaldesk.services import contract_print
    from hospitaldesk.services.demo import load_demo

    load_demo()
    signed = Agreement.select().where(Agreement.frozen_json.is_null(False), Agreement.deleted == False).first()  # noqa: E712
    seq, head = audit.head()
    paper = contract_print.print_contract(str(signed.id), tmp_path / "hd.pdf")
    stamp = read_stamp(paper)
    assert stamp is not None and stamp.audit == f"{seq}:{head}"
    assert entries("seq = ?", (seq + 1,))[0]["action"] == "print"  # printing is logged, after the head it carries
    add()  # the log goes on: the copy still matches
    assert contract_print.verify_pdf(paper).matches
    # Someone rewrites an entry and its hash (as a careful forger would) behind the app's back.
    _tamper(site_store, f"UPDATE audit_entry SET actor = 'someone', hash = '{'0' * 64}' WHERE seq = {seq}")
    result = contract_print.verify_pdf(paper)
    assert not result.matches and f"entry {seq}" in result.message and "changed behind the app" in result.message


def test_every_audited_column_is_in_its_tables_triggers(site_store: Path) -> None:
    """A migration that adds a column must remake the triggers (audit.refresh_triggers)."""
    for model in audit.audited_models():
        table = model._meta.table_name
        for event in ("insert", "update"):
            sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (f"audit_{table}_{event}",)).fetchone()
            assert sql is not None, (table, event)
            missing = [c for c in audit.audited_columns(model) if f'"{c}"' not in sql[0]]
            assert not missing, (table, event, missing)


def test_a_setting_switched_in_sqlite_is_logged(site_store: Path) -> None:
    with closing(raw(site_store)) as other:
        other.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES ('accounts_off', '1')")
    [switched] = entries("table_name = 'local_state' AND record_id = 'accounts_off'")
    assert (switched["action"], switched["record"], switched["changes"]) == ("setting", "accounts_off", {"value": "1"})
    assert switched["hash"] is None  # another program: unsealed, reported by verify
    settings = len(entries("table_name = 'local_state'"))
    add()  # the change counter the app bumps on every write is not a setting
    assert len(entries("table_name = 'local_state'")) == settings


def test_nobody_signed_in_cannot_write_once_accounts_exist(site_store: Path) -> None:
    from hospitaldesk.services.authority import NotAllowedError

    people()
    before = audit.verify().entries
    with pytest.raises(NotAllowedError, match="Sign in first"):
        add()
    with pytest.raises(NotAllowedError, match="Sign in first"):
        with atomic():
            pass
    assert audit.verify().entries == before


def test_a_password_typed_as_the_user_name_is_not_logged(site_store: Path) -> None:
    people()
    with pytest.raises(HospitalDeskError):
        authority.sign_in("Mật-khẩu-bí-mật-2026", "hanh")
    with pytest.raises(HospitalDeskError):
        authority.sign_in("hanh", "wrong-password")
    names = [e["changes"]["username"] for e in entries("action = 'sign_in_failed'")]
    assert names == ["", "hanh"]
    assert "bi-mat" not in json.dumps(entries()) and "bí-mật" not in json.dumps(entries(), ensure_ascii=False)


def test_a_transaction_longer_than_a_seal_slice_is_sealed_whole_and_in_order(site_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "SEAL_SLICE", 3)
    before = audit.head()[0]
    with atomic():
        for n in range(8):  # one entry each, over several slices
            add(full_name=f"Người thứ {n}", national_id=f"08919000000{n}", phone="")
    unsealed = database.execute_sql("SELECT COUNT(*) FROM audit_entry WHERE hash IS NULL").fetchone()[0]
    count = database.execute_sql("SELECT COUNT(*) FROM audit_entry WHERE seq > ?", (before,)).fetchone()[0]
    assert unsealed == 0 and count == 8  # three slices: 3 + 3 + 2
    assert audit.verify().ok
