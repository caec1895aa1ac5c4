"""Accounts in the window: the first administrator, signing in, the idle lock, the roles as a
person meets them, asking for the password again, and the audit log screen."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import ttkbootstrap as ttk

from hospitaldesk.services import accounts, audit_log, authority
from hospitaldesk.services.forms import ListQuery
from hospitaldesk.ui.sign_in import AdministratorForm, SignInForm
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from tests.gui.support import DialogLog, open_screen, pump
from tests.unit.test_accounts import PASSWORD, people
from tests.unit.test_trainees import add


def dialogs_open(widget: Any) -> list[ActionDialog]:
    """The action dialogs open anywhere under `widget` (a dialog is a child of the screen that opened it)."""
    found = [widget] if isinstance(widget, ActionDialog) and widget.winfo_exists() else []
    for child in widget.winfo_children():
        found += dialogs_open(child)
    return found


def test_the_first_start_creates_the_administrator_and_signs_in(root: Any, site_store: Path) -> None:
    holder = ttk.Frame(root)
    done: list[bool] = []
    form = AdministratorForm(holder, on_done=lambda: done.append(True), on_quit=lambda: None)
    form.form.set_values({"username": "Quản.Trị", "full_name": "Trần Văn Quản", "password": PASSWORD, "password_again": PASSWORD + "x"})
    assert not form.submit() and form.form.error_text("password_again") == "The two passwords differ."
    assert not accounts.has_accounts()
    form.form.set_values({"username": "Quản.Trị", "full_name": "Trần Văn Quản", "password": PASSWORD, "password_again": PASSWORD})
    form.single_user.set(True)
    assert form.submit() and done == [True]
    user = authority.current_user()
    assert user is not None and (user.username, user.role) == ("quan.tri", "administrator")
    assert authority.accounts_switched_off() and not authority.sign_in_required()
    holder.destroy()


def test_signing_in_says_what_is_wrong_and_clears_the_password(root: Any, site_store: Path) -> None:
    people()
    holder = ttk.Frame(root)
    signed: list[str] = []
    form = SignInForm(holder, on_done=lambda user: signed.append(user.username), on_quit=lambda: None)
    form.username.set("hanh")
    form.password.set("not-it")
    assert not form.submit()
    assert form.error.cget("text") == "Wrong user name or password." and form.password.get() == ""
    form.password.set(PASSWORD)
    assert form.submit() and signed == ["hanh"]
    holder.destroy()


def test_the_window_locks_when_idle_and_the_same_person_unlocks_it(window: Any) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    window.update_status()
    assert "Nguyễn Thị Hạnh" in window.status_site.cget("text")
    window.last_activity = time.monotonic() - (authority.idle_lock_minutes() + 1) * 60
    window._check_idle()
    pump(window.root)
    assert window.lock_cover is not None and authority.current_user() is None
    form = window.lock_cover.form
    assert form.username.get() == "hanh"
    form.password.set(PASSWORD)
    assert form.submit()
    pump(window.root)
    assert window.lock_cover is None and authority.current_user() is not None


def test_another_person_unlocking_gets_the_window_for_their_role(window: Any) -> None:
    people()
    authority.sign_in("quan.tri", PASSWORD)
    window.build()
    accounts_screen = open_screen(window, "accounts")
    assert str(accounts_screen.add_button.cget("state")) == "normal"
    window.lock()
    pump(window.root)
    form = window.lock_cover.form
    form.username.set("thanh.tra")
    form.password.set(PASSWORD)
    assert form.submit()
    pump(window.root)
    rebuilt = open_screen(window, "accounts")
    assert rebuilt is not accounts_screen and str(rebuilt.add_button.cget("state")) == "disabled"


def test_locking_closes_open_windows_and_stops_shortcuts(window: Any) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    left_open = ttk.Toplevel(window.root)
    window.show("facilities")
    window.lock()
    pump(window.root)
    assert not left_open.winfo_exists()
    window._navigate_to("staff")(None)
    assert window.current == "facilities"


def add_as_admin() -> str:
    """A trained person added by the administrator, who then hands over to whoever was signed in."""
    from tests.unit.test_trainees import trained

    before = authority.current_user()
    authority.sign_in("quan.tri", PASSWORD)
    person = add()
    trained(person)
    if before is not None:
        authority.sign_in(before.username, PASSWORD)
    return person


def test_a_viewer_finds_the_administrator_buttons_off_and_cannot_save(window: Any, dialog_log: DialogLog) -> None:
    people()
    authority.sign_in("thanh.tra", PASSWORD)
    screen = open_screen(window, "accounts")
    assert str(screen.add_button.cget("state")) == "disabled" and str(screen.reset_button.cget("state")) == "disabled"
    assert "Lê Minh Thanh" in screen.who.cget("text")
    staff_screen = open_screen(window, "staff")
    staff_screen.load(add_as_admin())
    pump(window.root)
    assert [k for k, b in staff_screen.card_buttons.items() if str(b.cget("state")) == "normal"] == ["certificate", "commitment"]  # printing only
    facilities = open_screen(window, "facilities")
    assert str(facilities.save_button.cget("state")) == "disabled" and str(facilities.new_button.cget("state")) == "disabled"
    facilities.new_record(ask=False)
    facilities.form.set_values({"code": "TEST-VIEW", "name": "Phòng khám không được lưu", "kind": "clinic"})
    assert not facilities.save_record()  # Ctrl+S still reaches the service, which refuses
    assert any("may not create or change records" in e for e in dialog_log.errors)


def test_an_administrator_adds_an_account_in_the_accounts_screen(window: Any) -> None:
    people()
    authority.sign_in("quan.tri", PASSWORD)
    screen = open_screen(window, "accounts")
    dialog = screen.add()
    dialog.form.set_values({"username": "le.khoa", "full_name": "Lê Minh Khoa", "role": "viewer", "password": PASSWORD,
                            "password_again": PASSWORD})
    assert dialog.submit()
    pump(window.root)
    assert screen.tree.exists("le.khoa")
    assert screen.tree.item("le.khoa", "values")[2] == "Viewer"


def test_deleting_after_a_while_asks_for_the_password_again(window: Any, dialog_log: DialogLog,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.services.catalogs import catalog
    from tests.unit.conftest import facility_by_code

    values = catalog("facilities").get(str(facility_by_code("CM-SANNHI").id))
    record_id = catalog("facilities").save({**values, "code": "TEST-DELETE", "name": "Phòng khám sẽ xóa", "short_name": ""})
    people()
    authority.sign_in("hanh", PASSWORD)
    later = time.monotonic() + authority.FRESH_S + 5
    monkeypatch.setattr(time, "monotonic", lambda: later)
    screen = open_screen(window, "facilities")
    screen.load(record_id)

    def type_password() -> None:
        asking = dialogs_open(window.root)
        for dialog in asking:  # one, unless the test is wrong; closing them all keeps it from hanging
            dialog.form.set_values({"old_password": PASSWORD})
            dialog.submit()
        typed.append(len(asking))

    typed: list[int] = []
    window.root.after(300, type_password)
    screen.delete_record()
    assert typed == [1] and screen.status.cget("text") == "Deleted."
    assert catalog("facilities").list_page(ListQuery(search="se xoa")).total == 0


def test_the_audit_log_screen_lists_verifies_and_opens_the_record(window: Any) -> None:
    person = add()
    screen = open_screen(window, "audit")
    created = [iid for iid in screen.tree.get_children() if screen.entries[iid].record_id == person.replace("-", "")]
    assert created and screen.tree.item(created[0], "values")[3] == "Created"
    report = screen.verify()
    assert report is not None and report.ok and screen.verdict.cget("text") == audit_log.verify().message
    screen.tree.selection_set(created[0])
    pump(window.root)
    assert "Nguyễn Thị Hạnh" in screen.details.get("1.0", "end")
    screen.open_selected()
    pump(window.root)
    assert window.current == "staff" and window.screens["staff"].current_id == person


def test_a_viewer_finds_the_agreement_and_sync_actions_off_but_may_print(window: Any) -> None:
    from hospitaldesk.db.models import Agreement
    from hospitaldesk.services import demo_agreements

    people()
    authority.sign_in("quan.tri", PASSWORD)
    demo_agreements.demo_agreements()
    signed = Agreement.select().where(Agreement.status == "in_progress").first()
    authority.sign_in("thanh.tra", PASSWORD)
    screen = open_screen(window, "agreements")
    screen.panel.show(str(signed.id))
    pump(window.root)
    panel = screen.panel
    shown = {k: str(b.cget("state")) for k, b in panel.buttons.items() if b.winfo_ismapped()}
    assert shown == {"preview": "normal", "status": "disabled", "review": "disabled"}
    assert str(panel.progress_button.cget("state")) == "disabled" and str(panel.attach_button.cget("state")) == "disabled"
    assert str(panel.remove_button.cget("state")) == "disabled" and str(panel.amendment_buttons["new"].cget("state")) == "disabled"
    sync = open_screen(window, "sync")
    assert {str(b.cget("state")) for b in (sync.export_button, sync.import_button, sync.trust_button, sync.keep_mine_button)} == {"disabled"}
