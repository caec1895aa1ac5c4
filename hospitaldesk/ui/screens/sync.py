"""Sync: send a bundle to another site, take one in (after a preview), the history of both, the
conflicts waiting for a decision, and the trusted sites with their fingerprints."""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services import authority
from hospitaldesk.services.sync import conflicts, export, identity, importing
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import Job, Progress, run_in_thread
from hospitaldesk.ui.screens.audit import local_time
from hospitaldesk.ui.screens.sync_dialogs import FingerprintDialog, PreviewDialog
from hospitaldesk.ui.widgets.busy import BusyDialog
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

HISTORY_COLUMNS = [("when", N_("When"), 140, "w"), ("direction", N_("Sent or received"), 130, "w"), ("site", N_("Other site"), 260, "w"),
                   ("records", N_("Records"), 90, "e"), ("by", N_("By"), 110, "w"), ("file", N_("File"), 220, "w")]
CONFLICT_COLUMNS = [("table", N_("Table"), 140, "w"), ("record", N_("Which record"), 260, "w"), ("fields", N_("Fields"), 220, "w"),
                    ("shown", N_("Shown now"), 110, "w"), ("when", N_("Found on"), 140, "w")]
FIELD_COLUMNS = [("field", N_("Field"), 160, "w"), ("mine", N_("This site's version"), 260, "w"),
                 ("theirs", N_("The other site's version"), 260, "w"), ("keep", N_("Keep"), 120, "w")]
PEER_COLUMNS = [("name", N_("Site name"), 300, "w"), ("fingerprint", N_("Fingerprint"), 300, "w"), ("since", N_("Trusted since"), 140, "w")]
BUNDLE_KIND = N_("HospitalDesk sync bundle")
IDENTITY_KIND = N_("HospitalDesk site identity")


class Cancelled(Exception):
    """Raised from the import's progress callback when the user presses Cancel."""


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


class SyncScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=12)
        self.job: Job | None = None
        self.chosen: dict[str, str] = {}  # field -> "mine" | "theirs", for the conflict shown
        header = ttk.Frame(self)
        header.pack(fill="x")
        ttk.Label(header, text=_("Sync with other sites"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        ttk.Button(header, text=_("Save our identity…"), bootstyle="secondary-outline", command=self.save_identity).pack(side="right")
        self.me = ttk.Label(self, text="", bootstyle="secondary")
        self.me.pack(anchor="w", pady=(2, 8))
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True)
        self._build_exchange(ttk.Frame(self.tabs, padding=10))
        self._build_conflicts(ttk.Frame(self.tabs, padding=10))
        self._build_peers(ttk.Frame(self.tabs, padding=10))
        self.refresh()

    # --- layout ---------------------------------------------------------------------------
    def _build_exchange(self, tab: ttk.Frame) -> None:
        self.tabs.add(tab, text=_("Send and receive"))
        send = ttk.Labelframe(tab, text=_("Send"), padding=10)
        send.pack(fill="x")
        ttk.Label(send, text=_("For")).pack(side="left")
        self.peer_var = tk.StringVar()
        self.peer_box = ttk.Combobox(send, textvariable=self.peer_var, state="readonly", width=40)
        self.peer_box.pack(side="left", padx=8)
        self.full_var = tk.BooleanVar(value=False)
        ttk.Checkbutton(send, variable=self.full_var, text=_("Everything, not only the changes since the last bundle")).pack(side="left", padx=8)
        self.export_button = ttk.Button(send, text=_("Export bundle…"), bootstyle="primary", command=self.export_bundle)
        self.export_button.pack(side="right")
        receive = ttk.Labelframe(tab, text=_("Receive"), padding=10)
        receive.pack(fill="x", pady=(8, 8))
        ttk.Label(receive, text=_("A bundle from another site (.hdsync): you see what it would change before anything is written."),
                  bootstyle="secondary").pack(side="left")
        self.import_button = ttk.Button(receive, text=_("Import bundle…"), bootstyle="primary", command=self.import_bundle)
        self.import_button.pack(side="right")
        ttk.Label(tab, text=_("Bundles sent and received"), font=("TkDefaultFont", 10, "bold")).pack(anchor="w", pady=(4, 4))
        self.history = scrolled_tree(tab, HISTORY_COLUMNS, 10)

    def _build_conflicts(self, tab: ttk.Frame) -> None:
        self.conflicts_tab = tab
        self.tabs.add(tab, text=_("Conflicts"))
        ttk.Label(tab, text=_("A record changed here and at another site before either knew of the other's change. Both versions are kept; "
                              "the record shows the later one until you decide."), wraplength=1000, bootstyle="secondary").pack(anchor="w")
        self.conflict_tree = scrolled_tree(tab, CONFLICT_COLUMNS, 6)
        self.conflict_tree.bind("<<TreeviewSelect>>", lambda _e: self.show_conflict(), add="+")
        ttk.Label(tab, text=_("Click a field's line to switch which version it keeps."), bootstyle="secondary").pack(anchor="w", pady=(8, 2))
        self.field_tree = scrolled_tree(tab, FIELD_COLUMNS, 6)
        self.field_tree.bind("<ButtonRelease-1>", lambda _e: self.toggle_field(), add="+")
        self.field_tree.bind("<space>", lambda _e: self.toggle_field(), add="+")
        buttons = ttk.Frame(tab)
        buttons.pack(fill="x", pady=(8, 0))
        self.keep_chosen_button = ttk.Button(buttons, text=_("Keep as chosen"), bootstyle="primary", command=lambda: self.resolve(conflicts.BY_FIELD))
        self.keep_chosen_button.pack(side="right")
        self.keep_theirs_button = ttk.Button(buttons, text=_("Keep theirs"), bootstyle="secondary-outline", command=lambda: self.resolve(conflicts.KEEP_THEIRS))
        self.keep_theirs_button.pack(side="right", padx=8)
        self.keep_mine_button = ttk.Button(buttons, text=_("Keep mine"), bootstyle="secondary-outline", command=lambda: self.resolve(conflicts.KEEP_MINE))
        self.keep_mine_button.pack(side="right")

    def _build_peers(self, tab: ttk.Frame) -> None:
        self.tabs.add(tab, text=_("Trusted sites"))
        ttk.Label(tab, text=_("Bundles are taken in only from these sites. Add one from the identity file it gives you, after checking "
                              "its fingerprint by phone."), wraplength=1000, bootstyle="secondary").pack(anchor="w", pady=(0, 6))
        self.peer_tree = scrolled_tree(tab, PEER_COLUMNS, 8)
        buttons = ttk.Frame(tab)
        buttons.pack(fill="x", pady=(8, 0))
        self.trust_button = ttk.Button(buttons, text=_("Trust a site…"), bootstyle="primary", command=self.trust_site)
        self.trust_button.pack(side="right")
        self.forget_button = ttk.Button(buttons, text=_("Stop trusting"), bootstyle="secondary-outline", command=self.forget_site)
        self.forget_button.pack(side="right", padx=8)

    # --- contents -------------------------------------------------------------------------
    def refresh(self) -> None:
        me = identity.own_identity()
        self.me.configure(text=_("This site: {name}    Fingerprint: {fingerprint}").format(name=me.name, fingerprint=me.fingerprint))
        peers = identity.peers()
        self.peer_names = [_("Any trusted site (everything, not encrypted)")] + [p.name for p in peers]
        self.peer_ids = [""] + [p.site_id for p in peers]
        self.peer_box.configure(values=self.peer_names)
        if self.peer_var.get() not in self.peer_names:
            self.peer_var.set(self.peer_names[1] if len(self.peer_names) > 1 else self.peer_names[0])
        self.peer_tree.delete(*self.peer_tree.get_children())
        for peer in peers:
            self.peer_tree.insert("", "end", iid=peer.site_id, values=(peer.name, peer.fingerprint, local_time(peer.trusted_at.isoformat())))
        self.history.delete(*self.history.get_children())
        for row in export.history():
            counts = row["counts"]
            records = sum(counts.values()) if row["direction"] == "out" else sum(
                c.get("new", 0) + c.get("updated", 0) + c.get("deleted", 0) + c.get("conflicts", 0) for c in counts.values())
            self.history.insert("", "end", iid=row["id"], values=(
                local_time(row["recorded_at"].isoformat()), _("Sent") if row["direction"] == "out" else _("Received"), row["peer"],
                format_number(records), row["by_user"] or "—", row["file_name"]))
        self._fill_conflicts()
        edit, trust = authority.allowed("export"), authority.allowed("trust")
        for button in (self.export_button, self.import_button, self.keep_mine_button, self.keep_theirs_button, self.keep_chosen_button):
            button.configure(state="normal" if edit else "disabled")  # the services refuse anyway; this saves a click
        for button in (self.trust_button, self.forget_button):
            button.configure(state="normal" if trust else "disabled")

    def _fill_conflicts(self) -> None:
        self.open = {c.id: c for c in conflicts.open_conflicts()}
        self.conflict_tree.delete(*self.conflict_tree.get_children())
        for conflict in self.open.values():
            self.conflict_tree.insert("", "end", iid=str(conflict.id), values=(
                conflict.table_label, conflict.record_label, ", ".join(d.shown_label for d in conflict.differences),
                _("this site's") if conflict.winner == "mine" else _("the other site's"), local_time(conflict.detected_at)))
        count = len(self.open)
        self.tabs.tab(self.conflicts_tab, text=_("Conflicts ({count})").format(count=count) if count else _("Conflicts"))
        self.field_tree.delete(*self.field_tree.get_children())

    def on_show(self) -> None:
        self.refresh()

    def focus_search(self) -> None:
        self.history.focus_set()

    # --- identity and trust ---------------------------------------------------------------
    def save_identity(self) -> None:
        target = dialogs.ask_save_typed(self, _("Save our identity"), "hospitaldesk-identity.json", ".json", _(IDENTITY_KIND))
        if target is None:
            return
        try:
            me = identity.write_identity_file(target)
        except (HospitalDeskError, OSError) as exc:
            dialogs.show_error(self, getattr(exc, "message", str(exc)))
            return
        dialogs.show_info(self, _("Saved to {path}. Give this file to the other site, then read them the fingerprint by phone: {fingerprint}").format(
            path=target, fingerprint=me.fingerprint))

    def trust_site(self, path: Path | None = None) -> FingerprintDialog | None:
        path = path or dialogs.ask_open_typed(self, _("Trust a site"), ".json", _(IDENTITY_KIND))
        if path is None:
            return None
        try:
            found = identity.read_identity_file(path)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return None

        def trust() -> None:
            try:
                identity.trust(found)
            except HospitalDeskError as exc:
                dialogs.show_error(self, exc.message)
            self.refresh()

        return FingerprintDialog(self, found, _("The identity file names this site:"), trust)

    def forget_site(self) -> None:
        chosen = self.peer_tree.selection()
        if not chosen:
            dialogs.show_info(self, _("Choose a site in the list first."))
            return
        name = self.peer_tree.item(chosen[0], "values")[0]
        if not dialogs.ask_yes_no(self, _("Stop taking in bundles from '{name}'?").format(name=name)):
            return
        try:
            identity.forget_peer(chosen[0])
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
        self.refresh()

    # --- export ---------------------------------------------------------------------------
    def export_bundle(self, target: Path | None = None) -> Job | None:
        from hospitaldesk.ui.sign_in import password_again  # sign_in builds on the form widgets

        if not password_again(self, "export"):
            return None
        index = self.peer_names.index(self.peer_var.get()) if self.peer_var.get() in self.peer_names else 0
        peer_id, full = self.peer_ids[index], self.full_var.get()
        stamp = dt.date.today().strftime("%Y%m%d")
        suggested = f"hospitaldesk-{'cho-' + self.peer_names[index][:40] if peer_id else 'day-du'}-{stamp}.hdsync".replace(" ", "-")
        target = target or dialogs.ask_save_typed(self, _("Export bundle"), suggested, ".hdsync", _(BUNDLE_KIND))
        if target is None:
            return None
        busy = BusyDialog(self, _("Exporting…"))

        def run(job: Job, progress: Progress) -> export.ExportResult:
            def written(done: int, total: int) -> None:
                progress(done / total if total else 1.0, _("{done} of {total} records written…").format(
                    done=format_number(done), total=format_number(total)))

            def cancelled() -> bool:
                return job.cancelled

            return export.export_bundle(target, peer_id, full=full, progress=written, cancelled=cancelled)

        def done(result: Any) -> None:
            busy.close()
            self.refresh()
            message = _("{count} record(s) and {files} file(s) written to {path}.").format(
                count=format_number(result.total), files=result.files, path=result.path)
            if result.encrypted:
                message += "\n" + _("Encrypted: only {name} can open it.").format(name=result.peer)
            dialogs.show_info(self, message)

        self.job = busy.job = run_in_thread(self, run, done, lambda exc: self._failed(busy, exc), busy.set_progress)
        return self.job

    def _failed(self, busy: BusyDialog, exc: BaseException) -> None:
        busy.close()
        if isinstance(exc, Cancelled) or (isinstance(exc, HospitalDeskError) and getattr(exc, "reason", "") == "cancelled"):
            return
        if isinstance(exc, HospitalDeskError):
            dialogs.show_error(self, exc.message)
        else:
            dialogs.show_error(self, _("Unexpected problem ({detail}). Nothing was changed. Details are in the log file.").format(
                detail=type(exc).__name__))

    # --- import ---------------------------------------------------------------------------
    def import_bundle(self, path: Path | None = None, trust_fingerprint: str | None = None) -> Job | None:
        path = path or dialogs.ask_open_typed(self, _("Import bundle"), ".hdsync", _(BUNDLE_KIND))
        if path is None:
            return None
        return self._import(path, trust_fingerprint, dry_run=True)

    def _import(self, path: Path, trust_fingerprint: str | None, dry_run: bool) -> Job:
        busy = BusyDialog(self, _("Checking the bundle…") if dry_run else _("Importing…"))
        self.dialog: Any = None

        def run(job: Job, progress: Progress) -> importing.ImportResult:
            def applied(done: int, total: int) -> None:
                if job.cancelled:
                    raise Cancelled  # inside the import's transaction: it rolls back whole
                progress(done / total if total else 1.0, _("{done} of {total} records…").format(
                    done=format_number(done), total=format_number(total)))

            return importing.import_bundle(path, dry_run=dry_run, trust_fingerprint=trust_fingerprint, progress=applied)

        def done(result: Any) -> None:
            busy.close()
            if result.already_imported_at:
                dialogs.show_info(self, _("This bundle was already imported on {when}; nothing to do.").format(when=result.already_imported_at))
            elif dry_run:
                self.dialog = PreviewDialog(self, result, lambda: self._import(path, trust_fingerprint, dry_run=False))
            else:
                self.refresh()
                conflicts_found = result.totals().conflicts
                dialogs.show_info(self, _("Imported from {name}.").format(name=result.sender.name) + (
                    "\n" + _("{count} conflict(s) to decide in the Conflicts tab.").format(count=conflicts_found) if conflicts_found else ""))
                if conflicts_found:
                    self.tabs.select(self.conflicts_tab)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, importing.UntrustedSiteError):
                busy.close()
                self.dialog = FingerprintDialog(self, exc.sender, _("This bundle comes from a site this one does not trust yet:"),
                                                lambda: self._import(path, exc.sender.fingerprint, dry_run=True))
                return
            self._failed(busy, exc)

        self.job = busy.job = run_in_thread(self, run, done, failed, busy.set_progress)
        return self.job

    # --- conflicts ------------------------------------------------------------------------
    def selected_conflict(self) -> conflicts.Conflict | None:
        chosen = self.conflict_tree.selection()
        return self.open.get(int(chosen[0])) if chosen else None

    def show_conflict(self) -> None:
        conflict = self.selected_conflict()
        self.field_tree.delete(*self.field_tree.get_children())
        if conflict is None:
            return
        self.chosen = {d.field: conflict.winner for d in conflict.differences}
        for difference in conflict.differences:
            self.field_tree.insert("", "end", iid=difference.field, values=(
                difference.shown_label, _shown(difference.mine), _shown(difference.theirs), self._keep_label(difference.field)))

    def _keep_label(self, field: str) -> str:
        return _("this site's") if self.chosen.get(field) == conflicts.KEEP_MINE else _("the other site's")

    def toggle_field(self) -> None:
        focused = self.field_tree.focus()
        if not focused or focused not in self.chosen:
            return
        self.chosen[focused] = conflicts.KEEP_THEIRS if self.chosen[focused] == conflicts.KEEP_MINE else conflicts.KEEP_MINE
        self.field_tree.set(focused, "keep", self._keep_label(focused))

    def resolve(self, choice: str) -> None:
        conflict = self.selected_conflict()
        if conflict is None:
            dialogs.show_info(self, _("Choose a conflict in the list first."))
            return
        try:
            conflicts.resolve(conflict.id, choice, dict(self.chosen) if choice == conflicts.BY_FIELD else None)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
        self.refresh()
