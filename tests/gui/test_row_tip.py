"""A cut cell shows its whole row on hover (ui/widgets/row_tip.py)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.gui.support import pump

pytestmark = pytest.mark.gui


def test_a_cut_row_is_shown_whole_and_a_short_one_is_not(root: Any) -> None:
    import ttkbootstrap as ttk

    from hospitaldesk.ui.widgets.row_tip import RowTip

    frame = ttk.Frame(root)
    frame.pack()
    try:
        tree = ttk.Treeview(frame, columns=("name", "place"), show="headings")
        tree.heading("name", text="Kỹ thuật")
        tree.heading("place", text="Cơ sở")
        tree.column("name", width=120)
        tree.column("place", width=120)
        tree.pack()
        tree.insert("", "end", iid="long", values=("Trao đổi oxy qua màng ngoài cơ thể (ECMO) ở trẻ em", "BV Nhi Đồng 1"))
        tree.insert("", "end", iid="short", values=("PCI", "BV 115"))
        tip = RowTip(tree)
        pump(root)
        assert tip.text_of("long") == "Kỹ thuật: Trao đổi oxy qua màng ngoài cơ thể (ECMO) ở trẻ em\nCơ sở: BV Nhi Đồng 1"
        assert tip.text_of("short") == ""
        tip.show("long", 100, 100)
        assert tip.window is not None and tip.window.winfo_exists()
        tip.hide()
        assert tip.window is None
        tip.show("short", 100, 100)
        assert tip.window is None  # nothing cut: no window
    finally:
        frame.destroy()
