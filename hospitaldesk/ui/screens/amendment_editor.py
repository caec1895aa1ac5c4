"""Editing a draft amendment: its number, subject and clauses, and the technique lines it
adds or replaces. Saved in one transaction through services.amendments."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services import agreements, amendments
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.widgets.editor_frame import EditorFrame
from hospitaldesk.ui.widgets.form import FormView
from hospitaldesk.ui.widgets.lines_editor import LinesEditor


class AmendmentEditor(EditorFrame):
    def __init__(self, master: tk.Misc, on_close: Callable[[str], None]) -> None:
        super().__init__(master, on_close=lambda: on_close(self.agreement_id))
        self.agreement_id = ""
        self.amendment_id: str | None = None
        self.lines: LinesEditor | None = None
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        # The amendment's text above, its technique lines below: both get the full width.
        self.form = FormView(body, amendments.FIELDS, wrap=900, text_height=3)
        self.form.pack(side="top", fill="x")
        self.lines_holder = ttk.Labelframe(body, text=_("Techniques added or rescheduled"), padding=8)
        self.lines_holder.pack(side="top", fill="both", expand=True)
        self._snapshot_lines: list[dict[str, Any]] = []

    def load(self, agreement_id: str, amendment_id: str | None) -> None:
        values = amendments.get(amendment_id) if amendment_id else amendments.new_amendment(agreement_id)
        self.agreement_id, self.amendment_id = agreement_id, amendment_id
        if self.lines is not None:
            self.lines.destroy()
        # The "replaces" choices depend on the agreement: a fresh line editor each time.
        self.lines = LinesEditor(self.lines_holder, amendments.line_fields(agreement_id))
        self.lines.pack(fill="both", expand=True)
        self.form.set_values(values)
        self.lines.set_lines(values.get("lines", []))
        self._snapshot_lines = self.lines.get_lines()
        number = agreements.summary(agreement_id)["number"]
        self.title_label.configure(text=_("Amendment {number} to agreement {contract}").format(number=values["number"], contract=number))
        self.status.configure(text="", bootstyle="default")
        self.form.inputs["subject"].focus_set()

    def is_dirty(self) -> bool:
        return self.form.is_dirty() or (self.lines is not None and (self.lines.get_lines() != self._snapshot_lines or self.lines.pending()))

    def save_record(self) -> bool:
        assert self.lines is not None
        if self.lines.pending():
            self.say_pending_line()
            return False
        try:
            saved = amendments.save_amendment(self.agreement_id, self.form.get_values(), self.lines.get_lines(), self.amendment_id)
        except ValidationError as exc:
            self.form.show_errors(ValidationError([e for e in exc.errors if e.row is None]))
            self.lines.show_errors([e for e in exc.errors if e.row is not None])
            self.say_not_saved(exc)
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.load(self.agreement_id, saved)
        self.status.configure(text=_("Saved."), bootstyle="success")
        return True
