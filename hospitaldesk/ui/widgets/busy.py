"""A small modal window with a progress bar and Cancel, for work running in the background."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from hospitaldesk.i18n import _
from hospitaldesk.ui.background import Job


class BusyDialog(ttk.Toplevel):
    def __init__(self, master: tk.Misc, title: str) -> None:
        super().__init__(title=title, transient=master, resizable=(False, False))
        self.job: Job | None = None
        body = ttk.Frame(self, padding=20)
        body.pack(fill="both", expand=True)
        self.note = ttk.Label(body, text=title, width=48)
        self.note.pack(anchor="w")
        self.bar = ttk.Progressbar(body, mode="determinate", maximum=1.0, length=360)
        self.bar.pack(fill="x", pady=12)
        ttk.Button(body, text=_("Cancel"), bootstyle="secondary-outline", command=self.cancel).pack(anchor="e")
        self.protocol("WM_DELETE_WINDOW", self.cancel)

    def set_progress(self, fraction: float, note: str = "") -> None:
        self.bar.configure(value=max(0.0, min(1.0, fraction)))
        if note:
            self.note.configure(text=note)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.note.configure(text=_("Cancelling…"))

    def close(self) -> None:
        if self.winfo_exists():
            self.destroy()
