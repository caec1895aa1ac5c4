"""Drive the checklist editor: load a technique's items, add one, save in place or as a new version, row errors."""
from __future__ import annotations

from typing import Any

import pytest

from hospitaldesk.db.models import ChecklistTemplate, Facility
from hospitaldesk.services import assessments, readiness_templates, readiness_terms
from tests.gui.support import DialogLog
from tests.unit.conftest import technique_id
from tests.unit.test_readiness import CRRT, STARTER

pytestmark = pytest.mark.gui

CITRATE = {"domain": "procedures", "text": "Phác đồ chống đông bằng citrate", "quantity": "1", "critical": True, "weight": "2",
           "available_means": "", "equipment_category": ""}


@pytest.fixture(autouse=True)
def small_starter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)


def checklist_editor(window: Any) -> Any:
    from hospitaldesk.ui.screens.checklist_editor import ChecklistEditor

    window.screens[window.current].pack_forget()
    editor = ChecklistEditor(window.content)
    editor.pack(fill="both", expand=True)
    window.root.update()
    return editor


def finalised_assessment() -> str:
    facility = str(Facility.get(Facility.code == "CM-SANNHI").id)
    assessment = assessments.start(technique_id(CRRT), {"facility": facility, "assessed_on": "01/03/2024", "assessors": ""})
    for item in assessments.details(assessment)["items"]:
        assessments.answer(assessment, item["item_id"], "yes")
    assessments.finalise(assessment)
    return assessment


def add_item(editor: Any, values: dict[str, Any]) -> None:
    editor.lines.form.set_values(values)
    editor.lines.add_line()


def test_choosing_a_technique_shows_its_checklist(window: Any) -> None:
    editor = checklist_editor(window)
    assert not editor.is_dirty() and "Choose a technique" in editor.version_label.cget("text")
    assert editor.choose_technique(technique_id(CRRT))
    assert editor.version_label.cget("text") == "Version 1"
    assert [line["code"] for line in editor.lines.get_lines()] == ["EQ-01", "EQ-02", "IN-01", "HR-01", "MS-01", "PR-01"]
    first = editor.lines.tree.item(editor.lines.tree.get_children()[0])["values"]
    # Code, item, domain by its label, quantity, critical as a tick, weight.
    assert [str(v) for v in first] == ["EQ-01", "Máy lọc máu liên tục (CRRT)", "Equipment", "1", "✓", "2"]
    assert editor.lines.tree.item(editor.lines.tree.get_children()[1])["values"][4] == ""
    assert "6 items" in editor.count_label.cget("text") and "4 critical" in editor.count_label.cget("text")
    assert editor.lines.form.get_values()["quantity"] == "1"  # the form waits for a new item
    assert not editor.is_dirty()


def test_an_item_added_to_an_unused_checklist_is_saved_in_place(window: Any) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    add_item(editor, CITRATE)
    assert editor.is_dirty()
    assert editor.save_record()
    assert editor.status.cget("text") == "Saved."
    assert editor.version_label.cget("text") == "Version 1" and not editor.is_dirty()
    saved = readiness_templates.get(technique_id(CRRT))
    assert saved["version"] == 1 and saved["items"][-1]["text"] == CITRATE["text"] and saved["items"][-1]["code"] == "PR-02"
    assert ChecklistTemplate.select().count() == 1


def test_a_checklist_a_finished_assessment_used_gets_version_2(window: Any) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    assessment = finalised_assessment()
    add_item(editor, CITRATE)
    assert editor.save_record()
    assert editor.version_label.cget("text") == "Version 2"
    assert editor.status.cget("text") == "Saved as version 2: finished assessments keep the version they used."
    assert len(editor.lines.get_lines()) == 7
    assert assessments.details(assessment)["template_version"] == 1
    assert len(assessments.details(assessment)["items"]) == 6


def test_row_errors_are_shown_and_nothing_is_written(window: Any) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    lines = editor.lines.get_lines()
    lines[2]["weight"] = "7"
    lines[3]["quantity"] = "abc"
    editor.lines.set_lines(lines)
    assert not editor.save_record()
    message = editor.lines.message.cget("text")
    assert "Row 3" in message and "Row 4" in message
    assert "Not saved" in editor.status.cget("text")
    assert editor.lines.selected_index() == 2  # the first bad row, its field marked
    assert editor.lines.form.error_text("weight")
    assert readiness_templates.get(technique_id(CRRT))["items"][2]["weight"] == "1"


def test_an_item_typed_but_not_added_is_not_lost(window: Any) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    editor.lines.form.set_values(CITRATE)
    assert editor.is_dirty()
    assert not editor.save_record()
    assert "Add as new item" in editor.status.cget("text")
    assert len(readiness_templates.get(technique_id(CRRT))["items"]) == 6
    editor.lines.add_line()
    assert editor.save_record()
    assert len(readiness_templates.get(technique_id(CRRT))["items"]) == 7


def test_an_item_needs_its_text_before_it_is_added(window: Any) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    add_item(editor, {**CITRATE, "text": ""})
    assert len(editor.lines.get_lines()) == 6
    assert editor.lines.message.cget("text") == "Write the item first."


def test_switching_technique_with_unsaved_changes_asks(window: Any, dialog_log: DialogLog) -> None:
    editor = checklist_editor(window)
    editor.choose_technique(technique_id(CRRT))
    add_item(editor, CITRATE)
    other = technique_id("PT-TIM-HO")
    dialog_log.answer = False
    assert not editor.choose_technique(other)
    assert dialog_log.questions and editor.technique_id == technique_id(CRRT)
    assert editor.technique_box.value() == technique_id(CRRT) and len(editor.lines.get_lines()) == 7
    dialog_log.answer = True
    assert editor.choose_technique(other)
    # No shipped list for that technique: an empty checklist to write.
    assert editor.lines.get_lines() == [] and "No checklist yet" in editor.version_label.cget("text")
    assert not editor.save_record()
    assert "at least one item" in editor.status.cget("text")


def test_picking_in_the_box_loads_after_a_pause(window: Any) -> None:
    from tests.gui.support import pump

    editor = checklist_editor(window)
    editor.technique_box.set_value(technique_id(CRRT))
    editor.technique_box.event_generate("<<ComboboxSelected>>")
    pump(window.root, 400)
    assert editor.technique_id == technique_id(CRRT) and len(editor.lines.get_lines()) == 6


def test_saving_without_a_technique_says_what_to_do(window: Any) -> None:
    editor = checklist_editor(window)
    assert not editor.save_record()
    assert "Choose a technique first" in editor.status.cget("text")
