"""The import wizard: choose a spreadsheet, check it (nothing written), read the problems row by
row or the preview, then import it all in one go. A template with the expected headings can be
saved first. The file is read and checked in the background: a 10,000-row workbook takes seconds.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services import staff_import
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.services.tabular import write_xlsx
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import Job, Progress, run_in_thread
from hospitaldesk.ui.widgets.busy import BusyDialog
from hospitaldesk.ui.widgets.form import ChoiceBox
from hospitaldesk.ui.widgets.tree_columns import set_column


def _facility_choices() -> list[Choice]:
    return [Choice("", _("— named in each row —")), *facility_choices()]


# "Required" only so the box offers no blank of its own: its first choice already means "none".
FACILITY = FieldSpec("facility", N_("Facility of rows that name none"), "choice", required=True, choices=_facility_choices)
ERROR_COLUMNS = [("row", N_("Row"), 56, "e"), ("column", N_("Column"), 170, "w"), ("value", N_("Value"), 130, "w"),
                 ("message", N_("What to do"), 700, "w")]
PREVIEW_COLUMNS = [("row", N_("Row"), 60, "e"), ("full_name", N_("Full name"), 190, "w"), ("birth_date", N_("Date of birth"), 100, "w"),
                   ("profession", N_("Profession"), 110, "w"), ("facility", N_("Facility"), 150, "w"),
                   ("technique", N_("Technique"), 200, "w"), ("status", N_("Training status"), 110, "w")]


class StaffImportDialog(ttk.Toplevel):
    def __init__(self, master: tk.Misc, on_imported: Callable[[], None]) -> None:
        super().__init__(master=master, title=_("Import staff from Excel or CSV"), resizable=(True, True))
        self.withdraw()
        self.transient(master.winfo_toplevel())
        self.on_imported = on_imported
        self.path: Path | None = None
        self.report: staff_import.ImportReport | None = None
        self.job: Job | None = None
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=_("One row per person, or one per training (a person trained twice is on two rows). The file is checked "
                               "first and nothing is written until every row is right; people already recorded (same CCCD, or same "
                               "name and date of birth at the facility) are matched, not added twice."),
                  wraplength=1140, justify="left").pack(anchor="w")
        picker = ttk.Frame(body)
        picker.pack(fill="x", pady=(10, 4))
        ttk.Button(picker, text=_("Choose a file…"), bootstyle="primary-outline", command=self.choose).pack(side="left")
        self.file_label = ttk.Label(picker, text=_("No file chosen."), bootstyle="secondary")
        self.file_label.pack(side="left", padx=10)
        ttk.Button(picker, text=_("Save an empty template…"), bootstyle="link", command=self.save_template).pack(side="right")
        options = ttk.Frame(body)
        options.pack(fill="x", pady=(0, 6))
        ttk.Label(options, text=_(FACILITY.label)).pack(side="left")
        self.facility_box = ChoiceBox(options, FACILITY, width=50)
        self.facility_box.pack(side="left", padx=8)
        self.facility_box.set_value("")
        self.facility_box.bind("<<ComboboxSelected>>", lambda _e: self.check() if self.path else None, add="+")
        self.summary = ttk.Label(body, text="", justify="left", wraplength=1140, font=("TkDefaultFont", 10, "bold"))
        self.summary.pack(anchor="w", pady=(6, 4))
        buttons = ttk.Frame(body)
        buttons.pack(side="bottom", fill="x", pady=(10, 0))
        self.import_button = ttk.Button(buttons, text=_("Import"), bootstyle="primary", command=self.run_import, state="disabled")
        self.import_button.pack(side="right")
        ttk.Button(buttons, text=_("Close"), bootstyle="secondary-outline", command=self.destroy).pack(side="right", padx=8)
        holder = ttk.Frame(body)
        holder.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(holder, show="headings", height=14, selectmode="browse")
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.tag_configure("error", foreground="#b02a37")
        self.tree.tag_configure("matched", foreground="#6c757d")
        self.bind("<Escape>", lambda _e: self.destroy())
        self.geometry("1180x620")
        self.deiconify()

    # --- steps ----------------------------------------------------------------------------------
    def choose(self) -> None:
        path = dialogs.ask_open_spreadsheet(self, _("Choose the list of staff"))
        if path is not None:
            self.check(path)

    def check(self, path: Path | None = None) -> Job | None:
        """Read and check the file in the background; nothing is written."""
        if path is not None:
            self.path = path
            self.file_label.configure(text=str(path), bootstyle="default")
        if self.path is None:
            return None
        chosen, facility = self.path, self.facility_box.value()
        return self._in_background(_("Checking {file}…").format(file=chosen.name),
                                   lambda rows: staff_import.import_staff(chosen, facility, dry_run=True, progress=rows), self.show)

    def run_import(self) -> Job | None:
        if self.path is None or self.report is None or not self.report.ok:
            return None
        chosen, facility = self.path, self.facility_box.value()
        return self._in_background(_("Importing {file}…").format(file=chosen.name),
                                   lambda rows: staff_import.import_staff(chosen, facility, progress=rows), self._imported)

    def _in_background(self, title: str, work: Callable[[Callable[[int], None]], staff_import.ImportReport],
                       then: Callable[[staff_import.ImportReport], None]) -> Job:
        self.import_button.configure(state="disabled")
        busy = BusyDialog(self, title)

        def run(job: Job, progress: Progress) -> staff_import.ImportReport:
            def rows_read(count: int) -> None:
                if job.cancelled:
                    raise HospitalDeskError(_("Cancelled: nothing was imported."))
                progress(0.5, _("{count} rows read…").format(count=format_number(count)))

            return work(rows_read)

        def done(report: Any) -> None:
            busy.close()
            then(report)

        def failed(exc: BaseException) -> None:
            busy.close()
            self.report = None
            message = exc.message if isinstance(exc, HospitalDeskError) else _(
                "Unexpected problem ({detail}). Nothing was imported.").format(detail=type(exc).__name__)
            self.summary.configure(text=message, bootstyle="danger")
            self._fill([], [])

        self.job = busy.job = run_in_thread(self, run, done, failed, busy.set_progress)
        return self.job

    # --- showing the check ------------------------------------------------------------------------
    def show(self, report: staff_import.ImportReport) -> None:
        self.report = report
        if report.errors:
            text = _("Nothing can be imported yet: {count} problems. Correct them in the file (row and column below), save it, "
                     "then choose it again.").format(count=format_number(len(report.errors)))
            self.summary.configure(text="\n".join([text, *report.warnings]), bootstyle="danger")
            self._fill(ERROR_COLUMNS, [((str(e.row), e.column, e.value, e.message), "error") for e in report.errors])
            self.import_button.configure(state="disabled")
            return
        text = _("{rows} rows checked: {people} new people, {trainings} new trainings; {matched} rows name people already "
                 "recorded; {known} trainings already recorded.").format(
            rows=format_number(report.rows), people=format_number(report.people_new), trainings=format_number(report.trainings_new),
            matched=format_number(len(report.matched)), known=format_number(report.trainings_existing))
        self.summary.configure(text="\n".join([text, *report.warnings]), bootstyle="success")
        matched = {m.row for m in report.matched}
        self._fill(PREVIEW_COLUMNS, [(tuple(cells.get(key, "") for key, _h, _w, _a in PREVIEW_COLUMNS),
                                      "matched" if int(cells["row"]) in matched else "") for cells in report.preview])
        nothing = report.people_new == 0 and report.trainings_new == 0
        self.import_button.configure(state="disabled" if nothing else "normal")

    def _fill(self, columns: list[tuple[str, str, int, str]], rows: list[tuple[tuple[str, ...], str]]) -> None:
        self.tree.delete(*self.tree.get_children())
        self.tree.configure(columns=[c[0] for c in columns])
        for key, heading, width, anchor in columns:
            set_column(self.tree, key, _(heading), width, "e" if anchor == "e" else "w", stretch=anchor == "w")
        for values, tag in rows:
            self.tree.insert("", "end", values=values, tags=(tag,) if tag else ())

    def _imported(self, report: staff_import.ImportReport) -> None:
        self.report = report
        if not report.written:  # the file changed since it was checked
            self.show(report)
            return
        self.on_imported()
        dialogs.show_info(self, _("Imported: {people} new people and {trainings} new trainings.").format(
            people=format_number(report.people_new), trainings=format_number(report.trainings_new)))
        self.destroy()

    def save_template(self) -> None:
        target = dialogs.ask_save_xlsx(self, _("Save an empty template"), _("Staff list") + ".xlsx")
        if target is None:
            return
        try:
            write_xlsx(target, _("Staff list"), staff_import.template_headers(), [])
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        dialogs.show_info(self, _("Template saved: {path}").format(path=target))
