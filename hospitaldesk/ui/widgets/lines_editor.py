"""Rows edited in memory: a table, and a form for the selected row.

Built for the technique lines of a contract or an amendment (the defaults), and reused
for other lists of rows (a readiness checklist's items) by passing `columns`, `key_field`
and `texts`. Rows are plain dicts of form values, saved with their parent record in one
transaction by the service; this widget only keeps the list.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ttkbootstrap as ttk

from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services.forms import FieldSpec, clean_value
from hospitaldesk.ui.widgets.form import FormView

COLUMNS = [("technique", 280), ("start", 90), ("end", 90), ("trainees_planned", 70), ("support_mode", 150), ("cost", 120)]
HEADINGS = {"technique": "Technique", "start": "Start", "end": "End", "trainees_planned": "Trainees",
            "support_mode": "Support mode", "cost": "Cost (VND)"}
# (key, heading msgid, width): the table of technique lines, the default.
LINE_COLUMNS: list[tuple[str, str, int]] = [(key, HEADINGS[key], width) for key, width in COLUMNS]
RIGHT_ALIGNED = ("cost", "trainees_planned")
MIN_MAIN_WIDTH = 160  # below this the widest column stops giving room and every column narrows


@dataclass(frozen=True)
class LineTexts:
    """The words of the editor (msgids, translated when shown); the defaults speak of technique lines."""

    title: str = N_("Line details")
    add: str = N_("Add as new line")
    update: str = N_("Update selected line")
    key_missing: str = N_("Choose a technique first.")
    select_first: str = N_("Select a line in the table first.")


class LinesEditor(ttk.Frame):
    def __init__(self, master: tk.Misc, specs: list[FieldSpec], on_change: Callable[[], None] | None = None,
                 columns: list[tuple[str, str, int]] | None = None, key_field: str = "technique",
                 texts: LineTexts | None = None, form_width: int = 360) -> None:
        """`columns` are (key, heading msgid, width); a row can be added once `key_field` is filled in."""
        super().__init__(master)
        self.specs = specs
        self.columns = list(columns) if columns is not None else list(LINE_COLUMNS)
        self.key_field = key_field
        self.texts = texts or LineTexts()
        self.form_width = form_width
        self.lines: list[dict[str, Any]] = []
        self.on_change = on_change
        self._labels: dict[str, dict[str, str]] = {}
        self._specs = {spec.name: spec for spec in specs}
        self._build()

    def _build(self) -> None:
        # The line form first: packed before the table, it keeps its width when space is short.
        right = ttk.Frame(self, padding=(12, 0, 0, 0), width=self.form_width)
        right.pack(side="right", fill="y")
        right.pack_propagate(False)
        ttk.Label(right, text=_(self.texts.title), font=("TkHeadingFont", 11, "bold")).pack(anchor="w", pady=(0, 4))
        from ttkbootstrap.widgets.scrolled import ScrolledFrame

        scroller = ScrolledFrame(right, auto_hide=True)
        scroller.pack(fill="both", expand=True)
        self.form = FormView(scroller, self.specs, wrap=self.form_width - 60)
        self.form.pack(fill="both", expand=True, padx=(0, 14))
        left = ttk.Frame(self)
        left.pack(side="left", fill="both", expand=True)
        # Buttons and messages first from the bottom: a short window squeezes the table, not them.
        self.message = ttk.Label(left, text="", bootstyle="danger", wraplength=640, justify="left")
        self.message.pack(side="bottom", fill="x", pady=(6, 0))
        buttons = ttk.Frame(left)
        buttons.pack(side="bottom", fill="x", pady=(6, 0))
        holder = ttk.Frame(left)
        holder.pack(side="top", fill="both", expand=True)
        self.tree = ttk.Treeview(holder, columns=[key for key, _h, _w in self.columns], show="headings", height=8, selectmode="browse")
        for key, heading, width in self.columns:
            self.tree.heading(key, text=_(heading))
            self.tree.column(key, width=width, anchor=self._anchor(key))
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._load_selected())
        self.tree.bind("<Configure>", self._fit_columns, add="+")
        ttk.Button(buttons, text=_(self.texts.add), bootstyle="success", command=self.add_line).pack(side="left")
        ttk.Button(buttons, text=_(self.texts.update), bootstyle="primary-outline", command=self.update_line).pack(side="left", padx=6)
        ttk.Button(buttons, text=_("Remove"), bootstyle="danger-outline", command=self.remove_line).pack(side="left")
        ttk.Button(buttons, text="↑", width=3, bootstyle="secondary-outline", command=lambda: self.move(-1)).pack(side="left", padx=(12, 2))
        ttk.Button(buttons, text="↓", width=3, bootstyle="secondary-outline", command=lambda: self.move(1)).pack(side="left")

    def _fit_columns(self, event: tk.Event) -> None:
        """The widest column (the technique, the item) takes the room left over, or gives it back
        first: the narrow columns (dates, numbers) stay whole and none falls off the right edge."""
        available = max(event.width - 4, 100)
        widest = max(self.columns, key=lambda column: column[2])[0]
        others = sum(width for key, _h, width in self.columns if key != widest)
        main = available - others
        scale = 1.0 if main >= MIN_MAIN_WIDTH else max(available - MIN_MAIN_WIDTH, 0) / max(others, 1)
        for key, _h, width in self.columns:
            size = max(main, MIN_MAIN_WIDTH) if key == widest else int(width * scale)
            self.tree.column(key, width=max(size, 30))

    def _anchor(self, key: str) -> Literal["w", "e", "center"]:
        spec = self._specs.get(key)
        kind = spec.kind if spec is not None else ""
        if key in RIGHT_ALIGNED or kind in ("int", "money"):
            return "e"
        return "center" if kind == "bool" else "w"

    # --- values -------------------------------------------------------------------------------
    def _label(self, name: str, value: str) -> str:
        spec = next((s for s in self.specs if s.name == name), None)
        if spec is None or spec.choices is None:
            return value
        if name not in self._labels:
            self._labels[name] = {c.value: c.label for c in spec.choices()}
        return self._labels[name].get(value, value)

    def _display(self, key: str, value: Any) -> str:
        """One cell: choices by their label, yes/no as ✓ or blank, amounts with thousands separators."""
        spec = self._specs.get(key)
        if spec is not None and spec.kind == "bool":
            return "✓" if clean_value(spec, value) else ""
        if value is None:
            return ""
        text = str(value)
        if key == "cost" or (spec is not None and spec.kind == "money"):
            digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())[:16]
            return format_number(int(digits)) if digits else ""
        return self._label(key, text)

    def set_lines(self, lines: list[dict[str, Any]]) -> None:
        self._labels.clear()
        self.lines = [dict(line) for line in lines]
        self._redraw()
        self.form.clear()
        self.message.configure(text="")

    def get_lines(self) -> list[dict[str, Any]]:
        return [dict(line) for line in self.lines]

    def _redraw(self, select: int | None = None) -> None:
        self.tree.delete(*self.tree.get_children())
        for index, line in enumerate(self.lines):
            values = [self._display(key, line.get(key, "")) for key, _h, _w in self.columns]
            self.tree.insert("", "end", iid=str(index), values=values)
        if select is not None and 0 <= select < len(self.lines):
            self.tree.selection_set(str(select))
            self.tree.see(str(select))

    def selected_index(self) -> int | None:
        selection = self.tree.selection()
        return int(selection[0]) if selection else None

    def _load_selected(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.form.set_values(self.lines[index])
            self.form.mark_clean()

    def _form_line(self) -> dict[str, Any] | None:
        values = self.form.get_values()
        if not str(values.get(self.key_field, "")).strip():
            self.message.configure(text=_(self.texts.key_missing))
            return None
        self.message.configure(text="")
        return values

    def add_line(self) -> None:
        values = self._form_line()
        if values is None:
            return
        values["id"] = ""
        self.lines.append(values)
        self._changed(len(self.lines) - 1)

    def update_line(self) -> None:
        index = self.selected_index()
        values = self._form_line()
        if index is None or values is None:
            if index is None:
                self.message.configure(text=_(self.texts.select_first))
            return
        keep = {k: v for k, v in self.lines[index].items() if k not in values}
        self.lines[index] = {**keep, **values}
        self._changed(index)

    def remove_line(self) -> None:
        index = self.selected_index()
        if index is None:
            return
        del self.lines[index]
        self.form.clear()
        self._changed(min(index, len(self.lines) - 1) if self.lines else None)

    def move(self, step: int) -> None:
        index = self.selected_index()
        if index is None or not 0 <= index + step < len(self.lines):
            return
        self.lines[index], self.lines[index + step] = self.lines[index + step], self.lines[index]
        self._changed(index + step)

    def _changed(self, select: int | None) -> None:
        self._redraw(select)
        if self.on_change is not None:
            self.on_change()

    def pending(self) -> bool:
        """Line details typed in the form but neither added nor applied to the selected line."""
        values = self.form.get_values()
        if not str(values.get(self.key_field, "")).strip():
            return False
        index = self.selected_index()
        if index is None:
            return True
        return any(str(self.lines[index].get(k, "")) != str(v) for k, v in values.items())

    def show_errors(self, errors: list[FieldError]) -> None:
        """Row errors from the service: listed here, the first bad row selected and its fields marked."""
        rows = [e for e in errors if e.row is not None]
        self.message.configure(text="\n".join(e.describe() for e in rows[:6]))
        if rows:
            first = rows[0].row
            assert first is not None
            self._redraw(first - 1)
            self._load_selected()
            self.form.show_errors(ValidationError([FieldError(e.field, e.label, e.message) for e in rows if e.row == first]))

    def reload_choices(self) -> None:
        self._labels.clear()
        self.form.reload_choices()
        self._redraw()

