"""GUI fixtures: one Tk root for the whole session (as ttkbootstrap's own tests do),
a fresh main window per test, and dialogs replaced so nothing waits for a click.

No display is a failure, not a skip: CI must run these (scripts/test.sh starts Xvfb).
"""
from __future__ import annotations

import gc
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk import config
from tests.gui.support import DialogLog

pytestmark = pytest.mark.gui


@pytest.fixture(scope="session")
def root() -> Iterator[Any]:
    import ttkbootstrap as ttk

    try:
        app = ttk.App(title="HospitalDesk tests", theme=config.DEFAULT_THEME)
    except tk.TclError as exc:  # no display: fail loudly, never skip
        pytest.fail(f"GUI tests need a display (run them through scripts/test.sh, which starts Xvfb): {exc}")
    app.geometry("1366x728+0+0")
    yield app
    app.destroy()


@pytest.fixture(autouse=True)
def tk_garbage_collected_here(root: Any) -> Iterator[None]:
    """Collect cyclic garbage on the Tk thread after each test (its window is gone by then).

    A Tk variable or image freed by the garbage collector runs its __del__ on whatever thread
    the collection happens on. In the app, mainloop runs and a worker thread's Tk call is handed
    to it; here the tests pump with update(), so the call waits one second and then fails
    ("main thread is not in main loop"). A few such variables left over from earlier tests made a
    background export miss its 15 s wait on CI.
    """
    yield
    gc.collect()


@pytest.fixture
def dialog_log(monkeypatch: pytest.MonkeyPatch) -> DialogLog:
    from hospitaldesk.ui import dialogs

    log = DialogLog()
    monkeypatch.setattr(dialogs, "show_error", lambda _p, message, title=None: log.errors.append(message))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, message, title=None: log.infos.append(message))
    monkeypatch.setattr(dialogs, "show_warning", lambda _p, message, title=None: log.infos.append(message))

    def ask(_parent: Any, message: str, title: str | None = None) -> bool:
        log.questions.append(message)
        return log.answer

    monkeypatch.setattr(dialogs, "ask_yes_no", ask)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: log.save_path)
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: log.save_path)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: log.open_path)
    monkeypatch.setattr(dialogs, "ask_open_spreadsheet", lambda *_a: log.open_path)
    monkeypatch.setattr(dialogs, "ask_save_xlsx", lambda *_a: log.save_path)
    monkeypatch.setattr(dialogs, "ask_save_typed", lambda *_a: log.save_path)
    monkeypatch.setattr(dialogs, "ask_open_typed", lambda *_a: log.open_path)
    return log


@pytest.fixture
def window(root: Any, site_store: Path, dialog_log: DialogLog) -> Iterator[Any]:
    from hospitaldesk.ui.main_window import MainWindow

    main = MainWindow(root, config.Settings(language="en"))
    main.build()
    root.update()
    yield main
    pending_errors = list(main.callback_errors)
    if main.frame is not None:
        main.frame.destroy()
    for key in ("<Control-f>", "<Control-n>", "<Control-s>", "<F5>", "<Control-q>"):
        root.unbind_all(key)
    root.update()
    assert not pending_errors, f"a Tk callback raised: {pending_errors!r}"
