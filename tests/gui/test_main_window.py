"""Drive the real window: navigate, search, add and edit through the form, settings."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.services.catalogs import all_rows
from tests.gui.support import DialogLog, pump

pytestmark = pytest.mark.gui


def screen(window: Any, key: str) -> Any:
    window.show(key)
    window.root.update()
    return window.screens[key]


def type_search(table: Any, text: str) -> None:
    table.search_var.set(text)
    table.refresh(reset_page=True)


def names_in(table: Any) -> list[str]:
    name_index = [c.key for c in table.columns].index("name")
    return [table.tree.item(iid, "values")[name_index] for iid in table.visible_ids()]


def test_starts_on_the_overview(window: Any) -> None:
    assert window.current == "overview"
    assert window.screens["overview"].winfo_ismapped()
    assert "Sóc Trăng" in window.status_site.cget("text")


def test_facilities_show_the_reference_rows(window: Any) -> None:
    facilities = screen(window, "facilities")
    assert len(facilities.table.visible_ids()) > 20
    assert "Sóc Trăng" in window.status_site.cget("text")


def test_every_navigation_target_opens(window: Any) -> None:
    for key in ("overview", "provinces", "specialties", "techniques", "equipment", "settings", "about", "facilities", "agreements", "readiness", "staff", "retention"):
        shown = screen(window, key)
        assert shown.winfo_ismapped()
        assert window.current == key
        assert window.nav_buttons[key].cget("style").startswith("primary")
        others = [k for k in window.nav_buttons if k != key]
        assert all(window.nav_buttons[k].cget("style").startswith("secondary") for k in others)


@pytest.mark.parametrize("query", ["cho ray", "CHỢ RẪY", "Chợ Rẫy", "chợ rẫy"])
def test_search_ignores_diacritics_and_case(window: Any, query: str) -> None:
    table = screen(window, "facilities").table
    type_search(table, query)
    assert any("Chợ Rẫy" in name for name in names_in(table))
    assert all("Chợ Rẫy" in name for name in names_in(table))


def test_search_typing_waits_then_filters(window: Any) -> None:
    table = screen(window, "facilities").table
    table.search_entry.focus_force()
    table.search_var.set("nhi dong")
    table.search_entry.event_generate("<KeyRelease>", keysym="g")
    pump(window.root, 400)
    assert names_in(table) and all("Nhi" in n or "Nhi" in n.title() for n in names_in(table))


def test_add_facility_through_the_form(window: Any) -> None:
    facilities = screen(window, "facilities")
    facilities.new_record()
    form = facilities.form
    form.variables["name"].set("Bệnh viện Đa khoa khu vực Ngã Năm")
    form.variables["code"].set("ST-BVKV-NGANAM")
    form.inputs["kind"].set_value("regional")
    form.inputs["ownership"].set_value("public")
    province = next(c for c in form.inputs["province"].choices if c.label.startswith("Sóc Trăng"))
    form.inputs["province"].set_value(province.value)
    assert facilities.save_record()
    window.root.update()
    assert facilities.current_id is not None
    assert facilities.table.selected_id() == facilities.current_id
    assert any(r["name"] == "Bệnh viện Đa khoa khu vực Ngã Năm" for r in all_rows("facilities", "nga nam"))


def test_invalid_form_shows_errors_under_fields_and_writes_nothing(window: Any) -> None:
    facilities = screen(window, "facilities")
    before = len(all_rows("facilities"))
    facilities.new_record()
    facilities.form.variables["name"].set("x" * 10_000)
    facilities.form.variables["phone"].set("abc")
    assert not facilities.save_record()
    window.root.update()
    assert "at most" in facilities.form.error_text("name")
    assert facilities.form.error_text("code")  # required
    assert "phone" in facilities.form.error_text("phone").lower()
    assert "Not saved" in facilities.status.cget("text")
    assert len(all_rows("facilities")) == before


def test_field_is_checked_when_it_loses_focus(window: Any) -> None:
    facilities = screen(window, "facilities")
    facilities.new_record()
    phone = facilities.form.inputs["phone"]
    facilities.form.variables["phone"].set("12")
    phone.focus_force()
    window.root.update()
    facilities.form.inputs["notes"].focus_force()
    window.root.update()
    assert facilities.form.error_text("phone")


def test_edit_selected_facility(window: Any) -> None:
    facilities = screen(window, "facilities")
    type_search(facilities.table, "cho ray")
    first = facilities.table.visible_ids()[0]
    facilities.table.tree.selection_set(first)
    window.root.update()
    assert facilities.current_id == first
    facilities.form.variables["phone"].set("028 3855 4137")
    assert facilities.save_record()
    assert facilities.catalog.get(first)["phone"] == "028 3855 4137"


def test_unsaved_changes_are_not_lost_silently(window: Any, dialog_log: DialogLog) -> None:
    facilities = screen(window, "facilities")
    facilities.new_record()
    facilities.form.variables["name"].set("Chưa lưu")
    dialog_log.answer = False
    facilities.new_record()
    assert dialog_log.questions, "switching away from a dirty form must ask"
    assert facilities.form.variables["name"].get() == "Chưa lưu"


def test_sorting_by_a_column_reverses_order(window: Any) -> None:
    table = window.screens["provinces"] if "provinces" in window.screens else screen(window, "provinces")
    table = table.table
    table.sort_by("name")
    ascending = names_in(table)
    table.sort_by("name")
    assert names_in(table) == list(reversed(ascending)) or names_in(table)[0] == ascending[-1]


def test_province_filter_includes_merged_predecessors(window: Any) -> None:
    from hospitaldesk.services.provinces import province_choices

    table = screen(window, "facilities").table
    box, choices = table._filter_boxes["province"]
    assert len(choices) == 1  # only "All" until the list is opened
    can_tho = next(c.value for c in province_choices() if c.label == "Cần Thơ")
    table.set_filter("province", can_tho)
    provinces = {table.tree.item(i, "values")[3] for i in table.visible_ids()}
    assert any(p.startswith("Sóc Trăng") for p in provinces)


def test_settings_backup_writes_a_verified_copy(window: Any, dialog_log: DialogLog, tmp_path: Path) -> None:
    settings = screen(window, "settings")
    dialog_log.save_path = tmp_path / "backup.sqlite3"
    settings.backup()
    pump(window.root, 1500)
    assert dialog_log.save_path.exists()
    assert dialog_log.infos and "verified" in dialog_log.infos[-1]
    assert not dialog_log.errors


def test_settings_switch_language_rebuilds_in_vietnamese(window: Any) -> None:
    from hospitaldesk import i18n

    settings = screen(window, "settings")
    settings.language_var.set("vi")
    settings.apply_appearance()
    window.root.update()
    assert i18n.current_language() == "vi"
    assert "Cơ sở" in window.nav_buttons["facilities"].cget("text")
    # Tk's own file dialog (drawn by Tk on Linux) follows the language too.
    assert window.root.tk.eval('namespace eval ::tk {::msgcat::mc "&Save"}') == "&Lưu"


def test_shortcut_ctrl_7_goes_to_provinces(window: Any) -> None:
    window.root.focus_force()
    window.root.update()
    window.root.event_generate("<Control-Key-7>")
    window.root.update()
    assert window.current == "provinces"


def test_damaged_database_found_after_start_is_reported(window: Any, dialog_log: DialogLog, monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.services import maintenance

    monkeypatch.setattr(maintenance, "quick_check", lambda _path: "The database is damaged (page 12). Restore it from a backup in Settings.")
    window.check_pages_in_background()
    pump(window.root, 500)
    assert dialog_log.errors and "damaged" in dialog_log.errors[-1]
    assert "damaged" in window.status_warning.cget("text").lower()


def test_sound_database_check_after_start_says_nothing(window: Any, dialog_log: DialogLog) -> None:
    window.check_pages_in_background()
    pump(window.root, 500)
    assert not dialog_log.errors
    assert window.status_warning.cget("text") == ""


def test_settings_chooses_our_facility(window: Any) -> None:
    from hospitaldesk.db.models import Facility
    from hospitaldesk.services import site

    settings = screen(window, "settings")
    st = str(Facility.get(Facility.code == "ST-BVDK").id)
    settings.facility_box.set_value(st)
    settings.facility_box.event_generate("<<ComboboxSelected>>")
    window.root.update()
    assert site.site_facility_id() == st


def test_settings_sets_the_readiness_threshold(window: Any) -> None:
    from hospitaldesk.services import site

    settings = screen(window, "settings")
    settings.threshold_var.set("85")
    assert settings.save_threshold()
    assert site.readiness_threshold() == pytest.approx(0.85)
    settings.threshold_var.set("150")
    assert not settings.save_threshold()
    assert "50" in settings.threshold_message.cget("text")
    assert site.readiness_threshold() == pytest.approx(0.85)
