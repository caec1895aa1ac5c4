"""Editing a draft agreement: four tabs (general, parties, techniques, clauses), keyboard first.

Ctrl+S saves everything in one transaction through services.agreements; errors
are put under their fields and the first tab with an error is shown.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk
from ttkbootstrap.widgets.scrolled import ScrolledFrame

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services import agreements
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.widgets.editor_frame import EditorFrame
from hospitaldesk.ui.widgets.form import FormView
from hospitaldesk.ui.widgets.lines_editor import LinesEditor

GENERAL = ("number", "title", "level", "programme", "term_end", "sign_place", "notes")
CLAUSES = ("legal_bases", "obligations_a", "obligations_b", "acceptance_criteria", "retention_terms")


def _specs(names: tuple[str, ...] | list[str]) -> list[FieldSpec]:
    by_name = {spec.name: spec for spec in agreements.HEADER_FIELDS}
    return [by_name[name] for name in names]


def _party_names(side: str) -> list[str]:
    return [f"party_{side}"] + [f"{side}_{n}" for n in ("representative", "position", "phone", "address", "tax_code", "bank_account")]


class AgreementEditor(EditorFrame):
    def __init__(self, master: tk.Misc, on_close: Callable[[str | None], None]) -> None:
        super().__init__(master, on_close=lambda: on_close(self.record_id))
        self.record_id: str | None = None
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True)
        self.forms: dict[str, FormView] = {}
        self._add_form_tab("general", _("General"), [list(GENERAL)])
        self._add_form_tab("parties", _("Parties"), [_party_names("a"), _party_names("b")])
        lines_tab = ttk.Frame(self.tabs, padding=10)
        self.lines = LinesEditor(lines_tab, agreements.LINE_FIELDS)
        self.lines.pack(fill="both", expand=True)
        self.tabs.add(lines_tab, text=_("Techniques"))
        self._add_form_tab("clauses", _("Clauses"), [list(CLAUSES)], text_height=6)
        self.tabs.enable_traversal()  # Ctrl+Tab moves between tabs
        for side in ("a", "b"):
            box = self._party_form(side).inputs[f"party_{side}"]
            box.bind("<<ComboboxSelected>>", lambda _e, s=side: self._prefill_party(s), add="+")
        self._snapshot_lines: list[dict[str, Any]] = []
        self._level = ""
        self.forms["general"].inputs["level"].bind("<<ComboboxSelected>>", lambda _e: self._level_changed(), add="+")

    def _add_form_tab(self, key: str, title: str, columns: list[list[str]], text_height: int = 4) -> None:
        """A scrolling tab with one form per column (the parties sit side by side)."""
        scroller = ScrolledFrame(self.tabs, auto_hide=True, padding=10)
        self.tabs.add(scroller.container, text=title)
        for index, names in enumerate(columns):
            form = FormView(scroller, _specs(names), wrap=480, text_height=text_height)
            form.grid(row=0, column=index, sticky="new", padx=(0, 24))
            scroller.columnconfigure(index, weight=1, uniform="cols")
            self.forms[key if len(columns) == 1 else f"{key}{index}"] = form

    def _all_forms(self) -> list[FormView]:
        return list(self.forms.values())

    # --- loading ------------------------------------------------------------------------------
    def load(self, record_id: str | None) -> None:
        """Open a draft (or a new one when record_id is None)."""
        values = agreements.get(record_id) if record_id else agreements.new_agreement()
        self.record_id = record_id
        for form in self._all_forms():
            form.set_values(values)
        self.lines.set_lines(values.get("lines", []))
        self._snapshot_lines = self.lines.get_lines()
        self._level = str(values.get("level", ""))
        number = values.get("number", "")
        self.title_label.configure(text=_("Edit draft {number}").format(number=number) if record_id else _("New agreement"))
        self.status.configure(text="", bootstyle="default")
        self.tabs.select(0)
        self.forms["general"].inputs["title"].focus_set()

    def _level_changed(self) -> None:
        """A regional-network contract has other default obligations: swap the clauses still at the old defaults."""
        level = self.forms["general"].get_values().get("level", "")
        if not level or level == self._level:
            return
        clauses = self.forms["clauses"]
        current = clauses.get_values()
        old, new = agreements.default_clauses_for(self._level), agreements.default_clauses_for(level)
        changed = {k: new[k] for k in new if k in current and current[k].strip() == old.get(k, "").strip()}
        if changed:
            clauses.set_values({**current, **changed})
            self.status.configure(text=_("The default obligations of the chosen level were put in the Clauses tab."), bootstyle="info")
        self._level = level

    def _prefill_party(self, side: str) -> None:
        """Choosing a facility fills its address and phone, unless the user already typed them."""
        form = self._party_form(side)
        facility = form.get_values().get(f"party_{side}", "")
        if not facility:
            return
        details = agreements.party_details(side, facility)
        current = form.get_values()
        form.set_values({**current, **{k: v for k, v in details.items() if not current.get(k)}})

    def _party_form(self, side: str) -> FormView:
        return self.forms["parties0"] if side == "a" else self.forms["parties1"]

    def values(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for form in self._all_forms():
            merged.update(form.get_values())
        return merged

    def is_dirty(self) -> bool:
        return (any(form.is_dirty() for form in self._all_forms()) or self.lines.get_lines() != self._snapshot_lines
                or self.lines.pending())

    # --- actions ------------------------------------------------------------------------------
    def save_record(self) -> bool:
        if self.lines.pending():
            self.tabs.select(2)
            self.say_pending_line()
            return False
        try:
            record_id = agreements.save_draft(self.values(), self.lines.get_lines(), self.record_id)
        except ValidationError as exc:
            self._show_errors(exc)
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.load(record_id)
        self.status.configure(text=_("Saved."), bootstyle="success")
        return True

    def _show_errors(self, exc: ValidationError) -> None:
        header = [e for e in exc.errors if e.row is None]
        first_tab: int | None = None
        for tab_index, form in ((0, self.forms["general"]), (1, self.forms["parties0"]), (1, self.forms["parties1"]), (3, self.forms["clauses"])):
            mine = [e for e in header if e.field in form.inputs]
            form.clear_errors()
            if mine:
                form.show_errors(ValidationError(mine))
                first_tab = tab_index if first_tab is None else first_tab
        rows = [e for e in exc.errors if e.row is not None]
        self.lines.show_errors(rows)
        if rows and first_tab is None:
            first_tab = 2
        if first_tab is not None:
            self.tabs.select(first_tab)
        self.say_not_saved(exc)
