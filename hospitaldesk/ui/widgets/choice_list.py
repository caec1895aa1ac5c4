"""Several values chosen from a list (a network's hubs): a list box where a click chooses or unchooses a
row, how many are chosen, and the field's error under it as FormView shows one."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from hospitaldesk.i18n import _, ngettext
from hospitaldesk.services.forms import Choice


class ChoiceList(ttk.Frame):
    def __init__(self, master: tk.Misc, name: str, label: str, choices: list[Choice], height: int = 7, hint: str = "") -> None:
        super().__init__(master)
        self.name = name
        self.choices = choices
        ttk.Label(self, text=label).pack(anchor="w")
        holder = ttk.Frame(self)
        holder.pack(fill="x", pady=(2, 0))
        self.listbox = tk.Listbox(holder, selectmode="multiple", exportselection=False, height=height, activestyle="none")
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.listbox.yview)
        self.listbox.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.listbox.pack(side="left", fill="x", expand=True)
        for choice in choices:
            self.listbox.insert("end", choice.label)
        self.listbox.bind("<<ListboxSelect>>", lambda _e: self._count(), add="+")
        self.count_label = ttk.Label(self, text="", bootstyle="secondary", font=("TkDefaultFont", 8))
        self.count_label.pack(anchor="w")
        self.error_label = ttk.Label(self, text="", bootstyle="danger", wraplength=420, justify="left")
        if hint:
            ttk.Label(self, text=hint, bootstyle="secondary", wraplength=420, justify="left", font=("TkDefaultFont", 8)).pack(anchor="w")
        self._count()

    def value(self) -> list[str]:
        return [self.choices[int(index)].value for index in self.listbox.curselection()]

    def set_value(self, values: list[str]) -> None:
        self.listbox.selection_clear(0, "end")
        for index, choice in enumerate(self.choices):
            if choice.value in values:
                self.listbox.selection_set(index)
        if values:
            first = min((i for i, c in enumerate(self.choices) if c.value in values), default=0)
            self.listbox.see(first)
        self._count()

    def choose(self, value: str) -> None:
        """Choose one more row, as a click does."""
        self.set_value([*self.value(), value])

    def _count(self) -> None:
        count = len(self.listbox.curselection())
        self.count_label.configure(text=ngettext("{count} chosen (a click chooses or unchooses)",
                                                 "{count} chosen (a click chooses or unchooses)", count).format(count=count))

    def show_error(self, message: str) -> None:
        self.error_label.configure(text=message)
        if message:
            self.error_label.pack(anchor="w", after=self.count_label)
        else:
            self.error_label.pack_forget()

    def error_text(self) -> str:
        return str(self.error_label.cget("text"))
