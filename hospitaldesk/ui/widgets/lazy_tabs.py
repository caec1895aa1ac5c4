"""A notebook whose tabs are built when first opened (a screen opens fast, and a tab nobody looks at
costs nothing); each built view's on_show() runs whenever its tab is shown again."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk


class LazyTabs(ttk.Notebook):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.views: dict[int, Any] = {}
        self._builders: dict[int, tuple[str, Callable[[tk.Misc], Any]]] = {}
        self.bind("<<NotebookTabChanged>>", lambda _e: self._changed(), add="+")

    def add_lazy(self, title: str, build: Callable[[tk.Misc], Any]) -> None:
        """A tab whose view `build(self)` makes on first opening (a frame with on_show())."""
        self._builders[len(self.tabs())] = (title, build)
        self.add(ttk.Frame(self), text=title)

    def open(self, index: int) -> Any:
        """Show a tab, building it the first time; its view."""
        if index in self._builders:
            self._build(index)
        else:
            self.select(index)
        return self.views.get(index)

    def current_view(self) -> Any:
        return self.views.get(self.index("current"))

    def _build(self, index: int) -> None:
        title, build = self._builders.pop(index)
        view = build(self)
        placeholder = self.tabs()[index]
        self.insert(index, view, text=title)
        self.forget(placeholder)
        self.views[index] = view
        self.select(index)

    def _changed(self) -> None:
        index = self.index("current")
        if index in self._builders:
            self._build(index)
        view = self.views.get(index)
        if view is not None and hasattr(view, "on_show"):
            view.on_show()
