"""Settings: the site's name, language and theme, and the database (where, check, back up, restore)."""
from __future__ import annotations

import tkinter as tk
from pathlib import Path
from typing import Any, Protocol

import ttkbootstrap as ttk

from hospitaldesk import config
from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services import maintenance, site
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import Job, Progress, run_in_thread
from hospitaldesk.ui.sign_in import password_again
from hospitaldesk.ui.widgets.busy import BusyDialog
from hospitaldesk.ui.widgets.form import ChoiceBox

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
COUNT_LABELS = {"sites": N_("Sites"), "provinces": N_("Provinces"), "specialties": N_("Specialties"), "facilities": N_("Facilities"), "techniques": N_("Techniques"), "agreements": N_("Agreements")}


class Shell(Protocol):
    settings: config.Settings

    def apply_settings(self, settings: config.Settings) -> None: ...
    def site_changed(self) -> None: ...
    def database_replaced(self) -> None: ...


class SettingsScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, shell: Shell) -> None:
        super().__init__(master, padding=12)
        self.shell = shell
        ttk.Label(self, text=_("Settings"), font=("TkHeadingFont", 16, "bold")).pack(anchor="w", pady=(0, 8))
        columns = ttk.Frame(self)
        columns.pack(fill="both", expand=True)
        left, right = ttk.Frame(columns), ttk.Frame(columns)
        left.pack(side="left", fill="both", expand=True, padx=(0, 12))
        right.pack(side="left", fill="both", expand=True)
        self._build_site(left)
        self._build_appearance(left)
        self._build_readiness(left)
        self._build_database(right)

    # --- site -----------------------------------------------------------------------------
    def _build_site(self, master: tk.Misc) -> None:
        box = ttk.Labelframe(master, text=_("This site"), padding=12)
        box.pack(fill="x", pady=(0, 12))
        ttk.Label(box, text=_("Site name *")).pack(anchor="w")
        self.site_var = tk.StringVar(value=site.site_name() or "")
        entry = ttk.Entry(box, textvariable=self.site_var)
        entry.pack(fill="x", pady=(4, 4))
        self.site_error = ttk.Label(box, text="", bootstyle="danger")
        self.site_error.pack(anchor="w")
        ttk.Button(box, text=_("Rename site"), command=self.rename_site).pack(anchor="e")
        ttk.Label(box, text=_("Our facility (Party B of new agreements)")).pack(anchor="w", pady=(8, 0))
        self.facility_box = ChoiceBox(box, FieldSpec("facility", N_("Our facility"), "choice", choices=facility_choices))
        self.facility_box.set_value(site.site_facility_id())
        self.facility_box.pack(fill="x", pady=(4, 4))
        self.facility_box.bind("<<ComboboxSelected>>", lambda _e: self.choose_facility(), add="+")
        from hospitaldesk.services.sync.identity import own_identity  # cryptography loads when Settings opens, not at start

        ttk.Label(box, text=_("Fingerprint for sync (read it to another site by phone)")).pack(anchor="w", pady=(8, 0))
        self.fingerprint = ttk.Label(box, text=own_identity().fingerprint, font=("TkFixedFont", 12, "bold"), bootstyle="primary")
        self.fingerprint.pack(anchor="w", pady=(4, 0))

    def choose_facility(self) -> None:
        try:
            site.set_site_facility(self.facility_box.value())
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)

    def rename_site(self) -> None:
        try:
            site.rename_site(self.site_var.get())
        except ValidationError as exc:
            self.site_error.configure(text=exc.errors[0].message)
            return
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.site_error.configure(text="")
        self.shell.site_changed()

    # --- appearance -----------------------------------------------------------------------
    def _build_appearance(self, master: tk.Misc) -> None:
        box = ttk.Labelframe(master, text=_("Language and appearance"), padding=12)
        box.pack(fill="x")
        ttk.Label(box, text=_("Language")).grid(row=0, column=0, sticky="w", pady=4)
        self.language_var = tk.StringVar(value=self.shell.settings.language)
        languages = ttk.Frame(box)
        languages.grid(row=0, column=1, sticky="w", padx=8)
        for code in config.LANGUAGES:
            ttk.Radiobutton(languages, text=LANGUAGE_NAMES[code], value=code, variable=self.language_var).pack(side="left", padx=(0, 12))
        ttk.Label(box, text=_("Theme")).grid(row=1, column=0, sticky="w", pady=4)
        self.theme_box = ttk.Combobox(box, state="readonly", values=list(config.THEMES), width=24)
        self.theme_box.set(self.shell.settings.theme)
        self.theme_box.grid(row=1, column=1, sticky="w", padx=8)
        ttk.Button(box, text=_("Apply"), bootstyle="primary", command=self.apply_appearance).grid(row=2, column=1, sticky="e", pady=(8, 0))

    def apply_appearance(self) -> None:
        chosen = config.Settings(language=self.language_var.get(), theme=self.theme_box.get()).normalised()
        self.shell.apply_settings(chosen)

    # --- readiness ------------------------------------------------------------------------
    def _build_readiness(self, master: tk.Misc) -> None:
        box = ttk.Labelframe(master, text=_("Readiness"), padding=12)
        box.pack(fill="x", pady=(12, 0))
        ttk.Label(box, text=_("Readiness threshold (%)")).grid(row=0, column=0, sticky="w")
        self.threshold_var = tk.StringVar(value=format_number(round(site.readiness_threshold() * 100, 2)))
        entry = ttk.Entry(box, textvariable=self.threshold_var, width=8, justify="right")
        entry.grid(row=0, column=1, sticky="w", padx=8)
        entry.bind("<Return>", lambda _e: self.save_threshold())
        ttk.Button(box, text=_("Save"), command=self.save_threshold).grid(row=0, column=2, sticky="w")
        self.threshold_message = ttk.Label(
            box, text=_("A technique is ready when its index reaches this and no critical item is missing. "
                        "New assessments use it; finished ones keep theirs."),
            bootstyle="secondary", wraplength=440, justify="left")
        self.threshold_message.grid(row=1, column=0, columnspan=3, sticky="w", pady=(6, 0))

    def save_threshold(self) -> bool:
        try:
            share = site.set_readiness_threshold(self.threshold_var.get())
        except ValidationError as exc:
            self.threshold_message.configure(text=exc.errors[0].describe(), bootstyle="danger")
            return False
        self.threshold_var.set(format_number(round(share * 100, 2)))
        self.threshold_message.configure(text=_("Saved: new assessments are judged against {threshold}.").format(
            threshold=self.threshold_var.get() + " %"), bootstyle="success")
        return True

    # --- database -------------------------------------------------------------------------
    def _build_database(self, master: tk.Misc) -> None:
        box = ttk.Labelframe(master, text=_("Database"), padding=12)
        box.pack(fill="both", expand=True)
        ttk.Label(box, text=_("The database file (keep it on this PC's own disk):")).pack(anchor="w")
        self.path_var = tk.StringVar()
        ttk.Entry(box, textvariable=self.path_var, state="readonly").pack(fill="x", pady=(4, 8))
        self.summary = ttk.Label(box, text="", justify="left")
        self.summary.pack(anchor="w")
        buttons = ttk.Frame(box)
        buttons.pack(fill="x", pady=(12, 0))
        ttk.Button(buttons, text=_("Check database"), command=self.refresh_summary).pack(side="left")
        ttk.Button(buttons, text=_("Back up…"), bootstyle="success", command=self.backup).pack(side="left", padx=8)
        ttk.Button(buttons, text=_("Restore…"), bootstyle="warning", command=self.restore).pack(side="left")
        ttk.Label(
            box,
            text=_("Back up at least once a week to a USB stick or another PC. Restoring keeps the replaced database beside it, so nothing is lost."),
            bootstyle="secondary", wraplength=520, justify="left",
        ).pack(anchor="w", pady=(12, 0))

    def refresh_summary(self) -> None:
        try:
            report = maintenance.check()
        except HospitalDeskError as exc:
            self.summary.configure(text=exc.message, bootstyle="danger")
            return
        self.path_var.set(report.path)
        lines = [_("Schema version: {version} (latest {latest})").format(version=report.schema_version, latest=report.latest_schema)]
        lines += [f"{_(COUNT_LABELS.get(name, name))}: {format_number(count)}" for name, count in report.counts.items()]
        lines.append(_("Integrity: OK") if report.ok else _("Integrity: PROBLEMS") + "\n" + "\n".join(report.problems[:5]))
        self.summary.configure(text="\n".join(lines), bootstyle="default" if report.ok else "danger")

    def _run_busy(self, title: str, work: Any, on_done: Any) -> None:
        busy = BusyDialog(self, title)

        def done(result: Any) -> None:
            busy.close()
            on_done(result)

        def failed(exc: BaseException) -> None:
            busy.close()
            message = exc.message if isinstance(exc, HospitalDeskError) else _("Unexpected problem ({detail}). Nothing was changed.").format(detail=type(exc).__name__)
            dialogs.show_error(self, message)

        busy.job = run_in_thread(self, work, done, failed, busy.set_progress)

    def backup(self) -> None:
        if not password_again(self, "export"):  # a backup holds every record: an export
            return
        target = dialogs.ask_save_path(self, _("Save a backup of the database"), maintenance.suggested_backup_name())
        if target is None:
            return

        def work(job: Job, progress: Progress) -> Path:
            note = _("Copying…")
            return maintenance.backup(target, lambda fraction: progress(fraction, note), lambda: job.cancelled)

        self._run_busy(_("Backing up…"), work, lambda path: dialogs.show_info(self, _("Backup written and verified: {path}").format(path=path)))

    def restore(self) -> None:
        source = dialogs.ask_open_path(self, _("Choose a backup to restore"))
        if source is None:
            return
        if not dialogs.ask_yes_no(self, _("Replace the current database by {path}? The current one is kept beside it.").format(path=source)):
            return
        if not password_again(self, "restore"):
            return
        # Restore closes and reopens the store, which belongs to the Tk thread: run it here, it is quick.
        try:
            kept = maintenance.restore(source)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.shell.database_replaced()
        dialogs.show_info(self, _("Restored from {source}. The previous database was kept as {kept}.").format(source=source, kept=kept))

    def on_show(self) -> None:
        self.site_var.set(site.site_name() or "")
        self.refresh_summary()

    def focus_search(self) -> None:
        pass
