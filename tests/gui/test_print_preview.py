"""The print preview on a real two-page PDF: pages drawn, save, zoom, errors, warnings, keys."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.errors import HospitalDeskError
from tests.gui.support import DialogLog, pump

pytestmark = pytest.mark.gui

Opener = Callable[..., Any]


def two_page_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    for number in (1, 2):
        pdf.setFont("Helvetica", 24)
        pdf.drawString(72, 760, f"Hop dong trang {number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def wait_for(root: Any, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Pump Tk until `condition()` holds; the build and rendering run in a worker thread."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the print preview did not get there in time")
        pump(root, 20)


def pages_shown(preview: Any) -> bool:
    return len(preview.canvas.find_withtag("page")) > 0


@pytest.fixture
def open_preview(root: Any, dialog_log: DialogLog) -> Iterator[Opener]:
    """Opens previews over the session root; closes them and fails the test if a Tk callback raised."""
    from hospitaldesk.ui.screens.print_preview import PrintPreview

    errors: list[BaseException] = []
    previous = root.report_callback_exception
    root.report_callback_exception = lambda _type, exc, _tb: errors.append(exc)
    opened: list[Any] = []

    def opener(build: Callable[[], bytes] = two_page_pdf, **kwargs: Any) -> Any:
        preview = PrintPreview(root, "Preview", build, kwargs.pop("suggested_name", "Hợp đồng"), **kwargs)
        opened.append(preview)
        return preview

    yield opener
    for preview in opened:
        if preview.winfo_exists():
            preview.destroy()
    pump(root, 0)
    root.report_callback_exception = previous
    assert not errors, f"a Tk callback raised: {errors!r}"


def test_shows_both_pages_with_a_count(root: Any, open_preview: Opener) -> None:
    preview = open_preview()
    assert preview.message.winfo_manager() == "place"  # "Preparing the preview…" while it works
    assert str(preview.save_button.cget("state")) == "disabled"
    wait_for(root, lambda: pages_shown(preview))
    assert len(preview.canvas.find_withtag("page")) == 2
    assert preview.count_label.cget("text") == "2 pages"
    assert preview.message.winfo_manager() == ""
    assert str(preview.save_button.cget("state")) == "normal"
    # Fit to width: the page fills the canvas less its margins, with no horizontal scrolling.
    assert preview.photos[0].width() <= preview.canvas.winfo_width()
    assert preview.photos[0].width() > preview.canvas.winfo_width() * 0.8


def test_save_writes_the_same_bytes(root: Any, open_preview: Opener, dialog_log: DialogLog, tmp_path: Path) -> None:
    data = two_page_pdf()
    saved: list[Path] = []
    preview = open_preview(lambda: data, on_saved=saved.append)
    wait_for(root, lambda: pages_shown(preview))
    dialog_log.save_path = tmp_path / "Hợp đồng số 1.pdf"
    preview.save_button.invoke()
    assert dialog_log.save_path.read_bytes() == data
    assert saved == [dialog_log.save_path]
    assert any(str(dialog_log.save_path) in info for info in dialog_log.infos)


def test_save_cancelled_writes_nothing(root: Any, open_preview: Opener, dialog_log: DialogLog) -> None:
    saved: list[Path] = []
    preview = open_preview(on_saved=saved.append)
    wait_for(root, lambda: pages_shown(preview))
    dialog_log.save_path = None
    preview.save()
    assert saved == [] and dialog_log.infos == []


def test_ctrl_s_saves_and_escape_closes(root: Any, open_preview: Opener, dialog_log: DialogLog, tmp_path: Path) -> None:
    preview = open_preview()
    wait_for(root, lambda: pages_shown(preview))
    dialog_log.save_path = tmp_path / "out.pdf"
    preview.focus_force()
    pump(root, 50)
    preview.event_generate("<Control-s>")
    assert dialog_log.save_path.exists()
    preview.event_generate("<Escape>")
    pump(root, 0)
    assert not preview.winfo_exists()


def test_build_error_is_shown_without_traceback(root: Any, open_preview: Opener) -> None:
    def fails() -> bytes:
        raise HospitalDeskError("The agreement has no signatory. Add one on the Parties tab.")

    preview = open_preview(fails)
    wait_for(root, lambda: "signatory" in preview.message.cget("text"))
    assert preview.message.winfo_manager() == "place"
    assert "danger" in str(preview.message.cget("style")).lower()
    assert not pages_shown(preview)
    assert str(preview.save_button.cget("state")) == "disabled"


def test_unexpected_error_gets_a_generic_message(root: Any, open_preview: Opener) -> None:
    def breaks() -> bytes:
        raise ZeroDivisionError("division by zero")

    preview = open_preview(breaks)
    wait_for(root, lambda: "unexpected" in preview.message.cget("text"))
    assert "division" not in preview.message.cget("text")


def test_warnings_are_shown_at_the_top(root: Any, open_preview: Opener) -> None:
    preview = open_preview(warnings=["Readiness is not met: 2 of 5 items are missing.", "No trainees yet."])
    texts = [label.cget("text") for label in preview.warning_labels]
    assert len(texts) == 2 and "Readiness is not met" in texts[0]
    wait_for(root, lambda: pages_shown(preview))
    assert all(label.winfo_ismapped() for label in preview.warning_labels)
    assert "warning" in str(preview.warning_labels[0].cget("style")).lower()


def test_no_warning_box_without_warnings(root: Any, open_preview: Opener) -> None:
    preview = open_preview(warnings=[])
    assert preview.warning_labels == []


def test_zoom_changes_the_page_width(root: Any, open_preview: Opener) -> None:
    preview = open_preview()
    wait_for(root, lambda: pages_shown(preview))
    fit_width = preview.photos[0].width()
    preview.zoom_in_button.invoke()
    wait_for(root, lambda: preview.photos[0].width() != fit_width)
    assert preview.photos[0].width() == pytest.approx(fit_width * 1.25, rel=0.02)
    assert preview.zoom_label.cget("text") == "125 %"
    preview.zoom(-10)  # clamped at 50 %
    wait_for(root, lambda: preview.photos[0].width() < fit_width)
    assert preview.photos[0].width() == pytest.approx(fit_width * 0.5, rel=0.02)
    assert str(preview.zoom_out_button.cget("state")) == "disabled"
    assert len(preview.canvas.find_withtag("page")) == 2


def test_open_in_viewer_writes_a_copy(root: Any, open_preview: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.ui.screens import print_preview

    opened: list[Path] = []
    monkeypatch.setattr(print_preview, "open_with_system", opened.append)
    preview = open_preview()
    wait_for(root, lambda: pages_shown(preview))
    preview.open_button.invoke()
    assert len(opened) == 1 and opened[0].name == "Hợp đồng.pdf"
    assert opened[0].read_bytes() == preview.data


def test_open_in_viewer_failure_is_explained(
    root: Any, open_preview: Opener, dialog_log: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospitaldesk.ui.screens import print_preview

    def no_viewer(path: Path) -> None:
        raise HospitalDeskError(f"Could not open {path} in another program.")

    monkeypatch.setattr(print_preview, "open_with_system", no_viewer)
    preview = open_preview()
    wait_for(root, lambda: pages_shown(preview))
    preview.open_externally()
    assert len(dialog_log.errors) == 1 and "Could not open" in dialog_log.errors[0]
