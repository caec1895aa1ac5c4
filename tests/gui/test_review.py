"""The 6-monthly review screen, driven as a director's assistant would: choose a half-year and a province, read the
figures, write the narrative, save it (a bad date is named on its field), print it through the preview, export it."""
from __future__ import annotations

import time
from typing import Any

import pytest

from hospitaldesk.db.models import Review
from tests.gui.support import DialogLog, open_screen, pump
from tests.gui.test_print_preview import pages_shown, wait_for

pytestmark = pytest.mark.gui


def loaded(screen: Any) -> Any:
    deadline = time.monotonic() + 20
    while screen.loading and time.monotonic() < deadline:
        pump(screen.winfo_toplevel(), 30)
    assert not screen.loading and screen.figures is not None
    return screen


def figures(screen: Any) -> dict[str, str]:
    return {screen.tree.item(i, "values")[0]: screen.tree.item(i, "values")[1] for i in screen.tree.get_children()}


def choose(box: Any, label_start: str) -> None:
    box.set_value(next(c.value for c in box.choices if c.label.startswith(label_start)))
    box.event_generate("<<ComboboxSelected>>")


@pytest.fixture
def review_screen(window: Any) -> Any:
    from hospitaldesk.services.demo import load_demo

    load_demo()
    screen = loaded(open_screen(window, "review"))
    screen.start_var.set("01/01/2024")
    screen.end_var.set("30/06/2024")
    screen.refresh()
    return loaded(screen)


def test_the_figures_of_a_half_year_and_a_province(review_screen: Any) -> None:
    screen = review_screen
    region = figures(screen)
    assert region["Agreements signed"] == "1" and region["Techniques accepted"] == "2"
    assert screen.scope_title.cget("text").startswith("The Mekong Delta region · 01/01/2024 – 30/06/2024")
    assert [m.month.month for m in screen.chart.months] == [1, 2, 3, 4, 5, 6] and screen.chart.canvas.find_all()
    choose(screen.province_box, "Cà Mau")
    loaded(screen)
    assert screen.scope_title.cget("text").startswith("Province Cà Mau")
    assert figures(screen)["Agreements signed"] == "1"  # 03/HĐ-CGKT, Nhi Đồng 1 → Cà Mau
    assert screen.forms[0].get_values()["issuer"] == "DEPARTMENT OF HEALTH"


def test_the_text_is_saved_and_found_again(window: Any, review_screen: Any, dialog_log: DialogLog) -> None:
    screen = review_screen
    header, narrative, _plans = screen.forms
    demo = Review.select().count()  # the demo's own review (Sóc Trăng's first half of 2024)
    header.inputs["issued_on"].delete(0, "end")
    header.variables["issued_on"].set("31/02/2024")
    narrative.inputs["difficulties"].insert("1.0", "Thiếu điều dưỡng hồi sức.")
    screen.notebook.select(2)
    assert screen.save_record() is False
    assert "dd/mm/yyyy" in header.error_text("issued_on") and screen.notebook.index("current") == 0  # the tab with the problem
    assert Review.select().count() == demo
    header.variables["issued_on"].set("05/07/2024")
    assert screen.save_record() is True and Review.select().count() == demo + 1
    # Another province, then back: the text written for the region comes back.
    choose(screen.province_box, "Cà Mau")
    loaded(screen)
    assert narrative.get_values()["difficulties"] == ""
    choose(screen.province_box, "The whole region")
    loaded(screen)
    assert narrative.get_values()["difficulties"] == "Thiếu điều dưỡng hồi sức."
    assert header.get_values()["issued_on"] == "05/07/2024" and "text saved" in screen.scope_title.cget("text")


def test_unsaved_text_is_offered_to_be_saved_before_another_review(review_screen: Any, dialog_log: DialogLog) -> None:
    screen = review_screen
    screen.forms[2].inputs["plans"].insert("1.0", "Mở rộng kỹ thuật ECMO.")
    dialog_log.answer = True
    choose(screen.province_box, "Cà Mau")
    loaded(screen)
    region = Review.get(Review.province.is_null(), Review.facility.is_null())
    assert dialog_log.questions and region.plans == "Mở rộng kỹ thuật ECMO."


def test_print_and_export(window: Any, review_screen: Any, dialog_log: DialogLog, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    screen = review_screen
    screen.forms[1].inputs["results"].insert("1.0", "Giảm chuyển tuyến.")
    preview = screen.print_report()
    try:
        wait_for(window.root, lambda: pages_shown(preview))
        assert preview.data is not None and b"%PDF" in preview.data[:8]
    finally:
        preview.destroy()
    dialog_log.save_path = tmp_path / "so-ket.xlsx"
    job = screen.export()
    wait_for(window.root, lambda: job.done)
    assert load_workbook(tmp_path / "so-ket.xlsx").sheetnames[0] == "Main figures" and not dialog_log.errors


def test_a_viewer_cannot_save(window: Any, review_screen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.services import authority

    monkeypatch.setattr(authority, "allowed", lambda action: action != "edit")
    review_screen.on_show()
    assert str(review_screen.save_button.cget("state")) == "disabled"


def test_the_period_list_follows_the_dates(review_screen: Any) -> None:
    screen = review_screen
    screen.start_var.set("10/01/2024")
    screen.end_var.set("20/03/2024")
    screen.refresh()
    loaded(screen)
    assert screen.period_box.value() == "other" and screen.period_box.get() == "Other dates"
    first = screen.period_box.choices[0]
    screen.period_box.set_value(first.value)
    screen.period_box.event_generate("<<ComboboxSelected>>")
    loaded(screen)
    start, _sep, end = first.value.partition(":")
    assert screen.shown[0].start.isoformat() == start and screen.shown[0].end.isoformat() == end
    assert screen.period_box.value() == first.value


def test_compiling_the_same_review_again_keeps_the_text_being_written(review_screen: Any, dialog_log: DialogLog) -> None:
    screen = review_screen
    screen.forms[2].inputs["plans"].insert("1.0", "Đào tạo thêm 4 điều dưỡng.")
    screen.refresh()  # Return in a date field: the same period and scope
    assert str(screen.forms[2].inputs["plans"].cget("state")) == "disabled"  # nothing typed while compiling
    loaded(screen)
    assert screen.forms[2].get_values()["plans"] == "Đào tạo thêm 4 điều dưỡng." and not dialog_log.questions
    assert str(screen.forms[2].inputs["plans"].cget("state")) == "normal"


def test_a_choice_made_while_compiling_is_compiled_after(review_screen: Any) -> None:
    screen = review_screen
    choose(screen.province_box, "Cà Mau")  # starts compiling Cà Mau
    assert screen.loading
    choose(screen.province_box, "The whole region")  # chosen meanwhile
    loaded(screen)
    deadline = time.monotonic() + 20
    while (screen.loading or screen.shown[1].province) and time.monotonic() < deadline:
        pump(screen.winfo_toplevel(), 30)
    assert screen.shown[1].province == "" and screen.scope_title.cget("text").startswith("The Mekong Delta region")


def test_text_is_never_saved_to_dates_not_shown(review_screen: Any) -> None:
    screen = review_screen
    before = Review.select().count()
    screen.forms[1].inputs["results"].insert("1.0", "Kết quả tốt.")
    screen.end_var.set("31/13/2024")  # not a date
    assert screen.save_record() is False and "dd/mm/yyyy" in screen.state_label.cget("text")
    screen.end_var.set("31/12/2024")  # a date, not compiled yet
    assert screen.save_record() is False and "press Enter" in screen.state_label.cget("text")
    assert Review.select().count() == before
    screen.end_var.set("30/06/2024")
    assert screen.save_record() is True and Review.select().count() == before + 1
    assert screen.state_label.cget("text") == "Saved: 01/01/2024 – 30/06/2024."


def test_quitting_with_unsaved_text_asks(window: Any, review_screen: Any, dialog_log: DialogLog) -> None:
    review_screen.forms[2].inputs["plans"].insert("1.0", "Chưa lưu.")
    dialog_log.answer = False
    window.quit()  # answered no: the window stays
    assert dialog_log.questions == ["You have unsaved changes in this form. Quit anyway?"] and window.root.winfo_exists()
