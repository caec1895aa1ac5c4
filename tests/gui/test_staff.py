"""Drive the staff and retention screens: the registry, a person's card, trainings by dialog,
a departure and a return, the certificate preview, the techniques at risk first."""
from __future__ import annotations

from typing import Any

import pytest

from hospitaldesk.db.models import Enrollment, Staff
from hospitaldesk.services import enrollments, staff
from tests.gui.support import DialogLog, open_screen, select_row
from tests.gui.test_print_preview import pages_shown, wait_for
from tests.unit.conftest import facility_by_code, technique_id

pytestmark = pytest.mark.gui
CRRT = "NHI-LOC-MAU-LIEN-TUC"


def add_person(name: str = "Nguyễn Thị Hạnh", national_id: str = "096190001234") -> str:
    return staff.StaffCatalog().save({
        "facility": str(facility_by_code("CM-SANNHI").id), "full_name": name, "birth_date": "12/05/1990", "sex": "female",
        "profession": "nurse", "department": "Khoa Hồi sức tích cực", "national_id": national_id, "employment_start": "01/08/2012",
        "status": "working"})


def certified(staff_id: str, commitment_years: str = "3") -> str:
    return enrollments.save(staff_id, {
        "technique": technique_id(CRRT), "place": "at_a", "start_on": "02/01/2023", "end_on": "30/06/2023", "status": "certified",
        "certificate_number": "15/CN-NĐ1", "certificate_date": "30/06/2023", "commitment_years": commitment_years})


def staff_screen(window: Any) -> Any:
    return open_screen(window, "staff")


select = select_row


def test_the_registry_searches_without_accents_and_the_card_shows_trainings(window: Any) -> None:
    hanh = add_person()
    certified(hanh)
    add_person("Trần Văn Đức", "")
    screen = staff_screen(window)
    screen.table.search_var.set("NGUYEN THI HANH")
    screen.table.refresh(reset_page=True)
    assert screen.table.visible_ids() == [hanh]
    select(screen, hanh)
    assert "Nguyễn Thị Hạnh" in screen.card_title.cget("text")
    [row] = screen.trainings.get_children()
    values = screen.trainings.item(row, "values")
    assert values[0] == "Lọc máu liên tục ở trẻ em" and values[3] == "15/CN-NĐ1" and values[4] == "30/06/2026"
    assert str(screen.card_buttons["certificate"].cget("state")) == "normal"
    assert str(screen.card_buttons["return"].cget("state")) == "disabled"


def test_a_training_is_added_through_the_two_column_dialog(window: Any) -> None:
    hanh = add_person()
    screen = staff_screen(window)
    select(screen, hanh)
    dialog = screen.add_training()
    form = dialog.form
    form.inputs["technique"].set_value(technique_id(CRRT))
    form.variables["start_on"].set("01/04/2024")
    form.variables["end_on"].set("30/09/2024")
    form.inputs["status"].set_value("completed")
    form.variables["commitment_years"].set("25")  # more than 20: refused, the dialog stays
    assert not dialog.submit()
    assert form.error_text("commitment_years")
    assert Enrollment.select().count() == 0
    form.variables["commitment_years"].set("3")
    assert dialog.submit()
    window.root.update()
    assert Enrollment.select().count() == 1
    assert len(screen.trainings.get_children()) == 1


def test_a_departure_breaks_the_commitment_and_a_return_closes_it(window: Any) -> None:
    hanh = add_person()
    certified(hanh)
    screen = staff_screen(window)
    select(screen, hanh)
    dialog = screen.record_departure()
    dialog.form.variables["left_on"].set("01/02/2024")
    dialog.form.inputs["reason"].set_value("income")
    dialog.form.inputs["destination_kind"].set_value("private")
    assert not dialog.submit()  # a private hospital, but which one?
    assert dialog.form.error_text("destination_name")
    dialog.form.variables["destination_name"].set("Bệnh viện tư nhân Phương Nam")
    assert dialog.submit()
    window.root.update()
    assert Staff.get_by_id(hanh).status == "left"
    [row] = screen.trainings.get_children()
    assert "broken" in screen.trainings.item(row, "tags")
    assert "Bệnh viện tư nhân Phương Nam" in screen.card_facts.cget("text")
    assert str(screen.card_buttons["return"].cget("state")) == "normal"
    back = screen.record_return()
    back.form.variables["returned_on"].set("01/09/2024")
    assert back.submit()
    window.root.update()
    assert Staff.get_by_id(hanh).status == "working"
    assert "came back on 01/09/2024" in screen.card_facts.cget("text")


def test_the_certificate_preview_shows_pages(window: Any, dialog_log: DialogLog) -> None:
    hanh = add_person()
    certified(hanh)
    screen = staff_screen(window)
    select(screen, hanh)
    preview = screen.print_certificate()
    try:
        wait_for(window.root, lambda: pages_shown(preview))
    finally:
        preview.destroy()
    assert not dialog_log.errors


def test_retention_lists_the_techniques_at_risk_first(window: Any, dialog_log: DialogLog) -> None:
    hanh = add_person()
    certified(hanh)  # one trained nurse where the CRRT checklist asks for more
    window.show("retention")
    window.root.update()
    screen = window.screens["retention"]
    screen.on_show()
    [row] = screen.tree.get_children()
    values = screen.tree.item(row, "values")
    assert values[1] == "Lọc máu liên tục ở trẻ em" and values[-1] == "At risk"
    assert "risk" in screen.tree.item(row, "tags")
    assert screen.print_report() is None  # all facilities: it asks for one
    assert dialog_log.infos
    screen.facility_box.set_value(str(facility_by_code("CM-SANNHI").id))
    screen.refresh()
    preview = screen.print_report()
    try:
        wait_for(window.root, lambda: pages_shown(preview))
    finally:
        preview.destroy()


def test_the_import_wizard_shows_problems_then_imports_a_good_file(window: Any, dialog_log: DialogLog, tmp_path: Any) -> None:
    from tests.unit.test_staff_import import good_rows, row, workbook

    screen = staff_screen(window)
    dialog = screen.import_file()
    try:
        bad = workbook(tmp_path / "bad.xlsx", [*good_rows(), row(5, "Lê Văn A", "31/02/1990", "096190001111")])
        job = dialog.check(bad)
        wait_for(window.root, lambda: job.done)
        [problem] = dialog.tree.get_children()
        assert dialog.tree.item(problem, "values")[:3] == ("6", "C · Ngày sinh", "31/02/1990")
        assert str(dialog.import_button.cget("state")) == "disabled" and Staff.select().count() == 0
        good = workbook(tmp_path / "good.xlsx", good_rows())
        job = dialog.check(good)
        wait_for(window.root, lambda: job.done)
        assert len(dialog.tree.get_children()) == 4 and "3 new people" in dialog.summary.cget("text")
        assert str(dialog.import_button.cget("state")) == "normal"
        job = dialog.run_import()
        wait_for(window.root, lambda: job.done)
        assert Staff.select().count() == 3 and Enrollment.select().count() == 4
        assert dialog_log.infos and "3 new people" in dialog_log.infos[-1]
        assert len(screen.table.visible_ids()) == 3  # the list was refreshed
    finally:
        if dialog.winfo_exists():
            dialog.destroy()


def test_the_staff_list_is_exported_to_excel(window: Any, dialog_log: DialogLog, tmp_path: Any) -> None:
    from hospitaldesk.services.tabular import read_table

    add_person()
    add_person("Trần Văn Đức", "")
    screen = staff_screen(window)
    screen.table.search_var.set("duc")
    screen.table.refresh(reset_page=True)
    dialog_log.save_path = tmp_path / "nhan-su.xlsx"
    job = screen.export()
    wait_for(window.root, lambda: job.done)
    table = read_table(tmp_path / "nhan-su.xlsx")
    assert table.headers[0] == "Full name" and [r.cells[0] for r in table.rows] == ["Trần Văn Đức"]  # only what the search shows
    assert dialog_log.infos and not dialog_log.errors
