"""Drive the gap action plan: filters (status, overdue, funding, facility), editing a gap, bad input."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hospitaldesk.db.models import Facility, GapAction
from hospitaldesk.services import assessments, gaps, readiness_terms
from tests.gui.support import DialogLog
from tests.unit.conftest import technique_id
from tests.unit.test_readiness import CRRT, STARTER

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def small_starter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)


def facility(code: str) -> str:
    return str(Facility.get(Facility.code == code).id)


def finalised_assessment(facility_code: str, missing: dict[str, str]) -> str:
    """A finished CRRT assessment at a facility; the items answered otherwise than "yes" become gaps."""
    assessment = assessments.start(technique_id(CRRT), {"facility": facility(facility_code), "assessed_on": "01/03/2024",
                                                        "assessors": "BS. Lê Văn A"})
    for item in assessments.details(assessment)["items"]:
        assessments.answer(assessment, item["item_id"], missing.get(item["code"], "yes"))
    assessments.finalise(assessment)
    return assessment


def gap_of(text: str, facility_code: str = "CM-SANNHI") -> dict[str, Any]:
    return next(g for g in gaps.listing(status="") if g["item"] == text and g["facility"] == Facility.get(Facility.code == facility_code).name)


def plan(gap: dict[str, Any], **values: Any) -> None:
    raw = {"owner": gap["owner"], "due": gap["due"], "cost": str(gap["cost"] or ""), "funding_source": gap["funding_source"],
           "status": gap["status"], "note": gap["note"]}
    raw.update(values)
    gaps.update(gap["id"], raw)


@pytest.fixture
def gap_plan(window: Any) -> dict[str, str]:
    """Three gaps at Cà Mau (one overdue, paid by the province; one due next year; one done) and one at Sóc Trăng."""
    finalised_assessment("CM-SANNHI", {"HR-01": "no", "EQ-02": "partly", "PR-01": "no"})
    finalised_assessment("ST-BVDK", {"MS-01": "no"})
    nurses, ventilators, protocol = (gap_of("Điều dưỡng được đào tạo vận hành CRRT"), gap_of("Máy thở"),
                                     gap_of("Quy trình kỹ thuật được phê duyệt"))
    filters = gap_of("Quả lọc và dịch thay thế", "ST-BVDK")
    last_year = (dt.date.today() - dt.timedelta(days=40)).strftime("%d/%m/%Y")
    next_year = (dt.date.today() + dt.timedelta(days=300)).strftime("%d/%m/%Y")
    plan(nurses, owner="Phòng Điều dưỡng", due=last_year, cost="120.000.000", funding_source="province")
    plan(ventilators, owner="Phòng Vật tư – Thiết bị y tế", due=next_year, cost="850.000.000", funding_source="hospital")
    plan(protocol, owner="Khoa Hồi sức", status="done")
    return {"nurses": nurses["id"], "ventilators": ventilators["id"], "protocol": protocol["id"], "filters": filters["id"]}


def gaps_view(window: Any) -> Any:
    from hospitaldesk.ui.screens.gaps_view import GapsView

    window.screens[window.current].pack_forget()
    view = GapsView(window.content)
    view.pack(fill="both", expand=True)
    window.root.update()
    return view


def select(view: Any, gap_id: str) -> None:
    view.tree.selection_set(gap_id)
    view.tree.event_generate("<<TreeviewSelect>>")
    view.winfo_toplevel().update()


def test_open_gaps_are_listed_with_their_facts_and_total(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    # Open and in progress by default, the one already done left out; soonest due first, no date last.
    assert view.visible_ids() == [gap_plan["nurses"], gap_plan["ventilators"], gap_plan["filters"]]
    nurses = view.tree.item(gap_plan["nurses"])
    assert nurses["values"][0] == "★ Điều dưỡng được đào tạo vận hành CRRT"
    assert nurses["values"][5] == "120,000,000" and "overdue" in nurses["tags"]
    assert "overdue" not in view.tree.item(gap_plan["ventilators"])["tags"]
    assert view.tree.item(gap_plan["ventilators"])["values"][0] == "Máy thở"  # not critical: no star
    assert "3 gaps" in view.count_label.cget("text") and "1 overdue" in view.count_label.cget("text")
    assert "970,000,000" in view.total_label.cget("text")
    view.destroy()


def test_the_filters_narrow_the_list(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    view.set_filter("overdue", True)
    assert view.visible_ids() == [gap_plan["nurses"]]
    assert "120,000,000" in view.total_label.cget("text")
    view.set_filter("overdue", False)
    view.set_filter("funding_source", "hospital")
    assert view.visible_ids() == [gap_plan["ventilators"]]
    view.set_filter("funding_source", "")
    view.set_filter("facility", facility("ST-BVDK"))
    assert view.visible_ids() == [gap_plan["filters"]]
    view.set_filter("facility", "")
    view.set_filter("status", "done")
    assert view.visible_ids() == [gap_plan["protocol"]]
    view.set_filter("status", "")
    assert len(view.visible_ids()) == 4
    # The boxes speak the user's language; "All" is a choice of each.
    assert view.filters["status"].get() == "All" and view.filters["funding_source"].get() == "All"
    view.destroy()


def test_editing_a_gap_saves_and_keeps_it_selected(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    select(view, gap_plan["ventilators"])
    assert view.current_id == gap_plan["ventilators"]
    assert view.form.get_values()["owner"] == "Phòng Vật tư – Thiết bị y tế"
    assert view.form.get_values()["cost"] == "850,000,000"
    view.form.variables["cost"].set("900.000.000")
    view.form.inputs["status"].set_value("in_progress")
    assert view.is_dirty()
    assert view.save_record()
    window.root.update()
    saved = GapAction.get_by_id(gap_plan["ventilators"])
    assert saved.cost == 900_000_000 and saved.status == "in_progress"
    assert view.status.cget("text") == "Saved."
    assert view.selected_id() == gap_plan["ventilators"] and not view.is_dirty()
    assert view.tree.item(gap_plan["ventilators"])["values"][5] == "900,000,000"
    assert view.tree.item(gap_plan["ventilators"])["values"][7] == "In progress"
    assert "1,020,000,000" in view.total_label.cget("text")
    view.destroy()


def test_closing_a_gap_takes_it_out_of_the_open_list(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    select(view, gap_plan["nurses"])
    view.form.inputs["status"].set_value("done")
    assert view.save_record()
    assert gap_plan["nurses"] not in view.visible_ids()
    assert view.current_id is None and "no longer matches" in view.status.cget("text")
    assert GapAction.get_by_id(gap_plan["nurses"]).closed_on == dt.date.today()
    view.destroy()


def test_a_bad_value_is_shown_under_its_field_and_nothing_is_written(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    select(view, gap_plan["ventilators"])
    view.form.variables["cost"].set("abc")
    view.form.variables["owner"].set("Khoa Hồi sức tích cực")
    assert not view.save_record()
    assert "amount" in view.form.error_text("cost")
    assert "Not saved" in view.status.cget("text")
    saved = GapAction.get_by_id(gap_plan["ventilators"])
    assert saved.cost == 850_000_000 and saved.owner == "Phòng Vật tư – Thiết bị y tế"
    # A rule of the service (who closed it?) lands under its field too.
    view.form.variables["cost"].set("")
    view.form.variables["owner"].set("")
    view.form.inputs["status"].set_value("done")
    assert not view.save_record()
    assert view.form.error_text("owner") and GapAction.get_by_id(gap_plan["ventilators"]).status == "open"
    view.destroy()


def test_leaving_an_edited_gap_asks_first(window: Any, gap_plan: dict[str, str], dialog_log: DialogLog) -> None:
    view = gaps_view(window)
    select(view, gap_plan["ventilators"])
    view.form.variables["owner"].set("Someone else")
    dialog_log.answer = False
    select(view, gap_plan["nurses"])
    assert dialog_log.questions and view.current_id == gap_plan["ventilators"]
    assert view.selected_id() == gap_plan["ventilators"]
    assert view.form.get_values()["owner"] == "Someone else"
    dialog_log.answer = True
    select(view, gap_plan["nurses"])
    assert view.current_id == gap_plan["nurses"] and view.form.get_values()["owner"] == "Phòng Điều dưỡng"
    view.destroy()


def test_the_keyboard_moves_from_the_table_to_the_form(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    assert str(view.form.inputs["owner"].cget("state")) == "disabled"  # nothing chosen yet
    view.tree.focus_force()
    view.tree.event_generate("<FocusIn>")
    window.root.update()
    assert view.selected_id() == gap_plan["nurses"]  # entering the table selects its first gap
    view.tree.event_generate("<Down>")
    window.root.update()
    assert view.current_id == gap_plan["ventilators"]
    view.tree.event_generate("<Return>")
    window.root.update()
    assert view.focus_get() is view.form.inputs["owner"]
    view.destroy()


def test_nothing_selected_saves_nothing(window: Any, gap_plan: dict[str, str]) -> None:
    view = gaps_view(window)
    assert not view.save_record() and not view.is_dirty()
    view.on_show()
    assert len(view.visible_ids()) == 3
    view.destroy()
