"""Drive the readiness screen: answer a checklist with the keyboard alone, see the score run, finalise."""
from __future__ import annotations

from typing import Any

import pytest

from hospitaldesk.db.models import Assessment, Facility
from hospitaldesk.services import assessments, readiness_terms
from tests.gui.support import DialogLog
from tests.unit.conftest import technique_id
from tests.unit.test_readiness import CRRT, STARTER

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def small_starter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)


def screen(window: Any) -> Any:
    window.show("readiness")
    window.root.update()
    return window.screens["readiness"]


def ca_mau() -> str:
    return str(Facility.get(Facility.code == "CM-SANNHI").id)


def press(widget: Any, keysym: str) -> None:
    widget.focus_force()
    widget.event_generate(f"<KeyPress-{keysym}>")
    widget.update()


def test_a_new_assessment_is_started_from_the_dialog(window: Any) -> None:
    readiness = screen(window)
    dialog = readiness.new_record()
    dialog.form.inputs["technique"].set_value(technique_id(CRRT))
    dialog.form.inputs["facility"].set_value(ca_mau())
    assert dialog.submit()
    window.root.update()
    assert readiness.entry is not None and readiness.entry.winfo_ismapped()
    assert Assessment.select().count() == 1


def test_the_checklist_is_answered_by_keyboard_and_finalised(window: Any, dialog_log: DialogLog) -> None:
    assessment = assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": "01/03/2024", "assessors": "BS. A"})
    readiness = screen(window)
    readiness.refresh(select=assessment)
    readiness.open(assessment)
    window.root.update()
    entry = readiness.entry
    tree = entry.tree
    for key in ("1", "1", "1", "3", "1", "2"):  # six items: the trained nurses (4th) are missing, protocol partly
        press(tree, key)
    answers = [item["answer"] for item in assessments.details(assessment)["items"]]
    assert answers == ["yes", "yes", "yes", "no", "yes", "partly"]
    assert "Not ready" in entry.verdict_label.cget("text")
    # Only the critical item answered as missing (the nurses) is marked as blocking, not every critical item.
    blocking = [code for code, item_id in zip(("EQ-01", "EQ-02", "IN-01", "HR-01", "MS-01", "PR-01"), entry.order)
                if "blocking" in tree.item(item_id, "tags")]
    assert blocking == ["HR-01"]
    # Q jumps to the quantity; Enter saves it and returns to the list.
    entry.select(1)
    press(tree, "q")
    assert entry.focus_get() == entry.quantity_entry
    entry.quantity_var.set("1")
    press(entry.quantity_entry, "Return")
    assert assessments.details(assessment)["items"][1]["quantity"] == "1"
    dialog_log.answer = True
    assert entry.finalise()
    assert Assessment.get_by_id(assessment).status == "final"
    press(tree, "1")  # frozen: keys do nothing
    assert str(entry.quantity_entry.cget("state")) == "readonly"
    assert assessments.details(assessment)["items"][3]["answer"] == "no"


def test_space_cycles_and_finalise_points_at_the_first_unanswered(window: Any, dialog_log: DialogLog) -> None:
    assessment = assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": "01/03/2024", "assessors": ""})
    readiness = screen(window)
    readiness.open(assessment)
    window.root.update()
    entry = readiness.entry
    press(entry.tree, "space")
    press(entry.tree, "space")
    assert assessments.details(assessment)["items"][0]["answer"] == "partly"
    dialog_log.answer = True
    assert not entry.finalise()
    assert entry.selected_item() == entry.order[1]
    assert "not answered" in entry.message.cget("text")


def test_the_history_chart_draws_each_assessment(window: Any) -> None:
    for day in ("01/03/2024", "01/09/2024"):
        assessment = assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": day, "assessors": ""})
        for item in assessments.details(assessment)["items"]:
            assessments.answer(assessment, item["item_id"], "yes" if day.endswith("09/2024") else "no")
        assessments.finalise(assessment)
    readiness = screen(window)
    readiness.refresh(select=assessment)
    window.root.update()
    ovals = [i for i in readiness.chart.canvas.find_all() if readiness.chart.canvas.type(i) == "oval"]
    assert len(ovals) == 2
