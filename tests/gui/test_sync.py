"""The Sync screen driven through its widgets: trust a site after checking its fingerprint, export a
bundle for it, import one (preview first, then the real thing), decide a conflict field by field."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.site import init_site
from hospitaldesk.services.sync import conflicts, export, identity
from hospitaldesk.ui.screens.sync_dialogs import FingerprintDialog, PreviewDialog
from tests.gui.support import DialogLog, open_screen, pump
from tests.unit.test_trainees import person


def wait_for(screen: Any, condition: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background work did not finish"
        pump(screen.winfo_toplevel(), 50)


def other_site(folder: Path, home: Path, work: Any) -> Any:
    """Run `work()` with the other site's database open, then reopen ours."""
    close_store()
    open_store(folder / "other.sqlite3")
    try:
        return work()
    finally:
        close_store()
        open_store(home)


def staff_values(name: str, department: str) -> dict[str, Any]:
    return person(full_name=name, department=department, birth_date="", national_id="", phone="")


def test_trust_export_import_and_decide_a_conflict(window: Any, site_store: Path, tmp_path: Path, dialog_log: DialogLog) -> None:
    screen = open_screen(window, "sync")
    assert identity.own_identity().fingerprint in screen.me.cget("text")

    def setup_other() -> tuple[str, str]:
        init_site("Bệnh viện Sản - Nhi Cà Mau")
        identity.write_identity_file(tmp_path / "other.json")
        person = catalog("staff").save(staff_values("Trương Văn Tài", "Hồi sức"))
        return person, identity.own_identity().fingerprint

    person, their_fingerprint = other_site(tmp_path, site_store, setup_other)
    # Trust the other site from its identity file, after reading its fingerprint.
    dialog = screen.trust_site(tmp_path / "other.json")
    assert isinstance(dialog, FingerprintDialog)
    dialog.match_button.invoke()
    assert screen.peer_tree.get_children() and screen.peer_tree.item(screen.peer_tree.get_children()[0], "values")[1] == their_fingerprint
    # The other site trusts us and sends its record.
    identity.write_identity_file(tmp_path / "ours.json")
    bundle = tmp_path / "to-us.hdsync"

    def send() -> None:
        identity.trust(identity.read_identity_file(tmp_path / "ours.json"))
        export.export_bundle(bundle, "Bệnh viện Đa khoa tỉnh Sóc Trăng")

    other_site(tmp_path, site_store, send)
    screen.import_bundle(bundle)
    wait_for(screen, lambda: isinstance(getattr(screen, "dialog", None), PreviewDialog))
    preview = screen.dialog
    assert preview.tree.item("staff", "values")[1] == "1"  # one new staff member, nothing written yet
    assert catalog("staff").list_page.__self__ is not None and not [r for r in catalog("staff").list_page(
        __import__("hospitaldesk.services.forms", fromlist=["ListQuery"]).ListQuery(search="truong van tai")).rows]
    preview.import_button.invoke()
    wait_for(screen, lambda: len(screen.history.get_children()) == 1)
    assert catalog("staff").get(person)["full_name"] == "Trương Văn Tài"
    assert dialog_log.infos and "Bệnh viện Sản - Nhi Cà Mau" in dialog_log.infos[-1]
    # Both sites change the department: the next bundle is a conflict, decided field by field here.
    catalog("staff").save({**catalog("staff").get(person), "department": "Tim mạch", "phone": "0911111111"}, person)

    def edit_and_send() -> None:
        catalog("staff").save({**catalog("staff").get(person), "department": "Sơ sinh", "phone": "0922222222"}, person)
        export.export_bundle(bundle.with_name("second.hdsync"), "Bệnh viện Đa khoa tỉnh Sóc Trăng")

    other_site(tmp_path, site_store, edit_and_send)
    screen.import_bundle(bundle.with_name("second.hdsync"))
    wait_for(screen, lambda: isinstance(getattr(screen, "dialog", None), PreviewDialog) and screen.dialog is not preview)
    screen.dialog.import_button.invoke()
    wait_for(screen, lambda: len(screen.conflict_tree.get_children()) == 1)
    (iid,) = screen.conflict_tree.get_children()
    screen.conflict_tree.selection_set(iid)
    screen.conflict_tree.event_generate("<<TreeviewSelect>>")
    pump(window.root)
    assert set(screen.field_tree.get_children()) == {"department", "phone"}
    winner = conflicts.open_conflicts()[0].winner
    # Keep the other site's department and this site's phone, whichever version is shown now.
    for field, wanted in (("department", "theirs"), ("phone", "mine")):
        if screen.chosen[field] != wanted:
            screen.field_tree.focus(field)
            screen.toggle_field()
    assert screen.chosen == {"department": "theirs", "phone": "mine"}, winner
    screen.keep_chosen_button.invoke()
    values = catalog("staff").get(person)
    assert (values["department"], values["phone"]) == ("Sơ sinh", "0911111111")
    assert screen.conflict_tree.get_children() == () and conflicts.open_conflicts() == []
    assert not dialog_log.errors


def test_export_for_a_site_writes_an_encrypted_bundle(window: Any, site_store: Path, tmp_path: Path, dialog_log: DialogLog) -> None:
    def setup_other() -> None:
        init_site("Sở Y tế Cà Mau")
        identity.write_identity_file(tmp_path / "other.json")

    other_site(tmp_path, site_store, setup_other)
    identity.trust(identity.read_identity_file(tmp_path / "other.json"))
    catalog("staff").save(staff_values("Lâm Thị Út", "Nhi"))
    screen = open_screen(window, "sync")
    screen.peer_var.set("Sở Y tế Cà Mau")
    dialog_log.save_path = tmp_path / "out.hdsync"
    screen.export_bundle()
    wait_for(screen, lambda: bool(dialog_log.infos))
    assert (tmp_path / "out.hdsync").read_bytes().startswith(b"HDSYNC-ENC")
    assert "Sở Y tế Cà Mau" in dialog_log.infos[-1]
    assert screen.history.item(screen.history.get_children()[0], "values")[2] == "Sở Y tế Cà Mau"


def test_a_damaged_file_is_refused_with_a_message(window: Any, tmp_path: Path, dialog_log: DialogLog) -> None:
    screen = open_screen(window, "sync")
    damaged = tmp_path / "damaged.hdsync"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    screen.import_bundle(damaged)
    wait_for(screen, lambda: bool(dialog_log.errors))
    assert "damaged.hdsync" in dialog_log.errors[-1] or dialog_log.errors[-1]
