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
