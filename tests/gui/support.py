"""Helpers for GUI tests: a stand-in for the dialogs module, and an event pump."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any


class DialogLog:
    """Stands in for hospitaldesk.ui.dialogs: records what would have been shown."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.answer = True
        self.save_path: Path | None = None
        self.open_path: Path | None = None


def pump(root: Any, ms: int = 0) -> None:
    """Let Tk process events (and timers up to `ms` milliseconds)."""
    if ms:
        root.after(ms, lambda: None)
        deadline = time.monotonic() + ms / 1000 + 0.05
        while time.monotonic() < deadline:
            root.update()
    root.update()


def open_screen(window: Any, key: str) -> Any:
    """Show a screen of the main window, as a click in the sidebar does, with its data loaded."""
    window.show(key)
    window.root.update()
    screen = window.screens[key]
    screen.on_show()
    return screen


def select_row(screen: Any, record_id: str) -> None:
    """Select a record in a screen's list, as a click does (the selection event included)."""
    screen.table.refresh(select=record_id)
    screen.table.tree.selection_set(record_id)
    screen.table.tree.event_generate("<<TreeviewSelect>>")
    screen.winfo_toplevel().update()
