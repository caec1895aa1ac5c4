"""Drive the networks screen: a network with a hub and two members by its dialogs, the duplication
warning they raise, the coverage map's colours on hand-built facts, case logs changing the outcome,
and validation errors shown on their field with nothing written."""
from __future__ import annotations

from typing import Any

import pytest

from hospitaldesk.db.models import CaseLog, Network, NetworkMember
from hospitaldesk.services import networks
from hospitaldesk.ui.widgets.coverage_map import STYLES
from tests.gui.support import open_screen
from tests.unit.conftest import facility_by_code, technique_id
from tests.unit.test_networks import cardiology, member, specialty_id

pytestmark = pytest.mark.gui
PCI = "TM-PCI"


def screen_of(window: Any) -> Any:
    return open_screen(window, "networks")


def add_member(screen: Any, facility: str, status: str = "plans", year: str = "2026") -> Any:
    dialog = screen.add_member()
    form = dialog.form
    form.inputs["facility"].set_value(str(facility_by_code(facility).id))
    form.inputs["technique"].set_value(technique_id(PCI))
    form.inputs["status"].set_value(status)
    form.variables["planned_year"].set(year)
    return dialog


def test_a_network_with_a_hub_and_two_members_shows_their_duplication(window: Any) -> None:
    screen = screen_of(window)
    dialog = screen.new_network()
    dialog.form.inputs["specialty"].set_value(specialty_id("TM-CAN-THIEP"))
    dialog.form.variables["name"].set("Mạng lưới Tim mạch")
    dialog.extra.choose(str(facility_by_code("HCM-CHORAY").id))
    assert dialog.submit()
    window.root.update()
    [network] = Network.select()
    assert screen.selected_network() == str(network.id)
    assert screen.hubs_label.cget("text").startswith("Hubs: Bệnh viện Chợ Rẫy")
    assert add_member(screen, "ST-BVDK").submit()
    assert not screen.warnings_label.winfo_ismapped()  # one plan alone duplicates nothing
    assert add_member(screen, "BL-BVDK").submit()
    window.root.update()
    assert NetworkMember.select().count() == 2
    assert "both plan Chụp và can thiệp động mạch vành qua da, in neighbouring provinces" in screen.warnings_label.cget("text")
    assert screen.warnings_label.winfo_ismapped()
    assert all(screen.members.item(iid, "tags") == ("duplicated",) for iid in screen.members.get_children())
    assert screen.tree.item(str(network.id), "values")[3:] == ("2", "⚠ 1")
    # Offering it instead: the warning goes.
    first = screen.members.get_children()[0]
    screen.members.selection_set(first)
    window.root.update()
    edit = screen.edit_member()
    edit.form.inputs["status"].set_value("offers")
    edit.form.variables["planned_year"].set("")
    assert edit.submit()
    window.root.update()
    assert not screen.warnings_label.winfo_ismapped() and screen.tree.item(str(network.id), "values")[4] == "0"


def test_validation_errors_stay_on_their_field_and_nothing_is_written(window: Any) -> None:
    screen = screen_of(window)
    dialog = screen.new_network()
    dialog.form.inputs["specialty"].set_value(specialty_id("TM-CAN-THIEP"))
    assert not dialog.submit()
    assert dialog.form.error_text("name") == "This field is required."
    assert Network.select().count() == 0
    dialog.destroy()
    cardiology()
    screen.refresh()
    member_dialog = add_member(screen, "ST-BVDK", status="offers", year="2026")
    assert not member_dialog.submit()
    assert member_dialog.form.error_text("planned_year") == "Only a planned technique has a planned year."
    assert NetworkMember.select().count() == 0
    member_dialog.form.inputs["facility"].set_value(str(facility_by_code("HCM-CHORAY").id))  # not offered: HCMC is no member
    assert member_dialog.form.inputs["facility"].value() == ""


def test_deleting_a_network_asks_first(window: Any, dialog_log: Any) -> None:
    network = cardiology()
    networks.save_member(network, member("ST-BVDK", year="2026"))
    screen = screen_of(window)
    dialog_log.answer = False
    screen.delete_network()
    assert Network.live().count() == 1
    dialog_log.answer = True
    screen.delete_network()
    assert Network.live().count() == 0 and NetworkMember.live().count() == 0
    assert "1 members" in dialog_log.questions[-1] and screen.tree.get_children() == ()


def test_the_coverage_map_colours_each_province_by_its_access(window: Any) -> None:
    network = cardiology()
    networks.save_member(network, member("ST-BVDK", status="offers"))  # Sóc Trăng, part of Cần Thơ today
    screen = screen_of(window)
    view = screen.tabs.open(1)
    view.technique_box.set_value(technique_id(PCI))
    view.refresh()
    window.root.update()
    here, near, none = (STYLES[level][0] for level in ("here", "near", "none"))
    assert view.map.fill_of("94") == here and view.map.fill_of("93") == here  # Hậu Giang: Cần Thơ today too
    assert view.map.fill_of("95") == near  # Bạc Liêu borders Sóc Trăng
    assert view.map.fill_of("80") == none and view.map.fill_of("96") == none
    assert view.tree.item("95", "values")[1] == "◐ In a neighbour"
    assert view.tree.item("80", "values")[1:] == ("✕ No access", "—")
    view.pick("95")  # a click on Bạc Liêu: the hospital named, its row selected
    assert "Bệnh viện Đa khoa tỉnh Sóc Trăng (Sóc Trăng)" in view.detail.cget("text")
    assert view.tree.selection() == ("95",)
    # Access: Sóc Trăng, Hậu Giang and Cần Thơ (one province today), Bạc Liêu, Trà Vinh and Vĩnh Long (borders).
    assert view.summary.cget("text") == "7 of 13 provinces without access"


def test_a_case_log_added_changes_the_outcome(window: Any) -> None:
    screen = screen_of(window)
    view = screen.tabs.open(2)
    view.facility_box.set_value(str(facility_by_code("ST-BVDK").id))
    view.technique_box.set_value(technique_id(PCI))
    view.refresh()
    assert view.tree.get_children() == ()
    dialog = view.new_record()
    form = dialog.form
    assert form.inputs["facility"].value() == str(facility_by_code("ST-BVDK").id)
    form.variables["month"].set("13/2024")
    form.variables["cases_with_support"].set("4")
    assert not dialog.submit()
    assert form.error_text("month") == "Write the month as mm/yyyy, e.g. 07/2024." and CaseLog.select().count() == 0
    form.variables["month"].set("03/2024")
    form.variables["referred_to_hcmc"].set("6")
    assert dialog.submit()
    window.root.update()
    assert "First month with cases: 03/2024" in view.facts.cget("text")
    assert "Independence reached: not yet" in view.facts.cget("text")
    second = view.new_record()
    assert second.form.variables["month"].get() == "04/2024"  # the month after the last one
    second.form.variables["cases_with_support"].set("2")
    second.form.variables["cases_independent"].set("3")
    second.form.variables["referred_to_hcmc"].set("1")
    assert second.submit()
    window.root.update()
    assert len(view.tree.get_children()) == 2
    assert "Independence reached: 04/2024" in view.facts.cget("text")
    assert [m.logs for m in view.chart.months] == [1, 1]
    same = view.new_record()
    same.form.variables["month"].set("04/2024")
    assert not same.submit()  # one log per month: the error names the one to change
    assert "already has a case log" in same.form.error_text("month") and CaseLog.select().count() == 2


def test_a_viewer_reads_the_networks_and_case_logs_but_cannot_change_them(window: Any) -> None:
    from hospitaldesk.services import authority, case_logs
    from tests.gui.test_accounts import PASSWORD, people

    people()
    authority.sign_in("quan.tri", PASSWORD)
    network = cardiology()
    networks.save_member(network, member("ST-BVDK", year="2026"))
    case_logs.save({"facility": str(facility_by_code("ST-BVDK").id), "technique": technique_id(PCI), "month": "03/2024",
                    "cases_with_support": "2"})
    authority.sign_in("thanh.tra", PASSWORD)
    screen = screen_of(window)
    screen.members.selection_set(screen.members.get_children()[0])
    window.root.update()
    assert {key: str(button.cget("state")) for key, button in screen.buttons.items()} == dict.fromkeys(
        ("new", "edit", "delete", "add_member", "edit_member", "delete_member"), "disabled")
    assert screen.new_network() is None and screen.edit_member() is None
    view = screen.tabs.open(2)
    view.facility_box.set_value(str(facility_by_code("ST-BVDK").id))
    view.refresh()
    assert len(view.tree.get_children()) == 1 and "First month with cases: 03/2024" in view.facts.cget("text")
    assert {str(button.cget("state")) for button in view.buttons.values()} == {"disabled"}
