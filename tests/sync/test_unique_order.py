"""Tables with a UNIQUE column besides the id (a facility's code): a bundle replays their records in the
sender's change order, one row at a time, so a code freed by one record and given to another at the
sender is freed here first too; a row that still meets its code taken waits for the table's other rows;
a code another record here really holds refuses the bundle in words, with nothing written. Other tables
(staff) stay on the many-rows-to-a-statement path that makes a big import fast."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hospitaldesk import i18n
from hospitaldesk.db import bulk
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.models import Facility
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.sync import export, importing
from hospitaldesk.services.sync.records import synced_models
from tests.sync.conftest import Sites, add_staff, edit_staff


def every_table() -> dict[str, list[str]]:
    """Every table of the database, synced or not (audit log, conflicts, counters, search index)."""
    tables = [r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(repr, database.execute_sql(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def two_facilities() -> tuple[tuple[str, str], tuple[str, str]]:
    """(id, code) of the two shipped facilities with the lowest rowids: the same two, in the same order, at every site."""
    low, high = database.execute_sql("SELECT id, code FROM facility ORDER BY rowid LIMIT 2").fetchall()
    return (low[0], low[1]), (high[0], high[1])


def edit_facility(record_id: str, **values: Any) -> None:
    cat = catalog("facilities")
    cat.save({**cat.get(record_id), **values}, record_id)


def export_at(sites: Sites, site: str, name: str, *, full: bool = False) -> Path:
    path = sites.folder / name
    with sites.at(site):
        export.export_bundle(path, "Bệnh viện B", full=full)
    return path


def refused_at_b(sites: Sites, path: Path) -> importing.SyncImportError:
    """Import `path` at B, expecting a refusal that left every table of B as it was."""
    with sites.at("B"):
        before = every_table()
        with pytest.raises(importing.SyncImportError) as caught:
            importing.import_bundle(path)
        assert every_table() == before
    return caught.value


def test_the_tables_written_in_order_are_the_ones_with_a_unique_index(sites: Sites) -> None:
    with sites.at("A"):
        ordered = {m._meta.table_name for m in synced_models() if bulk.unique_keys(m._meta.table_name)}
        assert bulk.unique_keys("facility") == [("code",)]
    assert ordered == {"province", "facility", "specialty", "technique"}


@pytest.mark.parametrize("full", [False, True])
def test_a_code_handed_on_from_one_facility_to_another_imports(sites: Sites, full: bool) -> None:
    """The facility with the higher rowid frees its code, then the one with the lower rowid takes it: an
    UPDATE ... FROM applied them in rowid order (the lower first) and failed on the UNIQUE code."""
    with sites.at("A"):
        (low_id, low_code), (high_id, high_code) = two_facilities()
        edit_facility(high_id, code=high_code + "-CU")
        edit_facility(low_id, code=high_code)
    result = sites.send("A", "B", full=full)
    assert result.applied and result.tables["facility"].updated == 2
    with sites.at("B"):
        assert Facility.get_by_id(low_id).code == high_code
        assert Facility.get_by_id(high_id).code == high_code + "-CU"
    assert sites.dump("A")["facility"] == sites.dump("B")["facility"]
    sites.send("B", "C")  # relayed on, in the order B took the versions in
    assert sites.dump("C")["facility"] == sites.dump("A")["facility"]


def test_a_code_freed_then_given_to_a_new_facility_imports(sites: Sites) -> None:
    """New records used to be written before changed ones, so the new facility met its code still taken."""
    with sites.at("A"):
        (fid, code), _other = two_facilities()
        values = catalog("facilities").get(fid)
        edit_facility(fid, code=code + "-CU")
        new_id = catalog("facilities").save({**values, "code": code, "name": values["name"] + " (mới)", "short_name": ""})
    result = sites.send("A", "B")
    assert result.tables["facility"].new == 1 and result.tables["facility"].updated == 1
    with sites.at("B"):
        assert str(Facility.get(Facility.code == code).id).replace("-", "") == str(new_id).replace("-", "")
    assert sites.dump("A")["facility"] == sites.dump("B")["facility"]


def test_a_code_freed_by_a_facility_edited_again_later_imports(sites: Sites) -> None:
    """A bundle carries a record's latest version only: the facility that freed the code, edited again
    afterwards, comes after the one that took the code; that one waits until the code is free."""
    with sites.at("A"):
        (low_id, low_code), (high_id, high_code) = two_facilities()
        edit_facility(high_id, code=high_code + "-CU")
        edit_facility(low_id, code=high_code)
        edit_facility(high_id, phone="0290 123 456")
    result = sites.send("A", "B")
    assert result.applied and result.tables["facility"].updated == 2
    assert sites.dump("A")["facility"] == sites.dump("B")["facility"]


def test_a_code_another_facility_here_holds_refuses_the_bundle_in_words(sites: Sites) -> None:
    with sites.at("A"):
        (fid, _code), _other = two_facilities()
        edit_facility(fid, phone="0290 111 111")  # written before the refused one: rolled back too
        add_staff("Người gửi A")
        values = catalog("facilities").get(fid)
        catalog("facilities").save({**values, "code": "TRUNG-MA", "name": "Phòng khám Hòa Bình", "short_name": ""})
    with sites.at("B"):
        catalog("facilities").save({**values, "code": "TRUNG-MA", "name": "Phòng khám Bình An", "short_name": ""})
    path = export_at(sites, "A", "a-to-b.hdsync")
    refusal = refused_at_b(sites, path)
    assert refusal.reason == "taken"
    assert "Facility" in refusal.message and "TRUNG-MA (Phòng khám Hòa Bình)" in refusal.message
    assert "TRUNG-MA (Phòng khám Bình An)" in refusal.message and "Nothing was imported" in refusal.message
    assert "UNIQUE" not in refusal.message and "IntegrityError" not in refusal.message
    with sites.at("B"), i18n.using_language("vi"), pytest.raises(importing.SyncImportError) as in_vietnamese:
        importing.import_bundle(path)
    assert in_vietnamese.value.message.startswith("Cơ sở y tế: bản ghi TRUNG-MA (Phòng khám Hòa Bình)")
    assert "Chưa nhập gì" in in_vietnamese.value.message


def test_two_facilities_that_swapped_codes_are_refused_cleanly(sites: Sites) -> None:
    """Not solved: the bundle holds each facility's last version only, so neither can go first (writing a
    placeholder code in between would leave it in the audit log). Refused in words, nothing written."""
    with sites.at("A"):
        (low_id, low_code), (high_id, high_code) = two_facilities()
        edit_facility(low_id, code="TAM")
        edit_facility(high_id, code=low_code)
        edit_facility(low_id, code=high_code)
    refusal = refused_at_b(sites, export_at(sites, "A", "swap.hdsync"))
    assert refusal.reason == "taken" and "Facility" in refusal.message


def test_staff_are_written_many_to_a_statement_and_facilities_one_by_one(sites: Sites, monkeypatch) -> None:
    one_by_one: list[str] = []
    many: dict[str, int] = {}
    real_row, real_rows = importing.write_row, importing.write_rows

    def counted_row(table: str, *args: Any, **kwargs: Any) -> None:
        one_by_one.append(table)
        real_row(table, *args, **kwargs)

    def counted_rows(table: str, columns: Any, rows: Any, **kwargs: Any) -> None:
        many[table] = many.get(table, 0) + len(rows)
        real_rows(table, columns, rows, **kwargs)

    with sites.at("A"):
        shared = [add_staff(f"Nhân viên {n}") for n in range(3)]
    sites.send("A", "B")
    with sites.at("A"):
        for record_id in shared:
            edit_staff(record_id, phone="0912 000 000")
        add_staff("Nhân viên mới")
        (fid, _code), _other = two_facilities()
        edit_facility(fid, phone="0290 222 222")
    monkeypatch.setattr(importing, "write_row", counted_row)
    monkeypatch.setattr(importing, "write_rows", counted_rows)
    result = sites.send("A", "B")
    assert result.tables["staff"].new == 1 and result.tables["staff"].updated == 3
    assert one_by_one == ["facility"]
    assert many.get("staff") == 4 and "facility" not in many


def test_write_rows_refuses_a_key_twice_in_one_update(sites: Sites) -> None:
    with sites.at("A"):
        (fid, code), _other = two_facilities()
        with pytest.raises(ValueError), atomic():
            bulk.write_rows("facility", ("id", "phone"), [(fid, "1"), (fid, "2")], key="id")
        assert Facility.get(Facility.code == code).phone != "2"
