"""Treeview columns that show their whole heading: Vietnamese headings ("Đang làm việc",
"Số ngày còn lại") are longer than the English ones the widths were first chosen for."""
from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from typing import Literal

from hospitaldesk.i18n import _
from hospitaldesk.ui.widgets.row_tip import RowTip

from ttkbootstrap import Frame, Scrollbar, Treeview

HEADING_PADDING = 18  # the heading's own padding and a sort arrow's room

Anchor = Literal["w", "e", "center"]


def heading_width(widget: tk.Misc, text: str) -> int:
    try:
        font = tkfont.nametofont("TkHeadingFont", root=widget)
    except tk.TclError:
        font = tkfont.nametofont("TkDefaultFont", root=widget)
    return font.measure(text) + HEADING_PADDING


def set_column(tree: Treeview, key: str, heading: str, width: int, anchor: Anchor = "w", stretch: bool = False) -> int:
    """Set a column's heading and width, widened to its heading when that is longer; returns the width used.
    A column that does not stretch also keeps that width as its minimum, so it is never cut."""
    width = max(width, heading_width(tree, heading))
    tree.heading(key, text=heading)
    tree.column(key, width=width, anchor=anchor, stretch=stretch, minwidth=60 if stretch else width)
    return width


def scrolled_tree(master: tk.Misc, columns: list[tuple[str, str, int, str]], height: int, expand: bool = True) -> Treeview:
    """A read-only list: headings, a vertical scroll bar, numbers on the right, names stretching, red rows tagged "risk".
    `expand=False`: it keeps its `height` in rows and leaves the rest of the room to what is packed after it."""
    holder = Frame(master)
    holder.pack(fill="both" if expand else "x", expand=expand)
    tree = Treeview(holder, columns=[c[0] for c in columns], show="headings", height=height, selectmode="browse")
    for key, heading, width, anchor in columns:
        set_column(tree, key, _(heading), width, "e" if anchor == "e" else "w", stretch=anchor == "w")
    scroll = Scrollbar(holder, orient="vertical", command=tree.yview)
    tree.configure(yscrollcommand=scroll.set)
    scroll.pack(side="right", fill="y")
    tree.pack(side="left", fill="both", expand=True)
    tree.tag_configure("risk", foreground="#b02a37")
    RowTip(tree)  # a cut cell shows the whole row on hover (kept alive by its bindings)
    return tree
