"""A form built from the service's FieldSpecs, with inline validation.

Each field is checked when it loses focus (with the same rules the service
applies on save), and a failed save puts each message under its field.
"""
from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk import text
from hospitaldesk.errors import ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services.forms import Choice, FieldSpec, validate

EMPTY_CHOICE = Choice("", "—")


class ChoiceBox(ttk.Combobox):
    """A read-only combobox over (value, label) pairs; typing letters jumps to a matching label."""

    def __init__(self, master: tk.Misc, spec: FieldSpec, **kwargs: Any) -> None:
        super().__init__(master, state="readonly", **kwargs)
        self.spec = spec
        self.choices: list[Choice] = []
        self._typed = ""
        self._typed_job: str | None = None
        self.bind("<KeyPress>", self._type_ahead, add="+")
        self.reload()

    def reload(self) -> None:
        current = self.value()
        options = self.spec.choices() if self.spec.choices else []
        self.choices = options if self.spec.required else [EMPTY_CHOICE, *options]
        self.configure(values=[c.label for c in self.choices])
        self.set_value(current)

    def value(self) -> str:
        index = self.current()
        return self.choices[index].value if 0 <= index < len(self.choices) else ""

    def set_value(self, value: str) -> None:
        for index, choice in enumerate(self.choices):
            if choice.value == value:
                self.current(index)
                return
        self.set("")

    def _type_ahead(self, event: tk.Event) -> None:
        if not event.char or not event.char.isprintable():
            return
        self._typed += event.char
        if self._typed_job:
            self.after_cancel(self._typed_job)
        self._typed_job = self.after(900, self._reset_typed)
        wanted = text.fold(self._typed)
        for index, choice in enumerate(self.choices):
            if text.fold(choice.label).startswith(wanted):
                self.current(index)
                self.event_generate("<<ComboboxSelected>>")
                break

    def _reset_typed(self) -> None:
        self._typed, self._typed_job = "", None


class FormView(ttk.Frame):
    def __init__(self, master: tk.Misc, specs: list[FieldSpec], wrap: int = 380, text_height: int = 4, columns: int = 1) -> None:
        """`columns` > 1 fills the fields down one column, then the next (Tab follows): a long form
        in a dialog stays shorter than a 768-pixel screen."""
        super().__init__(master)
        self.specs = specs
        self.wrap = wrap
        self.text_height = text_height
        self.inputs: dict[str, Any] = {}
        self.variables: dict[str, tk.Variable] = {}
        self.error_labels: dict[str, ttk.Label] = {}
        self.column_count = max(1, columns)
        per_column = max(1, -(-len(specs) // self.column_count))
        for column in range(max(1, columns)):
            self.columnconfigure(column, weight=1, uniform="fields")
        for index, spec in enumerate(specs):
            self._add_field(index % per_column, spec, index // per_column)
        self._snapshot: dict[str, Any] = self.get_values()

    def _add_field(self, row: int, spec: FieldSpec, column: int = 0) -> None:
        """Label above the input (long Vietnamese labels need the width), then its error and hint."""
        cell = ttk.Frame(self)
        gap = 16 if column < self.column_count - 1 else 0
        cell.grid(row=row, column=column, sticky="new", pady=(0, 8), padx=(0, gap))
        cell.columnconfigure(0, weight=1)
        label = _(spec.label) + (" *" if spec.required else "")
        ttk.Label(cell, text=label).grid(row=0, column=0, sticky="w")
        widget: Any
        if spec.kind == "multiline":
            widget = ttk.Text(cell, height=self.text_height, width=40, wrap="word", undo=True)
            widget.bind("<Tab>", self._focus_next)
            widget.bind("<Shift-Tab>", self._focus_prev)
        elif spec.kind == "choice":
            widget = ChoiceBox(cell, spec)
        elif spec.kind == "bool":
            checked = tk.BooleanVar(value=False)
            self.variables[spec.name] = checked
            widget = ttk.Checkbutton(cell, variable=checked, text=_("Yes"))
        else:
            typed = tk.StringVar()
            self.variables[spec.name] = typed
            widget = ttk.Entry(cell, textvariable=typed, show="•" if spec.kind == "password" else "")
        widget.grid(row=1, column=0, sticky="ew", pady=(2, 0))
        widget.bind("<FocusOut>", lambda _e, s=spec: self.check_field(s), add="+")
        self.inputs[spec.name] = widget
        error = ttk.Label(cell, text="", bootstyle="danger", wraplength=self.wrap, justify="left")
        error.grid(row=2, column=0, sticky="w")
        error.grid_remove()  # takes no room until there is something to say
        self.error_labels[spec.name] = error
        if spec.hint:
            ttk.Label(cell, text=_(spec.hint), bootstyle="secondary", wraplength=self.wrap, justify="left", font=("TkDefaultFont", 8)).grid(row=3, column=0, sticky="w")

    @staticmethod
    def _focus_next(event: tk.Event) -> str:
        return FormView._move_focus(event.widget.tk_focusNext())

    @staticmethod
    def _focus_prev(event: tk.Event) -> str:
        return FormView._move_focus(event.widget.tk_focusPrev())

    @staticmethod
    def _move_focus(target: tk.Misc | None) -> str:
        """Tab leaves a multi-line box instead of typing a tab into it."""
        if target is not None:
            target.focus_set()
        return "break"

    # --- values ---------------------------------------------------------------------------
    def raw_value(self, spec: FieldSpec) -> Any:
        widget = self.inputs[spec.name]
        if spec.kind == "multiline":
            return widget.get("1.0", "end-1c")
        if spec.kind == "choice":
            return widget.value()
        return self.variables[spec.name].get()

    def get_values(self) -> dict[str, Any]:
        return {spec.name: self.raw_value(spec) for spec in self.specs}

    def set_values(self, values: dict[str, Any]) -> None:
        self.reload_choices()
        for spec in self.specs:
            value = values.get(spec.name, False if spec.kind == "bool" else "")
            widget = self.inputs[spec.name]
            if spec.kind == "multiline":
                widget.delete("1.0", "end")
                widget.insert("1.0", value)
                widget.edit_reset()
            elif spec.kind == "choice":
                widget.set_value(str(value))
            else:
                self.variables[spec.name].set(value)
        self.clear_errors()
        self._snapshot = self.get_values()

    def clear(self) -> None:
        self.set_values({})

    def reload_choices(self) -> None:
        for spec in self.specs:
            if spec.kind == "choice":
                self.inputs[spec.name].reload()

    def is_dirty(self) -> bool:
        return self.get_values() != self._snapshot

    def mark_clean(self) -> None:
        self._snapshot = self.get_values()

    def set_enabled(self, enabled: bool) -> None:
        """Every input on or off (off while what it shows is being reloaded, so nothing typed is overwritten)."""
        for spec in self.specs:
            widget = self.inputs[spec.name]
            if spec.kind == "choice":
                widget.configure(state="readonly" if enabled else "disabled")
            else:
                widget.configure(state="normal" if enabled else "disabled")

    def focus_first(self) -> None:
        if self.specs:
            self.inputs[self.specs[0].name].focus_set()

    # --- errors ---------------------------------------------------------------------------
    def check_field(self, spec: FieldSpec) -> bool:
        try:
            validate([spec], {spec.name: self.raw_value(spec)})
        except ValidationError as exc:
            self._set_error(spec.name, exc.errors[0].message)
            return False
        self._set_error(spec.name, "")
        return True

    def _set_error(self, name: str, message: str) -> None:
        label = self.error_labels[name]
        label.configure(text=message)
        if message:
            label.grid()
        else:
            label.grid_remove()

    def show_errors(self, error: ValidationError) -> None:
        self.clear_errors()
        first: str | None = None
        for item in error.errors:
            if item.field in self.error_labels:
                self._set_error(item.field, item.message)
                first = first or item.field
        if first:
            self.inputs[first].focus_set()

    def clear_errors(self) -> None:
        for name in self.error_labels:
            self._set_error(name, "")

    def error_text(self, name: str) -> str:
        return str(self.error_labels[name].cget("text"))
