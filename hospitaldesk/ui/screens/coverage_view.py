"""Which delta provinces can reach a technique without going to HCMC: the map (widgets/coverage_map.py)
and, beside it, the same facts as a table, so they read without colour too. Hovering or clicking a
province names the hospitals that give it access."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import networks
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.services.network_rules import ProvinceAccess
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.widgets.coverage_map import CoverageMap, access_label
from hospitaldesk.ui.widgets.form import ChoiceBox
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

TECHNIQUE = FieldSpec("technique", N_("Technique"), "choice", required=True, choices=networks.coverage_technique_choices)
TABLE_COLOURS = {"here": "#146c43", "near": "#6f5200", "none": "#b02a37"}  # dark enough on white
COLUMNS = [("province", N_("Province"), 215, "w"), ("access", N_("Access"), 130, "c"), ("offered_by", N_("Offered by"), 200, "w")]


class CoverageView(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=8)
        self.rows: dict[str, ProvinceAccess] = {}
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        ttk.Label(bar, text=_("Technique")).pack(side="left")
        self.technique_box = ChoiceBox(bar, TECHNIQUE, width=56)
        self.technique_box.pack(side="left", padx=(6, 12))
        self.technique_box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        self.summary = ttk.Label(bar, text="", font=("TkDefaultFont", 10, "bold"))
        self.summary.pack(side="left")
        ttk.Label(self, text=_("The 13 delta provinces as the networks were planned (before the 2025 merger). A province has access when a "
                               "member hospital offers the technique in it or in a neighbouring province; a province merged into another "
                               "counts as that one."), bootstyle="secondary", wraplength=1060, justify="left").pack(anchor="w", pady=(0, 6))
        self.detail = ttk.Label(self, text=_("Point at a province to see which hospitals give it access."), justify="left",
                                wraplength=1060)
        self.detail.pack(side="bottom", anchor="w", fill="x", pady=(6, 0))
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.map = CoverageMap(body, on_pick=self.pick, width=540, height=440)
        self.map.pack(side="left", fill="y")
        right = ttk.Frame(body)
        right.pack(side="left", fill="both", expand=True, padx=(12, 0))
        self.tree = scrolled_tree(right, COLUMNS, 14)
        for level, colour in TABLE_COLOURS.items():
            self.tree.tag_configure(level, foreground=colour)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._table_picked())
        choices = self.technique_box.choices
        if choices:
            self.technique_box.set_value(choices[0].value)
        self.refresh()

    def technique(self) -> str:
        return self.technique_box.value()

    def refresh(self) -> None:
        technique = self.technique()
        try:
            rows = networks.technique_coverage(technique) if technique else []
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.rows = {row.code: row for row in rows}
        self.tree.delete(*self.tree.get_children())
        for row in rows:
            self.tree.insert("", "end", iid=row.code, tags=(row.level,),
                             values=(row.province, access_label(row.level, short=True), "; ".join(row.offered_by) or "—"))
        self.map.show(rows)
        lacking = sum(1 for row in rows if not row.access)
        self.summary.configure(text=_("{count} of {total} provinces without access").format(count=lacking, total=len(rows)),
                               bootstyle="danger" if lacking else "success")

    def pick(self, code: str, hover: bool = False) -> None:
        """A province pointed at (hover) or chosen (a click): say who gives it access; a click also selects its row."""
        row = self.rows.get(code)
        if row is None:
            self.detail.configure(text=_("Ho Chi Minh City: the hubs. Sending a patient there is the referral the networks are there "
                                         "to avoid, so a hub gives no delta province access."))
            return
        if row.offered_by:
            text = _("{province}: {access}. Offered by {hospitals}.").format(
                province=row.province, access=access_label(row.level), hospitals="; ".join(row.offered_by))
        else:
            text = _("{province}: no member hospital offers it in the province or a neighbour.").format(province=row.province)
        self.detail.configure(text=text)
        if not hover and self.tree.selection() != (code,):
            self.tree.selection_set(code)
            self.tree.see(code)

    def _table_picked(self) -> None:
        selection = self.tree.selection()
        if selection:
            self.map.choose(str(selection[0]))
            self.pick(str(selection[0]), hover=True)

    # --- view protocol (the networks screen's tabs) ------------------------------------------------
    def on_show(self) -> None:
        self.technique_box.reload()
        self.refresh()

    def new_record(self) -> None:
        return None
