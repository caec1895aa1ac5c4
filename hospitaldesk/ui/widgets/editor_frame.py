"""What the agreement and amendment editors share: a title with Save and Close, a status line
under the form, the "not saved" summary, and asking before unsaved changes are dropped."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.errors import ValidationError
from hospitaldesk.i18n import N_, _, ngettext
from hospitaldesk.ui import dialogs

PENDING_LINE = N_("The technique line you typed is not in the table yet: press 'Add as new line' or 'Update selected line', then save.")


class EditorFrame(ttk.Frame):
    def __init__(self, master: tk.Misc, on_close: Callable[[], None]) -> None:
        super().__init__(master)
        self._on_close = on_close
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        self.title_label = ttk.Label(header, text="", font=("TkHeadingFont", 14, "bold"))
        self.title_label.pack(side="left")
        ttk.Button(header, text=_("Close"), bootstyle="secondary-outline", command=self.close).pack(side="right")
        ttk.Button(header, text=_("Save (Ctrl+S)"), bootstyle="primary", command=self.save_record).pack(side="right", padx=8)
        self.status = ttk.Label(self, text="", justify="left", wraplength=1000)
        self.status.pack(side="bottom", fill="x", pady=(6, 0))

    # --- what each editor fills in -------------------------------------------------------------
    def save_record(self) -> bool:
        raise NotImplementedError

    def is_dirty(self) -> bool:
        raise NotImplementedError

    # --- shared behaviour ----------------------------------------------------------------------
    def say(self, message: str, style: str = "default") -> None:
        self.status.configure(text=message, bootstyle=style)

    def say_pending_line(self) -> None:
        """Saving now would silently drop what was typed in the line form."""
        self.say(_(PENDING_LINE), "danger")

    def say_not_saved(self, exc: ValidationError) -> None:
        count = len(exc.errors)
        summary = ngettext("Not saved: {count} field needs attention.", "Not saved: {count} fields need attention.", count).format(count=count)
        self.say(summary + "\n" + "\n".join(e.describe() for e in exc.errors[:4]), "danger")

    def close(self) -> None:
        if self.is_dirty() and not dialogs.ask_yes_no(self, _("You have unsaved changes in this form. Discard them?")):
            return
        self._on_close()
