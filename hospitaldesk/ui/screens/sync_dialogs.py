"""The Sync screen's dialogs: what a bundle would change (before anything is written), and the
fingerprint check before trusting a site. Neither waits modally, so tests can drive them."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services.sync import identity, importing
from hospitaldesk.ui.screens.audit import local_time
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

PREVIEW_COLUMNS = [("table", N_("Table"), 200, "w"), ("new", N_("New"), 80, "e"), ("updated", N_("Updated"), 90, "e"),
                   ("deleted", N_("Deleted"), 80, "e"), ("conflicts", N_("Conflicts"), 90, "e"), ("unchanged", N_("Unchanged"), 100, "e")]


class PreviewDialog(ttk.Toplevel):
    """The per-table preview of an import; Import runs `on_confirm`, Cancel closes with nothing written."""

    def __init__(self, master: tk.Misc, result: importing.ImportResult, on_confirm: Callable[[], object]) -> None:
        super().__init__(title=_("Import a bundle"), transient=master, minsize=(640, 300))
        self.on_confirm = on_confirm
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=_("From {name}, made {when}.").format(name=result.sender.name, when=local_time(result.created_at)),
                  font=("TkDefaultFont", 10, "bold")).pack(anchor="w")
        ttk.Label(body, text=_("Fingerprint: {fingerprint}").format(fingerprint=result.sender.fingerprint), bootstyle="secondary").pack(anchor="w", pady=(2, 8))
        self.tree = scrolled_tree(body, PREVIEW_COLUMNS, min(12, max(3, len(result.tables))))
        for table, changes in result.tables.items():
            self.tree.insert("", "end", iid=table, values=(importing.table_label(table),
                                                           *(format_number(v) for v in changes.as_dict().values())))
        totals = result.totals()
        if totals.conflicts:
            note, style = _("{count} record(s) were changed here and there at once: both versions are kept and you decide in the Conflicts tab.").format(
                count=format_number(totals.conflicts)), "warning"
        elif totals.new + totals.updated + totals.deleted == 0:
            note, style = _("Nothing new: this site already has everything in the bundle."), "secondary"
        else:
            note, style = _("Nothing has been written yet. Import takes everything in at once, or nothing."), "secondary"
        if result.missed_warning:
            note, style = result.missed_warning + "\n" + note, "warning"
        self.note = ttk.Label(body, text=note, bootstyle=style, wraplength=600)
        self.note.pack(anchor="w", pady=(8, 8))
        buttons = ttk.Frame(body)
        buttons.pack(fill="x")
        self.import_button = ttk.Button(buttons, text=_("Import"), bootstyle="primary", command=self.confirm)
        self.import_button.pack(side="right")
        ttk.Button(buttons, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy).pack(side="right", padx=8)
        self.bind("<Escape>", lambda _e: self.destroy())
        self.place_window_center()

    def confirm(self) -> None:
        self.destroy()
        self.on_confirm()


class FingerprintDialog(ttk.Toplevel):
    """Before trusting a site: its fingerprint, large, to compare digit by digit with what they read out."""

    def __init__(self, master: tk.Misc, sender: identity.Identity, intro: str, on_match: Callable[[], object]) -> None:
        super().__init__(title=_("Trust a site"), transient=master, resizable=(False, False))
        self.on_match = on_match
        body = ttk.Frame(self, padding=20)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=intro, wraplength=520).pack(anchor="w")
        ttk.Label(body, text=sender.name, font=("TkHeadingFont", 13, "bold")).pack(anchor="w", pady=(12, 2))
        ttk.Label(body, text=sender.fingerprint, font=("TkFixedFont", 16, "bold"), bootstyle="primary").pack(anchor="w", pady=(0, 12))
        ttk.Label(body, text=_("Call the site and ask them to read the fingerprint shown in their Settings or Sync screen. "
                               "Trust it only if every digit matches."), wraplength=520, bootstyle="secondary").pack(anchor="w")
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(16, 0))
        self.match_button = ttk.Button(buttons, text=_("The digits match: trust this site"), bootstyle="primary", command=self.match)
        self.match_button.pack(side="right")
        ttk.Button(buttons, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy).pack(side="right", padx=8)
        self.bind("<Escape>", lambda _e: self.destroy())
        self.place_window_center()

    def match(self) -> None:
        self.destroy()
        self.on_match()
