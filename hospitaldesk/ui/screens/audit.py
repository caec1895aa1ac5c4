"""The audit log: who changed what and when, filtered by user, record and days; the changes of the
chosen entry in full; and the check of the hash chain."""
from __future__ import annotations

import datetime as dt
import json
import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_date, parse_date
from hospitaldesk.services import audit_log
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

COLUMNS = [("seq", N_("No."), 60, "e"), ("at", N_("Time"), 150, "c"), ("user", N_("User"), 110, "c"),
           ("action", N_("Action"), 130, "c"), ("table", N_("Table"), 130, "c"), ("summary", N_("What changed"), 360, "w")]
# The screens a record can be opened in, by table (the others are shown here in full).
OPENABLE = {"agreement": "agreements", "staff": "staff", "facility": "facilities", "technique": "techniques"}


def local_time(utc_iso: str) -> str:
    """'2026-12-03T08:15:02.123Z' as this PC's local time: 03/12/2026 15:15."""
    moment = dt.datetime.fromisoformat(utc_iso.rstrip("Z")).replace(tzinfo=dt.timezone.utc).astimezone()
    return f"{format_date(moment.date())} {moment:%H:%M}"


def summary(entry: audit_log.Entry) -> str:
    """The fields an entry touched, with the new value of a change: 'phone: 0912…, department: Khoa Nhi'."""
    parts = []
    for name, value in entry.changes.items():
        if entry.action == "insert" and value in (None, "", 0, False) and name != "quantity":
            continue  # a new record's empty fields and "not deleted" say nothing
        shown = value[1] if entry.action in ("update", "delete", "restore") and isinstance(value, list) and len(value) == 2 else value
        parts.append(f"{name}: {shown}")
    return ", ".join(parts)[:300]


class AuditScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, open_record: Callable[[str, str], None]) -> None:
        super().__init__(master, padding=12)
        self.open_record = open_record
        self.entries: dict[str, audit_log.Entry] = {}
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Audit log"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        ttk.Button(header, text=_("Verify audit log"), bootstyle="primary-outline", command=self.verify).pack(side="right")
        self.verdict = ttk.Label(self, text="", wraplength=1050, justify="left")
        self.verdict.pack(anchor="w", pady=(0, 6))
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        self.user_var, self.record_var, self.since_var, self.until_var = (tk.StringVar() for _n in range(4))
        for label, variable, width in ((_("User"), self.user_var, 14), (_("Record id"), self.record_var, 34),
                                       (_("From"), self.since_var, 11), (_("To"), self.until_var, 11)):
            ttk.Label(bar, text=label).pack(side="left")
            entry = ttk.Entry(bar, textvariable=variable, width=width)
            entry.pack(side="left", padx=(4, 12))
            entry.bind("<Return>", lambda _e: self.refresh())
        ttk.Button(bar, text=_("Show"), bootstyle="secondary", command=self.refresh).pack(side="left")
        self.tree = scrolled_tree(self, COLUMNS, 14)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self.show_details())
        self.tree.bind("<Double-1>", lambda _e: self.open_selected())
        self.details = ttk.Text(self, height=7, wrap="word")
        self.details.pack(fill="x", pady=(8, 0))
        self.open_button = ttk.Button(self, text=_("Open the record"), bootstyle="secondary-outline", command=self.open_selected)
        self.open_button.pack(anchor="e", pady=(6, 0))
        self.refresh()

    def refresh(self) -> None:
        since, until = self.since_var.get().strip(), self.until_var.get().strip()
        try:
            for typed in (since, until):
                if typed and parse_date(typed) is None:
                    raise HospitalDeskError(_("Not a date. Write it as dd/mm/yyyy, e.g. 21/07/2023."))
            found = audit_log.entries(user=self.user_var.get().strip(), record_id=self.record_var.get().strip(),
                                      since=parse_date(since) if since else None, until=parse_date(until) if until else None)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.tree.delete(*self.tree.get_children())
        self.entries = {str(e.seq): e for e in found}
        for e in found:
            self.tree.insert("", "end", iid=str(e.seq), tags=() if e.sealed else ("risk",),
                             values=(e.seq, local_time(e.at), e.actor or "—", e.action_label, e.table_label, summary(e)))
        self.show_details()

    def selected(self) -> audit_log.Entry | None:
        chosen = self.tree.selection()
        return self.entries.get(chosen[0]) if chosen else None

    def show_details(self) -> None:
        entry = self.selected()
        self.details.configure(state="normal")
        self.details.delete("1.0", "end")
        if entry is not None:
            lines = [f"{_('Record id')}: {entry.record_id or '—'}"]
            lines += [f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in entry.changes.items()]
            self.details.insert("1.0", "\n".join(lines))
        self.details.configure(state="disabled")
        can_open = entry is not None and entry.table in OPENABLE and bool(entry.record_id) and entry.action != "erase"
        self.open_button.configure(state="normal" if can_open else "disabled")

    def open_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.table in OPENABLE and entry.record_id and entry.action != "erase":
            self.open_record(OPENABLE[entry.table], entry.record_id)

    def verify(self) -> audit_log.ChainReport | None:
        try:
            report = audit_log.verify()
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return None
        self.verdict.configure(text=report.message, bootstyle="success" if report.ok else "danger")
        return report

    def on_show(self) -> None:
        self.refresh()

    def focus_search(self) -> None:
        self.tree.focus_set()
