"""Sites exchanging bundles: records travel, replays change nothing, concurrent edits become conflicts
that every site sees alike, and a decision travels on and settles them."""
from __future__ import annotations

import pytest

from hospitaldesk.services.sync import conflicts, export, importing
from tests.sync.conftest import Sites, add_staff, edit_staff, staff_name


def test_a_new_record_travels_and_a_replay_changes_nothing(sites: Sites) -> None:
    with sites.at("A"):
        person = add_staff("Nguyễn Thị Hồng Đào")
    path = sites.folder / "a.hdsync"
    with sites.at("A"):
        made = export.export_bundle(path, "Bệnh viện B")
        assert made.counts["staff"] == 1 and made.encrypted
    with sites.at("B"):
        first = importing.import_bundle(path)
        assert first.applied and first.tables["staff"].new == 1
        assert staff_name(person) == "Nguyễn Thị Hồng Đào"
        again = importing.import_bundle(path)
        assert not again.applied and again.already_imported_at
    assert sites.dump("A")["staff"] == sites.dump("B")["staff"]


def test_a_preview_says_what_would_change_and_changes_nothing(sites: Sites) -> None:
    with sites.at("A"):
        add_staff("Trần Văn Bình")
        add_staff("Lê Thị Cúc")
        export.export_bundle(sites.folder / "a.hdsync", "Bệnh viện B")
    before = sites.dump("B")
    with sites.at("B"):
        preview = importing.import_bundle(sites.folder / "a.hdsync", dry_run=True)
        assert not preview.applied
        assert preview.tables["staff"].new == 2
    assert sites.dump("B") == before
    with sites.at("B"):  # a preview does not count as taken in
        assert importing.import_bundle(sites.folder / "a.hdsync").applied


def test_an_edit_travels_back_and_an_older_bundle_after_it_changes_nothing(sites: Sites) -> None:
    with sites.at("A"):
        person = add_staff("Phạm Văn Dũng")
    sites.send("A", "B")
    old = sites.folder / "old.hdsync"
    with sites.at("A"):
        export.export_bundle(old, "Bệnh viện C", full=True)
        edit_staff(person, department="Tim mạch")
    sites.send("A", "C")  # the newer edit first
    with sites.at("C"):
        late = importing.import_bundle(old)
        assert late.tables["staff"].unchanged == 1 and late.tables["staff"].updated == 0
        assert catalog_department(person) == "Tim mạch"


def catalog_department(record_id: str) -> str:
    from hospitaldesk.services.catalogs import catalog

    return str(catalog("staff").get(record_id)["department"])


def test_a_deletion_travels_as_a_tombstone(sites: Sites) -> None:
    from hospitaldesk.services.catalogs import catalog

    with sites.at("A"):
        person = add_staff("Võ Thị Em")
    sites.send("A", "B")
    with sites.at("A"):
        catalog("staff").delete(person)
    result = sites.send("A", "B")
    assert result.tables["staff"].deleted == 1
    assert sites.dump("A")["staff"] == sites.dump("B")["staff"]


def test_concurrent_edits_are_a_conflict_kept_where_found_and_a_decision_settles_it(sites: Sites) -> None:
    with sites.at("A"):
        person = add_staff("Huỳnh Văn Phúc")
    sites.send("A", "B")
    with sites.at("A"):
        edit_staff(person, department="Khoa Nhi")
    with sites.at("B"):
        edit_staff(person, department="Khoa Sơ sinh")
    at_b = sites.send("A", "B")
    assert at_b.tables["staff"].conflicts == 1
    # B's version now knows both edits, so it outranks A's: A takes it without a second conflict.
    at_a = sites.send("B", "A")
    assert at_a.tables["staff"].conflicts == 0
    assert sites.dump("A")["staff"] == sites.dump("B")["staff"]  # the same winner at both
    with sites.at("A"):
        shown = catalog_department(person)
    assert shown in ("Khoa Nhi", "Khoa Sơ sinh")
    with sites.at("B"):
        (conflict,) = conflicts.open_conflicts()
        assert [(d.field, d.mine, d.theirs) for d in conflict.differences] == [("department", "Khoa Sơ sinh", "Khoa Nhi")]
        assert conflict.differences[0].shown_label == "Department"  # as the staff form calls it
        assert conflict.winner == ("theirs" if shown == "Khoa Nhi" else "mine")
        conflicts.resolve(conflict.id, conflicts.KEEP_MINE)
        assert catalog_department(person) == "Khoa Sơ sinh" and conflicts.open_conflicts() == []
    decided = sites.send("B", "A")
    assert decided.tables["staff"].conflicts == 0
    with sites.at("A"):
        assert catalog_department(person) == "Khoa Sơ sinh"
    assert sites.dump("A")["staff"] == sites.dump("B")["staff"]


def test_conflicts_by_field(sites: Sites) -> None:
    with sites.at("A"):
        person = add_staff("Lý Thị Hoa")
    sites.send("A", "B")
    with sites.at("A"):
        edit_staff(person, department="Khoa Nhi", phone="0911111111")
    with sites.at("B"):
        edit_staff(person, department="Khoa Sơ sinh", phone="0922222222")
    sites.send("A", "B")
    with sites.at("B"):
        (conflict,) = conflicts.open_conflicts()
        conflicts.resolve(conflict.id, conflicts.BY_FIELD, {"department": "theirs", "phone": "mine"})
        from hospitaldesk.services.catalogs import catalog

        values = catalog("staff").get(person)
        assert (values["department"], values["phone"]) == ("Khoa Nhi", "0922222222")


def test_the_same_edit_at_two_sites_is_no_conflict(sites: Sites) -> None:
    with sites.at("A"):
        person = add_staff("Đặng Thị Giang")
    sites.send("A", "B")
    for site in ("A", "B"):
        with sites.at(site):
            edit_staff(person, phone="0912345678")
    result = sites.send("A", "B")
    assert result.tables["staff"].conflicts == 0


@pytest.mark.parametrize("order", [("AB", "BC", "CA", "AC", "BA", "CB"), ("CB", "BA", "AC", "CA", "AB", "BC")])
def test_three_sites_converge_whatever_the_order(sites: Sites, order: tuple[str, ...]) -> None:
    people = {}
    for site in "ABC":
        with sites.at(site):
            people[site] = add_staff(f"Nhân viên {site}")
    sites.send("A", "B")
    sites.send("A", "C")
    with sites.at("B"):
        edit_staff(people["A"], notes="sửa ở B")
    with sites.at("C"):
        edit_staff(people["C"], department="Cấp cứu")
    for pair in order * 2:
        sites.send(pair[0], pair[1])
    dumps = [sites.dump(s) for s in "ABC"]
    assert dumps[0] == dumps[1] == dumps[2]
    assert len(dumps[0]["staff"]) == 3


def test_the_whole_demo_travels_in_a_full_bundle(sites: Sites) -> None:
    from hospitaldesk.services.demo import load_demo

    with sites.at("A"):
        load_demo()
    result = sites.send("A", "B", full=True)
    assert result.totals().new > 100 and result.totals().conflicts == 0
    a, b = sites.dump("A"), sites.dump("B")
    assert len(b.pop("site")) == 2 and len(a.pop("site")) == 1  # B now knows A's site; A does not know B's yet
    assert {t: len(rows) for t, rows in a.items()} == {t: len(rows) for t, rows in b.items()}
    assert a == b


def test_the_audit_chain_survives_sync_and_its_head_travels(sites: Sites) -> None:
    from hospitaldesk.db import audit
    from hospitaldesk.db.models import SyncBundle
    from hospitaldesk.services import audit_log

    with sites.at("A"):
        person = add_staff("Kiều Thị Ngân")
    sites.send("A", "B")
    with sites.at("A"):
        edit_staff(person, phone="0987654321")
        head_before = audit.head()
        path = sites.folder / "head.hdsync"
        export.export_bundle(path, "Bệnh viện B")
    with sites.at("B"):
        importing.import_bundle(path)
        received = SyncBundle.get((SyncBundle.direction == "in") & (SyncBundle.file_name == "head.hdsync"))
        assert received.audit_head == f"{head_before[0]}:{head_before[1]}"  # B keeps A's head: A's log cannot be rewritten unseen
        entries = audit_log.entries(record_id=person.replace("-", ""))
        assert [e.action for e in entries][:2] == ["update", "insert"]  # the import's changes are logged here too
        assert any(e.action == "import" for e in audit_log.entries())
    for site in "AB":
        with sites.at(site):
            assert audit_log.verify().ok


def test_a_lost_bundle_is_noticed_and_a_full_one_fills_the_gap(sites: Sites) -> None:
    with sites.at("A"):
        first = add_staff("Tạ Thị Quỳnh")
        export.export_bundle(sites.folder / "lost.hdsync", "Bệnh viện B")  # never reaches B
        add_staff("Tạ Văn Sang")
    later = sites.send("A", "B")
    assert later.applied and later.missed is not None and "Bệnh viện A" in later.missed_warning
    full = sites.send("A", "B", full=True)
    assert full.missed is None and full.tables["staff"].new == 1
    with sites.at("B"):
        assert staff_name(first) == "Tạ Thị Quỳnh"
    assert sites.send("A", "B").missed is None  # after the full one, incremental bundles follow on
