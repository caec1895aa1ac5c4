"""Readiness: the assessments (with each facility's progress over time), the gap action plan,
and the checklists. An assessment opens in the keyboard entry view."""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import assessments, readiness_print
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.agreements import technique_choices
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.history_chart import HistoryChart

COLUMNS = [("date", N_("Date"), 90), ("facility", N_("Facility"), 250), ("technique", N_("Technique"), 280),
           ("index", N_("Index"), 70), ("verdict", N_("Verdict"), 124), ("status", N_("Status"), 104)]


class ReadinessScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=12)
        self.dialog: ActionDialog | None = None
        self.preview: Any = None
        self.rows: dict[str, dict[str, Any]] = {}
        self.main = ttk.Frame(self)
        self.main.pack(fill="both", expand=True)
        header = ttk.Frame(self.main)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Readiness"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        self.tabs = ttk.Notebook(self.main)
        self.tabs.pack(fill="both", expand=True)
        self._build_assessments()
        self.gaps_view: Any = None
        self.checklists: Any = None
        self._lazy_tabs = {1: self._build_gaps, 2: self._build_checklists}
        for title in (_("Gap actions"), _("Checklists")):
            self.tabs.add(ttk.Frame(self.tabs), text=title)
        self.tabs.bind("<<NotebookTabChanged>>", lambda _e: self._tab_changed())
        self._entry: Any = None
        self.refresh()

    # --- the assessments tab ------------------------------------------------------------------
    def _build_assessments(self) -> None:
        tab = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(tab, text=_("Assessments"))
        bar = ttk.Frame(tab)
        bar.pack(fill="x", pady=(0, 6))
        ttk.Label(bar, text=_("Search")).pack(side="left")
        self.search_var = tk.StringVar()
        self.search_entry = ttk.Entry(bar, textvariable=self.search_var, width=30)
        self.search_entry.pack(side="left", padx=(6, 12))
        self.search_entry.bind("<KeyRelease>", lambda _e: self.refresh())
        ttk.Button(bar, text=_("New assessment (Ctrl+N)"), bootstyle="success", command=self.new_record,
                   state=edit_state()).pack(side="right")
        ttk.Button(bar, text=_("Blank checklist…"), bootstyle="secondary-outline", command=self.print_blank).pack(side="right", padx=6)
        ttk.Button(bar, text=_("Report…"), bootstyle="secondary-outline", command=lambda: self._selected(self.print_report)).pack(side="right")
        ttk.Button(bar, text=_("Open"), bootstyle="primary-outline", command=lambda: self._selected(self.open)).pack(side="right", padx=6)
        self.chart = HistoryChart(tab, height=150)
        self.chart.pack(side="bottom", fill="x", pady=(8, 0))
        self.tree = ttk.Treeview(tab, columns=[c for c, _l, _w in COLUMNS], show="headings", selectmode="browse")
        for key, heading, width in COLUMNS:
            self.tree.heading(key, text=_(heading))
            self.tree.column(key, width=width, anchor="e" if key == "index" else "w", stretch=key in ("facility", "technique"))
        self.tree.tag_configure("not_ready", foreground="#b02a37")
        self.tree.pack(fill="both", expand=True)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_history())
        self.tree.bind("<Double-1>", lambda _e: self._selected(self.open))
        self.tree.bind("<Return>", lambda _e: self._selected(self.open))

    def refresh(self, select: str | None = None) -> None:
        try:
            rows = assessments.summaries(search=self.search_var.get())
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        keep = select or self.selected_id()
        self.tree.delete(*self.tree.get_children())
        self.rows = {row["id"]: row for row in rows}
        for row in rows:
            ready = _("Ready") if row["ready"] else _("Not ready")
            status = terms.label(terms.ASSESSMENT_STATUS, row["status"])
            self.tree.insert("", "end", iid=row["id"], tags=() if row["ready"] else ("not_ready",), values=(
                format_date(dt.date.fromisoformat(row["date"])), row["facility"], row["technique"],
                readiness_print.percent(row["index"]), ready, status))
        if keep and self.tree.exists(keep):
            self.tree.selection_set(keep)
            self.tree.see(keep)
        self._show_history()

    def selected_id(self) -> str | None:
        selection = self.tree.selection()
        return str(selection[0]) if selection else None

    def _selected(self, action: Any) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            action(record_id)

    def _show_history(self) -> None:
        row = self.rows.get(self.selected_id() or "")
        if row is None:
            self.chart.show([], "", 0.8)
            return
        points = assessments.history(row["facility_id"], row["technique_id"])
        self.chart.show(points, _("{technique} at {facility}").format(technique=row["technique"], facility=row["facility"]), 0.8)

    # --- actions ------------------------------------------------------------------------------
    def new_record(self) -> ActionDialog:
        specs = [FieldSpec("technique", N_("Technique"), "choice", required=True, choices=technique_choices), *assessments.NEW_FIELDS]

        def submit(values: dict[str, Any]) -> None:
            from hospitaldesk.errors import FieldError, ValidationError

            if not values.get("technique"):
                raise ValidationError([FieldError("technique", _("Technique"), _("This field is required."))])
            self._created = assessments.start(values["technique"], values)

        def done() -> None:
            self.refresh(select=self._created)
            self.open(self._created)

        self._created = ""
        intro = _("The checklist of the technique is copied into the assessment; equipment is prefilled from the inventory.")
        self.dialog = ActionDialog(self, _("New assessment"), intro, specs, {"assessed_on": format_date(dt.date.today())},
                                   submit, _("Start"), on_done=done)
        return self.dialog

    def open(self, assessment_id: str) -> None:
        from hospitaldesk.ui.screens.assessment_entry import AssessmentEntry

        if self._entry is None:
            self._entry = AssessmentEntry(self, on_close=self._close_entry, on_print=self.print_report)
        try:
            self._entry.load(assessment_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.main.pack_forget()
        self._entry.pack(fill="both", expand=True)

    def _close_entry(self, assessment_id: str) -> None:
        self._entry.pack_forget()
        self.main.pack(fill="both", expand=True)
        self.refresh(select=assessment_id)

    @property
    def entry(self) -> Any:
        return self._entry

    def print_report(self, assessment_id: str) -> Any:
        from hospitaldesk.ui.screens.print_preview import PrintPreview

        self.preview = PrintPreview(self, _("Readiness report"), lambda: readiness_print.readiness_pdf(assessment_id),
                                    "DanhGia-SanSang.pdf")
        return self.preview

    def print_blank(self) -> Any:
        from hospitaldesk.ui.screens.print_preview import PrintPreview

        row = self.rows.get(self.selected_id() or "")
        technique = row["technique_id"] if row else ""
        if not technique:
            dialogs.show_info(self, _("Select an assessment of the technique first: its checklist is printed blank."))
            return None
        facility = row["facility_id"] if row else None
        self.preview = PrintPreview(self, _("Blank checklist"), lambda: readiness_print.checklist_pdf(technique, facility),
                                    "BangKiem.pdf")
        return self.preview

    # --- the other tabs, built when first opened ---------------------------------------------
    def _tab_changed(self) -> None:
        index = self.tabs.index("current")
        build = self._lazy_tabs.pop(index, None)
        if build is not None:
            build()
        view = {1: self.gaps_view, 2: self.checklists}.get(index)
        if view is not None:
            view.on_show()

    def _replace_tab(self, index: int, frame: ttk.Frame, title: str) -> None:
        placeholder = self.tabs.tabs()[index]
        self.tabs.insert(index, frame, text=title)
        self.tabs.forget(placeholder)
        self.tabs.select(index)

    def _build_gaps(self) -> None:
        from hospitaldesk.ui.screens.gaps_view import GapsView

        self.gaps_view = GapsView(self.tabs)
        self._replace_tab(1, self.gaps_view, _("Gap actions"))

    def _build_checklists(self) -> None:
        from hospitaldesk.ui.screens.checklist_editor import ChecklistEditor

        self.checklists = ChecklistEditor(self.tabs)
        self._replace_tab(2, self.checklists, _("Checklists"))

    def open_record(self, gap_id: str) -> None:
        """Shown from the overview: an overdue gap action, in the Gap actions tab."""
        if self.gaps_view is None:
            self._lazy_tabs.pop(1, None)
            self._build_gaps()  # selects its tab
        else:
            self.tabs.select(1)
        self.gaps_view.open_gap(gap_id)

    # --- screen protocol used by the main window ----------------------------------------------
    def on_show(self) -> None:
        if self.main.winfo_ismapped():
            self.refresh()

    def focus_search(self) -> None:
        self.search_entry.focus_set()

    def save_record(self) -> None:
        view = {1: self.gaps_view, 2: self.checklists}.get(self.tabs.index("current"))
        if view is not None and hasattr(view, "save_record"):
            view.save_record()
