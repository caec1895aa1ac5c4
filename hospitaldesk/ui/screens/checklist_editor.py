"""Readiness checklists: choose a technique, edit the items an assessment of it answers, save.

The checklist is read and written through services.readiness_templates. Saving a version
that a finished assessment used makes the next version, so that assessment keeps its list.
"""
from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _, ngettext
from hospitaldesk.services import agreements, readiness_templates
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.form import ChoiceBox
from hospitaldesk.ui.widgets.lines_editor import LinesEditor, LineTexts

# (key, heading msgid, width) of the items table; "code" is given by the service on save.
COLUMNS: list[tuple[str, str, int]] = [
    ("code", N_("Code"), 60),
    ("text", N_("Item"), 300),
    ("domain", N_("Domain"), 150),
    ("quantity", N_("Quantity"), 74),  # wide enough for the Vietnamese headings ("Thiết yếu", "Trọng số")
    ("critical", N_("Critical"), 80),
    ("weight", N_("Weight"), 76),
]
ITEM_TEXTS = LineTexts(
    title=N_("Item details"),
    add=N_("Add as new item"),
    update=N_("Update selected item"),
    key_missing=N_("Write the item first."),
    select_first=N_("Select an item in the table first."),
)
NEW_ITEM = {"quantity": "1", "weight": "1"}
TECHNIQUE = FieldSpec("technique", N_("Technique"), "choice", required=True, choices=agreements.technique_choices)
CHOOSE_DELAY_MS = 300  # type-ahead walks through techniques: load the one it stops on


class ChecklistEditor(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=8)
        self.technique_id = ""
        self.template_id = ""
        self.version = 0
        self._snapshot: list[dict[str, Any]] = []
        self._choose_job: str | None = None
        # No big title: the editor sits in the Readiness screen's "Checklists" tab, which names it.
        ttk.Label(self, text=_("The items an assessment of the technique answers. A version that a finished assessment "
                               "used is kept as it was: saving changes to it makes the next version."),
                  bootstyle="secondary", wraplength=1000, justify="left").pack(fill="x", pady=(0, 8))
        self.chooser = chooser = ttk.Frame(self)
        chooser.pack(fill="x", pady=(0, 8))
        ttk.Label(chooser, text=_("Technique") + " *").pack(side="left")
        self.technique_box = ChoiceBox(chooser, TECHNIQUE, width=58)
        self.technique_box.pack(side="left", padx=(6, 12))
        self.technique_box.bind("<<ComboboxSelected>>", lambda _e: self._technique_picked(), add="+")
        self.version_label = ttk.Label(chooser, text="", font=("TkDefaultFont", 10, "bold"))
        self.version_label.pack(side="left")
        self.count_label = ttk.Label(chooser, text="", bootstyle="secondary")
        self.count_label.pack(side="left", padx=(12, 0))
        self.status = ttk.Label(self, text="", justify="left", wraplength=1000)
        self.status.pack(side="bottom", fill="x", pady=(6, 0))
        self.lines = LinesEditor(self, readiness_templates.ITEM_FIELDS, on_change=self._show_count, columns=COLUMNS,
                                 key_field="text", texts=ITEM_TEXTS, form_width=380)
        self.lines.pack(fill="both", expand=True)
        # Made last (Tab reaches Save after the item form), shown beside the technique.
        self.save_button = ttk.Button(self, text=_("Save (Ctrl+S)"), bootstyle="primary", command=self.save_record, state=edit_state())
        self.save_button.pack(in_=chooser, side="right")
        self._show_empty()

    # --- choosing a technique -----------------------------------------------------------------
    def _technique_picked(self) -> None:
        if self._choose_job is not None:
            self.after_cancel(self._choose_job)
        self._choose_job = self.after(CHOOSE_DELAY_MS, self._choose_picked)

    def _choose_picked(self) -> None:
        self._choose_job = None
        self.choose_technique(self.technique_box.value())

    def choose_technique(self, technique_id: str) -> bool:
        """Show another technique's checklist, asking first when changes would be lost. True when shown."""
        if not technique_id or technique_id == self.technique_id:
            return technique_id == self.technique_id
        if self.is_dirty() and not dialogs.ask_yes_no(self, _("You have unsaved changes in this checklist. Discard them?")):
            self.technique_box.set_value(self.technique_id)
            return False
        return self.load(technique_id)

    def load(self, technique_id: str) -> bool:
        try:
            data = readiness_templates.get(technique_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            self.technique_box.set_value(self.technique_id)
            return False
        self.technique_id, self.template_id, self.version = technique_id, str(data["id"]), int(data["version"])
        self.technique_box.set_value(technique_id)
        self.lines.set_lines(data["items"])
        self._new_item_form()
        self._snapshot = self.lines.get_lines()
        if self.version:
            self.version_label.configure(text=_("Version {n}").format(n=self.version), bootstyle="default")
        else:
            self.version_label.configure(text=_("No checklist yet: add its items, then save."), bootstyle="warning")
        self._show_count()
        self.say("")
        return True

    def _new_item_form(self) -> None:
        """The item form ready for a new item: quantity and weight at their usual 1."""
        self.lines.form.set_values(NEW_ITEM)
        self.lines.form.mark_clean()

    def _show_empty(self) -> None:
        self.version_label.configure(text=_("Choose a technique to see its checklist."), bootstyle="secondary")
        self.count_label.configure(text="")

    def _show_count(self) -> None:
        items = self.lines.lines
        critical = sum(1 for item in items if item.get("critical") in (True, "1", "true"))
        text = ngettext("{count} item", "{count} items", len(items)).format(count=len(items))
        if critical:
            text += " · " + ngettext("{count} critical", "{count} critical", critical).format(count=critical)
        self.count_label.configure(text=text)

    # --- saving -------------------------------------------------------------------------------
    def say(self, message: str, style: str = "default") -> None:
        self.status.configure(text=message, bootstyle=style)

    def is_dirty(self) -> bool:
        return bool(self.technique_id) and (self.lines.get_lines() != self._snapshot or self.lines.pending())

    def save_record(self) -> bool:
        if not self.technique_id:
            self.say(_("Choose a technique first."), "danger")
            self.technique_box.focus_set()
            return False
        if self.lines.pending():
            self.say(_("The item you typed is not in the table yet: press 'Add as new item' or 'Update selected item', then save."),
                     "danger")
            return False
        before = self.version
        try:
            readiness_templates.save(self.technique_id, self.lines.get_lines())
        except ValidationError as exc:
            self.lines.show_errors([e for e in exc.errors if e.row is not None])
            count = len(exc.errors)
            summary = ngettext("Not saved: {count} field needs attention.", "Not saved: {count} fields need attention.", count)
            lines = [summary.format(count=count)] + [e.describe() for e in exc.errors if e.row is None]
            self.say("\n".join(lines), "danger")
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.load(self.technique_id)
        if before and self.version > before:
            self.say(_("Saved as version {n}: finished assessments keep the version they used.").format(n=self.version), "success")
        else:
            self.say(_("Saved."), "success")
        return True

    # --- screen protocol used by the main window ----------------------------------------------
    @property
    def form(self) -> "ChecklistEditor":
        """What the main window asks about unsaved changes before quitting (it calls is_dirty())."""
        return self

    def on_show(self) -> None:
        self.technique_box.reload()
        self.lines.reload_choices()
        if self.technique_id and not self.is_dirty():
            self.load(self.technique_id)

    def focus_search(self) -> None:
        self.technique_box.focus_set()
