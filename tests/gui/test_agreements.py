"""Drive the agreements screen: list and search, draft by the tabbed editor, sign, amend, attach."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import Agreement, Facility
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreements, amendments, attachments
from tests.gui.support import DialogLog, open_screen, select_row
from tests.unit.conftest import agreement_line

pytestmark = pytest.mark.gui


def facility(code: str) -> str:
    return str(Facility.get(Facility.code == code).id)


@pytest.fixture
def draft(window: Any) -> str:
    values = agreements.new_agreement("1")
    values.update(title="Phẫu thuật tim hở", party_a=facility("HCM-DHYD"), party_b=facility("ST-BVDK"),
                  a_representative="Nguyễn Văn An", a_position="Giám đốc", b_representative="Trần Thị Bình",
                  b_position="Giám đốc", sign_place="Sóc Trăng")
    return agreements.save_draft(values, [agreement_line("PT-TIM-HO")])


def agreements_screen(window: Any) -> Any:
    return open_screen(window, "agreements")


select = select_row


def test_the_list_shows_agreements_and_searches_without_accents(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    assert screen.table.visible_ids() == [draft]
    screen.table.search_var.set("PHAU THUAT TIM")
    screen.table.refresh(reset_page=True)
    assert screen.table.visible_ids() == [draft]
    screen.table.search_var.set("nhi đồng")
    screen.table.refresh(reset_page=True)
    assert screen.table.visible_ids() == []


def test_a_new_agreement_is_made_in_the_editor(window: Any) -> None:
    screen = agreements_screen(window)
    screen.new_record()
    window.root.update()
    editor = screen.editor
    assert editor.winfo_ismapped() and not screen.list_view.winfo_ismapped()
    assert editor.forms["general"].get_values()["number"].endswith("/HĐ-CGKT")
    editor.forms["general"].variables["title"].set("Lọc máu liên tục ở trẻ em")
    parties_a, parties_b = editor.forms["parties0"], editor.forms["parties1"]
    parties_a.inputs["party_a"].set_value(facility("HCM-NHIDONG1"))
    parties_a.inputs["party_a"].event_generate("<<ComboboxSelected>>")
    parties_b.inputs["party_b"].set_value(facility("CM-SANNHI"))
    window.root.update()
    assert parties_a.get_values()["a_address"]  # prefilled from the facility
    line_form = editor.lines.form
    line_form.set_values(agreement_line("NHI-LOC-MAU-LIEN-TUC"))
    editor.lines.add_line()
    assert len(editor.lines.get_lines()) == 1
    assert editor.save_record()
    saved = Agreement.get(Agreement.title == "Lọc máu liên tục ở trẻ em")
    assert saved.status == "draft" and len(agreements.contract_lines(saved.id)) == 1
    editor.close()
    window.root.update()
    assert screen.list_view.winfo_ismapped()
    assert str(saved.id) in screen.table.visible_ids()


def test_errors_are_shown_on_their_tab(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    screen.edit(draft)
    window.root.update()
    editor = screen.editor
    editor.forms["general"].variables["title"].set("")
    editor.lines.set_lines([agreement_line(end="40/13/2025")])
    assert not editor.save_record()
    assert editor.forms["general"].error_text("title")
    assert editor.tabs.index("current") == 0
    assert "Row 1" in editor.lines.message.cget("text")
    assert Agreement.get_by_id(draft).title == "Phẫu thuật tim hở"  # nothing written


def test_signing_through_the_status_dialog(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    select(screen, draft)
    assert screen.panel.buttons["edit"].winfo_ismapped()
    dialog = screen.change_status(draft)
    dialog.form.variables["on_date"].set("21/07/2025")
    assert dialog.submit()
    window.root.update()
    assert Agreement.get_by_id(draft).status == "signed"
    assert not screen.panel.buttons["edit"].winfo_ismapped()
    assert "Signed" in screen.panel.facts.cget("text")


def test_terminating_without_a_reason_keeps_the_dialog_open(window: Any, draft: str) -> None:
    life.change_status(draft, "signed", "21/07/2025")
    screen = agreements_screen(window)
    select(screen, draft)
    dialog = screen.change_status(draft)
    dialog.form.inputs["target"].set_value("terminated")
    dialog.form.variables["on_date"].set("01/09/2025")
    assert not dialog.submit()
    assert dialog.form.error_text("reason")
    assert Agreement.get_by_id(draft).status == "signed"
    dialog.destroy()


def test_an_amendment_is_written_and_signed(window: Any, draft: str) -> None:
    life.change_status(draft, "signed", "21/07/2025")
    screen = agreements_screen(window)
    select(screen, draft)
    screen.edit_amendment(draft, None)
    window.root.update()
    editor = screen.amendment_editor
    editor.form.variables["subject"].set("Bổ sung kỹ thuật")
    editor.form.inputs["clauses"].insert("1.0", "Bổ sung kỹ thuật đặt máy tạo nhịp tim vĩnh viễn.")
    assert editor.lines is not None
    editor.lines.form.set_values(agreement_line("TM-MAY-TAO-NHIP"))
    editor.lines.add_line()
    assert editor.save_record()
    [row] = amendments.amendments_of(draft)
    editor.close()
    window.root.update()
    dialog = screen.sign_amendment(row["id"])
    dialog.form.variables["on_date"].set("01/02/2026")
    assert dialog.submit()
    assert amendments.amendments_of(draft)[0]["status"] == "signed"
    assert "Đặt máy tạo nhịp tim vĩnh viễn" in [r["name"] for r in amendments.technique_progress(draft)]


def test_a_scan_is_attached(window: Any, draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.ui import dialogs

    scan = tmp_path / "hợp đồng đã ký.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    monkeypatch.setattr(dialogs, "ask_open_file", lambda *_a: scan)
    screen = agreements_screen(window)
    select(screen, draft)
    screen.attach_file(draft)
    assert [r["file_name"] for r in attachments.attachments_of(draft)] == ["hợp đồng đã ký.pdf"]
    assert len(screen.panel.attachments.get_children()) == 1


def test_deleting_a_draft_asks_first(window: Any, draft: str, dialog_log: DialogLog) -> None:
    screen = agreements_screen(window)
    select(screen, draft)
    dialog_log.answer = False
    screen.delete_draft(draft)
    assert not Agreement.get_by_id(draft).deleted
    dialog_log.answer = True
    screen.delete_draft(draft)
    assert Agreement.get_by_id(draft).deleted
    assert screen.table.visible_ids() == []


def test_a_line_typed_but_not_added_is_not_lost(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    screen.edit(draft)
    window.root.update()
    editor = screen.editor
    editor.lines.form.set_values(agreement_line("TM-PCI"))
    assert editor.is_dirty()
    assert not editor.save_record()
    assert "Add as new line" in editor.status.cget("text")
    editor.lines.add_line()
    assert editor.save_record()
    assert len(agreements.contract_lines(Agreement.get_by_id(draft).id)) == 2


def test_changing_the_level_swaps_untouched_obligations(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    screen.edit(draft)
    window.root.update()
    general = screen.editor.forms["general"]
    general.inputs["level"].set_value("2")
    general.inputs["level"].event_generate("<<ComboboxSelected>>")
    window.root.update()
    assert "mạng lưới" in screen.editor.forms["clauses"].get_values()["obligations_a"]


def test_buttons_follow_the_status(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    select(screen, draft)
    shown = {k for k, b in screen.panel.buttons.items() if b.winfo_ismapped()}
    assert shown == {"edit", "preview", "status", "delete"}
    life.change_status(draft, "signed", "21/07/2025")
    life.change_status(draft, "terminated", "01/09/2025", reason="Hai bên thỏa thuận")
    screen.refresh(draft)
    window.root.update()
    shown = {k for k, b in screen.panel.buttons.items() if b.winfo_ismapped()}
    assert shown == {"preview", "status"}
    assert str(screen.panel.amendment_buttons["new"].cget("state")) == "disabled"
    assert str(screen.panel.progress_button.cget("state")) == "disabled"


def test_a_draft_amendment_can_be_deleted(window: Any, draft: str) -> None:
    life.change_status(draft, "signed", "21/07/2025")
    values = dict(amendments.new_amendment(draft), subject="Bổ sung", clauses="Bổ sung.")
    amendment = amendments.save_amendment(draft, values, [])
    screen = agreements_screen(window)
    select(screen, draft)
    screen.panel.amendments.selection_set(amendment)
    window.root.update()
    assert str(screen.panel.amendment_buttons["delete"].cget("state")) == "normal"
    screen.panel.amendment_buttons["delete"].invoke()
    assert amendments.amendments_of(draft) == []
    assert screen.panel.amendments.get_children() == ()


def test_filters_load_their_choices_when_opened(window: Any, draft: str) -> None:
    screen = agreements_screen(window)
    box, choices = screen.table._filter_boxes["status"]
    assert len(choices) == 1  # only "All" until the list is opened
    box.cget("postcommand")  # what opening the list runs:
    screen.table._load_filter(screen.table._filter_specs["status"], box)
    assert [c.value for c in screen.table._filter_boxes["status"][1]][:3] == ["", "draft", "signed"]
    screen.table.set_filter("status", "signed")
    assert screen.table.visible_ids() == []
    screen.table.set_filter("status", "draft")
    assert screen.table.visible_ids() == [draft]


def test_training_ahead_of_readiness_is_flagged_in_the_list_and_the_panel(window: Any, draft: str) -> None:
    # The draft plans open-heart surgery at Sóc Trăng, which has no finalised assessment.
    screen = agreements_screen(window)
    select(screen, draft)
    row = screen.table.tree.set(draft)
    assert row["readiness"].startswith("⚠"), row
    warning = screen.panel.readiness.cget("text")
    assert "Bệnh viện Đa khoa tỉnh Sóc Trăng" in warning and "Phẫu thuật tim" in warning
