"""One screen for any catalogue: the table on the left, the record's form on the right."""
from __future__ import annotations

import dataclasses
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk
from ttkbootstrap.widgets.scrolled import ScrolledFrame

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _, ngettext
from hospitaldesk.services import authority
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.sign_in import password_again
from hospitaldesk.ui.widgets.form import FormView
from hospitaldesk.ui.widgets.table import DataTable

EDITOR_WIDTH = 430


class CatalogScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, catalog: Catalog[Any]) -> None:
        super().__init__(master, padding=12)
        self.catalog = catalog
        self.current_id: str | None = None
        self.header = header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_(catalog.title), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        self.new_button = ttk.Button(header, text=_("New (Ctrl+N)"), bootstyle="success", command=self.new_record)
        self.new_button.pack(side="right")
        ttk.Button(header, text=_("Export to Excel…"), bootstyle="secondary-outline", command=self.export).pack(side="right", padx=8)

        editor = self._build_editor(self)
        editor.pack(side="right", fill="y")
        ttk.Separator(self, orient="vertical").pack(side="right", fill="y", padx=(12, 0))
        self.table = DataTable(self, catalog.columns, catalog.list_page, catalog.filters, on_select=self._on_select, on_open=self._open)
        self.table.pack(side="left", fill="both", expand=True)
        self.table.refresh()
        self.new_record(ask=False)
        self._apply_rights()

    def _apply_rights(self) -> None:
        """A viewer's buttons are off (the services refuse anyway; this spares a click and an error)."""
        editable = authority.allowed("edit")
        for button in (self.new_button, self.save_button):
            button.configure(state="normal" if editable else "disabled")
        if not authority.allowed("delete"):
            self.delete_button.configure(state="disabled")

    def _build_editor(self, master: tk.Misc) -> ttk.Frame:
        editor = ttk.Frame(master, padding=(12, 0, 0, 0), width=EDITOR_WIDTH)
        editor.pack_propagate(False)  # a fixed width: the table takes what is left
        self.editor_title = ttk.Label(editor, text="", font=("TkHeadingFont", 12, "bold"), wraplength=EDITOR_WIDTH - 30, justify="left")
        self.editor_title.pack(anchor="w", pady=(0, 6))
        buttons = ttk.Frame(editor)
        buttons.pack(side="bottom", fill="x", pady=(8, 0))
        self.save_button = ttk.Button(buttons, text=_("Save (Ctrl+S)"), bootstyle="primary", command=self.save_record)
        self.save_button.pack(side="left")
        self.delete_button = ttk.Button(buttons, text=_("Delete"), bootstyle="danger-outline", command=self.delete_record)
        self.delete_button.pack(side="left", padx=8)
        self.status = ttk.Label(editor, text="", wraplength=420, justify="left")
        self.status.pack(side="bottom", anchor="w", fill="x")
        scroller = ScrolledFrame(editor, auto_hide=True)
        scroller.pack(fill="both", expand=True)
        self.form = FormView(scroller, self.catalog.fields, wrap=EDITOR_WIDTH - 60)
        self.form.pack(fill="both", expand=True, padx=(0, 14))
        return editor

    # --- actions --------------------------------------------------------------------------
    def _confirm_discard(self) -> bool:
        if not self.form.is_dirty():
            return True
        return dialogs.ask_yes_no(self, _("You have unsaved changes in this form. Discard them?"))

    def _on_select(self, record_id: str | None) -> None:
        if record_id is None or record_id == self.current_id:
            return
        if not self._confirm_discard():
            if self.current_id:
                self.table.tree.selection_set(self.current_id)
            return
        self.load(record_id)

    def _open(self, record_id: str) -> None:
        self.load(record_id)
        self.form.focus_first()

    def record_name(self) -> str:
        """How the record on the form is named in titles and questions."""
        return str(self.form.get_values().get("name", ""))

    def load(self, record_id: str) -> None:
        try:
            values = self.catalog.get(record_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.current_id = record_id
        self.form.set_values(values)
        self.editor_title.configure(text=_("Edit: {name}").format(name=self.record_name()))
        self.delete_button.configure(state="normal")
        self._apply_rights()
        self.status.configure(text="", bootstyle="default")

    def open_record(self, record_id: str) -> None:
        """Shown from elsewhere (the audit log): on the form, and selected in the list when it is on this page."""
        self.table.refresh(select=record_id)
        self.load(record_id)

    def new_record(self, ask: bool = True) -> None:
        if ask and not self._confirm_discard():
            return
        self.current_id = None
        self.form.clear()
        self.table.tree.selection_remove(*self.table.tree.selection())
        self.editor_title.configure(text=_("New: {kind}").format(kind=_(self.catalog.singular).lower()))
        self.delete_button.configure(state="disabled")
        self.status.configure(text="")
        if ask:
            self.form.focus_first()

    def save_record(self) -> bool:
        try:
            record_id = self.catalog.save(self.form.get_values(), self.current_id)
        except ValidationError as exc:
            self.form.show_errors(exc)
            count = len(exc.errors)
            self.status.configure(
                text=ngettext("Not saved: {count} field needs attention.", "Not saved: {count} fields need attention.", count).format(count=count),
                bootstyle="danger",
            )
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.table.refresh(select=record_id)
        self.load(record_id)
        self.status.configure(text=_("Saved."), bootstyle="success")
        return True

    def delete_record(self) -> None:
        if self.current_id is None:
            return
        name = self.record_name()
        if not dialogs.ask_yes_no(self, _("Delete '{name}'? Other sites will receive the deletion at the next sync.").format(name=name)):
            return
        if not password_again(self, "delete"):
            return
        try:
            self.catalog.delete(self.current_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.form.mark_clean()
        self.new_record(ask=False)
        self.table.refresh()
        self.status.configure(text=_("Deleted."), bootstyle="success")

    def export(self) -> Any:
        """The list as it is filtered and searched now, every page, to an .xlsx file."""
        from hospitaldesk.services.exports import export_list, suggested_name
        from hospitaldesk.ui.exporting import export_to_excel

        query = dataclasses.replace(self.table.query, filters=dict(self.table.query.filters))  # as shown now
        return export_to_excel(self, suggested_name(_(self.catalog.title)),
                               lambda path, rows: export_list(self.catalog, query, path, rows))

    # --- screen protocol used by the main window ------------------------------------------
    def on_show(self) -> None:
        self.form.reload_choices()
        self.table.refresh()
        self._apply_rights()

    def focus_search(self) -> None:
        self.table.focus_search()
