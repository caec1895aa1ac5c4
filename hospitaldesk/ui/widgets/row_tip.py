"""The whole row of a list under the mouse, in a small window beside it, when a cell is cut: long Vietnamese
names of techniques and hospitals do not fit a 1366-pixel screen's columns."""
from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from typing import Any

import ttkbootstrap as ttk

DELAY_MS = 400
WRAP = 520


class RowTip:
    def __init__(self, tree: ttk.Treeview) -> None:
        self.tree = tree
        self.window: tk.Toplevel | None = None
        self.row = ""
        self.job: str | None = None
        self.font = tkfont.nametofont("TkDefaultFont")
        tree.bind("<Motion>", self._moved, add="+")
        tree.bind("<Leave>", lambda _e: self.hide(), add="+")
        tree.bind("<ButtonPress>", lambda _e: self.hide(), add="+")

    def text_of(self, row: str) -> str:
        """The row's cells, one per line with their heading, when one of them is wider than its column; "" otherwise."""
        columns = list(self.tree.cget("columns"))
        values = list(self.tree.item(row, "values"))
        cut = any(self.font.measure(str(value)) > int(self.tree.column(column, "width")) - 8
                  for column, value in zip(columns, values))
        if not cut:
            return ""
        return "\n".join(f"{self.tree.heading(column, 'text')}: {value}" for column, value in zip(columns, values) if str(value))

    def _moved(self, event: Any) -> None:
        row = self.tree.identify_row(event.y)
        if row == self.row:
            return
        self.hide()
        self.row = row
        if row:
            self.job = self.tree.after(DELAY_MS, lambda: self.show(row, event.x_root, event.y_root))

    def show(self, row: str, x: int, y: int) -> None:
        self.job = None
        text = self.text_of(row) if self.tree.exists(row) else ""
        if not text:
            return
        self.window = tk.Toplevel(self.tree)
        self.window.wm_overrideredirect(True)
        ttk.Label(self.window, text=text, justify="left", wraplength=WRAP, padding=6, bootstyle="@secondary").pack()
        self.window.update_idletasks()
        width, height = self.window.winfo_reqwidth(), self.window.winfo_reqheight()
        screen_w, screen_h = self.tree.winfo_screenwidth(), self.tree.winfo_screenheight()
        left = min(x + 16, screen_w - width - 4)  # kept on the screen, near the right edge too
        top = y + 12 if y + 12 + height < screen_h else y - height - 8
        self.window.wm_geometry(f"+{max(left, 0)}+{max(top, 0)}")

    def hide(self) -> None:
        if self.job is not None:
            self.tree.after_cancel(self.job)
            self.job = None
        if self.window is not None:
            self.window.destroy()
            self.window = None
        self.row = ""
