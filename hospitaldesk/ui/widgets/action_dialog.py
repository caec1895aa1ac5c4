"""A small modal form for one action (change a status, hold a review, sign an amendment...).

`submit(values)` does the work through a service; a ValidationError puts each
message under its field and keeps the dialog open, any other HospitalDeskError
is shown in the dialog. Nothing is half-done: the service runs in one transaction.
`extra` adds a field FormView has no kind for (several values from a list: a network's hubs)
under the form; its value goes to `submit` under its name, and its errors under it.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui.widgets.choice_list import ChoiceList
from hospitaldesk.ui.widgets.form import FormView


class ActionDialog(ttk.Toplevel):
    def __init__(self, master: tk.Misc, title: str, intro: str, specs: list[FieldSpec], values: dict[str, Any],
                 submit: Callable[[dict[str, Any]], object], ok_label: str, on_done: Callable[[], None] | None = None,
                 columns: int = 1, extra: Callable[[tk.Misc], ChoiceList] | None = None) -> None:
        super().__init__(master=master, title=title, resizable=(False, False))
        self.withdraw()
        self.transient(master.winfo_toplevel())
        self.submit_action = submit
        self.on_done = on_done
        self.result = False
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        if intro:
            ttk.Label(body, text=intro, wraplength=420 * columns, justify="left").pack(anchor="w", pady=(0, 10))
        self.form = FormView(body, specs, wrap=420 if columns == 1 else 320, columns=columns, text_height=3 if columns > 1 else 4)
        self.form.pack(fill="x")
        self.form.set_values(values)
        self.extra = extra(body) if extra is not None else None
        if self.extra is not None:
            self.extra.set_value(list(values.get(self.extra.name, [])))
            self.extra.pack(fill="x", pady=(0, 8))
        self.message = ttk.Label(body, text="", bootstyle="danger", wraplength=420, justify="left")
        self.message.pack(anchor="w", fill="x")
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(12, 0))
        ttk.Button(buttons, text=ok_label, bootstyle="primary", command=self.submit).pack(side="right")
        ttk.Button(buttons, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy).pack(side="right", padx=8)
        self.bind("<Escape>", lambda _e: self.destroy())
        self.bind("<Control-Return>", lambda _e: self.submit())
        self.update_idletasks()
        self._centre(master)
        self.deiconify()
        try:
            self.grab_set()  # modal: the list behind cannot change while the action is open
        except tk.TclError:
            pass  # not viewable yet on some window managers; the dialog still works
        self.form.focus_first()

    def _centre(self, master: tk.Misc) -> None:
        top = master.winfo_toplevel()
        x = top.winfo_rootx() + max(0, (top.winfo_width() - self.winfo_reqwidth()) // 2)
        y = top.winfo_rooty() + max(0, (top.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")

    def submit(self) -> bool:
        values = self.form.get_values()
        extra = self.extra.name if self.extra is not None else None
        if self.extra is not None:
            values[self.extra.name] = self.extra.value()
            self.extra.show_error("")
        try:
            self.submit_action(values)
        except ValidationError as exc:
            self.form.show_errors(exc)
            if self.extra is not None:
                self.extra.show_error("\n".join(e.message for e in exc.errors if e.field == extra))
            unplaced = [e.describe() for e in exc.errors if e.field not in self.form.inputs and e.field != extra]
            self.message.configure(text="\n".join(unplaced))
            return False
        except HospitalDeskError as exc:
            self.message.configure(text=exc.message)
            return False
        self.result = True
        self.destroy()
        if self.on_done is not None:
            self.on_done()
        return True
