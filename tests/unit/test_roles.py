"""Each role against real service actions: what the services allow must match the table below,
written out by hand, and a refused action writes nothing."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hospitaldesk.db.connection import database
from hospitaldesk.services import authority, exports, maintenance, readiness_print, retention, site, staff_import
from hospitaldesk.services.authority import NotAllowedError, PasswordNeededError
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import facility_by_code, technique_id
from tests.unit.test_accounts import PASSWORD, people
from tests.unit.test_staff_import import good_rows, workbook
from tests.unit.test_trainees import add

Action = Callable[[Path], object]


def add_facility(_tmp: Path) -> object:
    values = catalog("facilities").get(str(facility_by_code("CM-SANNHI").id))
    return catalog("facilities").save({**values, "code": "TEST-ROLE", "name": "Phòng khám Thử vai trò", "short_name": ""})


def delete_facility(_tmp: Path) -> object:
    return catalog("facilities").delete(str(facility_by_code("TEST-DELETE").id))


def record_cases(_tmp: Path) -> object:
    from hospitaldesk.services import case_logs

    return case_logs.save({"facility": str(facility_by_code("ST-BVDK").id), "technique": technique_id("TM-PCI"), "month": "03/2024",
                           "cases_with_support": "4", "cases_independent": "1", "referred_to_hcmc": "2"})


def add_network(_tmp: Path) -> object:
    from hospitaldesk.db.models import Specialty
    from hospitaldesk.services import networks

    specialty = Specialty.get(Specialty.code == "HSTC-NHI")
    return networks.save_network({"specialty": str(specialty.id), "name": "Mạng lưới Hồi sức Nhi", "notes": ""},
                                 hubs=[str(facility_by_code("HCM-NHIDONG1").id)])


def read_networks_and_outcomes(_tmp: Path) -> object:
    from hospitaldesk.services import case_outcomes, networks

    networks.listing()
    networks.technique_coverage(technique_id("TM-PCI"))
    return case_outcomes.outcomes(facility_by_code("ST-BVDK").id)


def read_everything(_tmp: Path) -> object:
    catalog("staff").list_page(ListQuery(search="hanh"))
    return retention.retention()


def other_site(tmp: Path, ours: Path) -> None:
    """Another site's identity card and a full bundle from it, in `tmp`; this site trusts it."""
    from hospitaldesk.db.store import close_store, open_store
    from hospitaldesk.services.sync import export, identity

    close_store()
    open_store(tmp / "other.sqlite3")
    site.init_site("Sở Y tế Cà Mau")
    add()
    identity.write_identity_file(tmp / "other.json")
    export.export_bundle(tmp / "other.hdsync")
    close_store()
    open_store(ours)


def trust_other(tmp: Path) -> object:
    from hospitaldesk.services.sync import identity

    return identity.trust(identity.read_identity_file(tmp / "other.json"))


def import_bundle(tmp: Path) -> object:
    from hospitaldesk.services.sync import importing

    return importing.import_bundle(tmp / "other.hdsync")


def export_bundle(tmp: Path) -> object:
    from hospitaldesk.services.sync import export

    return export.export_bundle(tmp / "ours.hdsync")


ACTIONS: dict[str, Action] = {
    "add a facility": add_facility,
    "add a staff member": lambda _tmp: add(),
    "record a month of cases": record_cases,
    "add a network": add_network,
    "read networks and outcomes": read_networks_and_outcomes,
    "delete a facility": delete_facility,
    "import a staff file": lambda tmp: staff_import.import_staff(workbook(tmp / "ds.xlsx", good_rows())),
    "export a list to Excel": lambda tmp: exports.export_list(catalog("facilities"), ListQuery(), tmp / "cs.xlsx"),
    "back up the database": lambda tmp: maintenance.backup(tmp / "backup.sqlite3"),
    "rename the site": lambda _tmp: site.rename_site("Bệnh viện Đa khoa Sóc Trăng"),
    "add an account": lambda _tmp: authority.add_account("moi", "Người Mới", "viewer", PASSWORD),
    "restore a backup": lambda tmp: maintenance.restore(tmp / "restore-me.sqlite3"),
    "read lists and retention": read_everything,
    "print a blank checklist": lambda tmp: readiness_print.print_checklist(technique_id("NHI-LOC-MAU-LIEN-TUC"), tmp / "bk.pdf"),
    "export a sync bundle": export_bundle,
    "import a sync bundle (trusted site)": import_bundle,
    "trust another site": trust_other,
}
NEEDS_OTHER_SITE = {"import a sync bundle (trusted site)", "trust another site"}

# By hand, from the issue: administrator everything; editor records, print, export; viewer read and print.
EXPECTED = {
    #                               administrator  editor  viewer
    "add a facility":               (True,         True,   False),
    "add a staff member":           (True,         True,   False),
    "record a month of cases":      (True,         True,   False),
    "add a network":                (True,         True,   False),
    "read networks and outcomes":   (True,         True,   True),
    "delete a facility":            (True,         True,   False),
    "import a staff file":          (True,         True,   False),
    "export a list to Excel":       (True,         True,   False),
    "back up the database":         (True,         True,   False),
    "rename the site":              (True,         False,  False),
    "add an account":               (True,         False,  False),
    "restore a backup":             (True,         False,  False),
    "read lists and retention":     (True,         True,   True),
    "print a blank checklist":      (True,         True,   True),
    "export a sync bundle":         (True,         True,   False),
    "import a sync bundle (trusted site)": (True,  True,   False),
    "trust another site":           (True,         False,  False),
}
READ_ONLY = {"read lists and retention", "print a blank checklist", "read networks and outcomes"}
ROLES = {"administrator": ("quan.tri", 0), "editor": ("hanh", 1), "viewer": ("thanh.tra", 2)}


def _written() -> int:
    """Entries in the audit log other than signing in: every write leaves one."""
    return database.execute_sql("SELECT COUNT(*) FROM audit_entry WHERE action NOT IN ('sign_in', 'sign_in_failed')").fetchone()[0]


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_role_against_action(site_store: Path, tmp_path: Path, role: str, name: str) -> None:
    assert set(ACTIONS) == set(EXPECTED)
    values = catalog("facilities").get(str(facility_by_code("CM-SANNHI").id))
    catalog("facilities").save({**values, "code": "TEST-DELETE", "name": "Phòng khám sẽ xóa", "short_name": ""})
    maintenance.backup(tmp_path / "restore-me.sqlite3")
    if name in NEEDS_OTHER_SITE:
        other_site(tmp_path, site_store)
        if name != "trust another site":
            trust_other(tmp_path)  # before accounts exist: anyone may
    people()
    username, column = ROLES[role]
    authority.sign_in(username, PASSWORD)
    before = _written()
    if EXPECTED[name][column]:
        ACTIONS[name](tmp_path)
        if name == "restore a backup":  # another file now: its log ends with the restore
            last = database.execute_sql("SELECT action FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone()[0]
            assert last == "restore_backup"
        elif name not in READ_ONLY:
            assert _written() > before  # it happened, and it is in the log
    else:
        with pytest.raises(NotAllowedError, match="may not"):
            ACTIONS[name](tmp_path)
        assert _written() == before  # refused: nothing written
        assert not (tmp_path / "cs.xlsx").exists() and not (tmp_path / "backup.sqlite3").exists()
        assert not (tmp_path / "ours.hdsync").exists()


def test_deleting_asks_for_the_password_again_after_two_minutes(site_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    values = catalog("facilities").get(str(facility_by_code("CM-SANNHI").id))
    catalog("facilities").save({**values, "code": "TEST-DELETE", "name": "Phòng khám sẽ xóa", "short_name": ""})
    people()
    authority.sign_in("hanh", PASSWORD)
    later = time.monotonic() + authority.FRESH_S + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert authority.password_needed("delete") and not authority.password_needed("edit")
    with pytest.raises(PasswordNeededError, match="Type your password again"):
        delete_facility(Path("."))
    with pytest.raises(NotAllowedError):
        authority.confirm_password("wrong-password")
    authority.confirm_password(PASSWORD)
    delete_facility(Path("."))
    assert catalog("facilities").list_page(ListQuery(search="se xoa")).total == 0


def test_a_viewer_reading_a_never_opened_checklist_gets_the_starter_one(site_store: Path) -> None:
    """Putting a shipped checklist in place on first read is the app's doing, not the viewer's edit."""
    from hospitaldesk.services import readiness_templates

    people()
    authority.sign_in("thanh.tra", PASSWORD)
    assert readiness_templates.get(technique_id("NHI-LOC-MAU-LIEN-TUC"))["items"]
