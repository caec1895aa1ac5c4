"""Retention: who stayed after training, per facility and technique, the techniques at risk first;
below, the trained staff who left and the commitments to serve about to end."""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import retention
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.services.retention_math import Milestone
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.widgets.form import ChoiceBox
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

ALL = ""


def facility_filter_choices() -> list[Choice]:
    return [Choice(ALL, _("All facilities")), *facility_choices()]


def agreement_filter_choices() -> list[Choice]:
    from hospitaldesk.services.enrollments import agreement_choices

    return [Choice(ALL, _("All agreements")), *agreement_choices()]


FACILITY = FieldSpec("facility", N_("Facility"), "choice", required=True, choices=facility_filter_choices)
AGREEMENT = FieldSpec("agreement", N_("Agreement"), "choice", required=True, choices=agreement_filter_choices)
# (key, heading, width, anchor)
# (key, heading, width, anchor); numbers and dates keep their width, names share the rest.
MAIN_COLUMNS = [("facility", N_("Facility"), 150, "w"), ("technique", N_("Technique"), 190, "w"), ("trained", N_("Trained"), 86, "e"),
                ("active", N_("Working now"), 106, "e"), ("m6", N_("After 6 months"), 108, "e"), ("m12", N_("After 12 months"), 108, "e"),
                ("m24", N_("After 24 months"), 108, "e"), ("required", N_("Required"), 70, "e"), ("state", N_("Status"), 110, "c")]
LEFT_COLUMNS = [("name", N_("Full name"), 150, "w"), ("facility", N_("Facility"), 110, "w"), ("left_on", N_("Left on"), 92, "c"),
                ("destination", N_("Went to"), 130, "w"), ("broken", N_("Commitment"), 90, "c")]
ENDING_COLUMNS = [("name", N_("Full name"), 110, "w"), ("technique", N_("Technique"), 100, "w"), ("ends_on", N_("Ends on"), 92, "c"),
                  ("days", N_("Days left"), 76, "e")]


def milestone_text(m: Milestone) -> str:
    """'4/5 (80 %)', or '—' when nobody has reached that point yet."""
    if not m.eligible:
        return "—"
    return f"{m.retained}/{m.eligible} ({round(100 * m.retained / m.eligible)} %)"


class RetentionScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=12)
        self.preview: Any = None
        self.rows: list[retention.TechniqueRetention] = []
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Retention"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        ttk.Button(header, text=_("Retention report…"), bootstyle="primary-outline", command=self.print_report).pack(side="right")
        ttk.Button(header, text=_("Export to Excel…"), bootstyle="secondary-outline", command=self.export).pack(side="right", padx=8)
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        ttk.Label(bar, text=_("Facility")).pack(side="left")
        self.facility_box = ChoiceBox(bar, FACILITY, width=40)
        self.facility_box.pack(side="left", padx=(6, 12))
        self.facility_box.set_value(ALL)
        self.facility_box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        ttk.Label(bar, text=_("Agreement")).pack(side="left")
        self.agreement_box = ChoiceBox(bar, AGREEMENT, width=34)
        self.agreement_box.pack(side="left", padx=(6, 12))
        self.agreement_box.set_value(ALL)
        self.agreement_box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        self.summary = ttk.Label(self, text="", bootstyle="secondary", font=("TkDefaultFont", 10, "bold"))
        self.summary.pack(anchor="w", pady=(0, 2))
        ttk.Label(self, text=_("n/m: of the m people whose training ended at least that long ago, n were still working at the facility "
                               "then. Required: the trained staff the technique's readiness checklist asks for."),
                  bootstyle="secondary", wraplength=1050, justify="left").pack(anchor="w", pady=(0, 4))
        lower = ttk.Frame(self)
        lower.pack(side="bottom", fill="both", pady=(10, 0))
        left = ttk.Frame(lower)  # as wide as its columns; the commitments take the rest
        left.pack(side="left", fill="both", padx=(0, 12))
        ttk.Label(left, text=_("Trained staff who left"), font=("TkHeadingFont", 11, "bold")).pack(anchor="w")
        self.left_tree = scrolled_tree(left, LEFT_COLUMNS, 6)
        right = ttk.Frame(lower)
        right.pack(side="left", fill="both", expand=True)
        ttk.Label(right, text=_("Commitments to serve ending within {days} days").format(days=terms.COMMITMENT_WARNING_DAYS),
                  font=("TkHeadingFont", 11, "bold")).pack(anchor="w")
        self.ending_tree = scrolled_tree(right, ENDING_COLUMNS, 6)
        self.tree = scrolled_tree(self, MAIN_COLUMNS, 8)
        self.refresh()

    def facility(self) -> str:
        return self.facility_box.value()

    def refresh(self) -> None:
        facility = self.facility() or None
        today = dt.date.today()
        try:
            self.rows = retention.retention(today, facility_id=facility, agreement_id=self.agreement_box.value() or None)
            left = retention.departures(facility)
            ending = retention.commitments_ending(today, facility_id=facility)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        for tree in (self.tree, self.left_tree, self.ending_tree):
            tree.delete(*tree.get_children())
        for index, row in enumerate(self.rows):
            m6, m12, m24 = (milestone_text(m) for m in row.milestones)
            state = _("At risk") if row.at_risk else _("Stable")
            self.tree.insert("", "end", iid=f"{row.facility_id}:{row.technique_id}", tags=("risk",) if row.at_risk else (),
                             values=(row.facility, row.technique, row.trained, row.active, m6, m12, m24,
                                     "—" if row.required is None else row.required, state))
        for d in left:
            broken = _("Not kept") if d["breaks_commitment"] else ("—" if not d["returned_on"] else _("Came back"))
            self.left_tree.insert("", "end", iid=d["id"], tags=("risk",) if d["breaks_commitment"] else (),
                                  values=(d["name"], d["facility"], format_date(dt.date.fromisoformat(d["left_on"])),
                                          d["destination"] or d["destination_kind"] or "—", broken))
        for c in ending:
            self.ending_tree.insert("", "end", iid=c["enrollment_id"],
                                    values=(c["name"], c["technique"], format_date(c["ends_on"]), c["days_left"]))
        risky = sum(1 for r in self.rows if r.at_risk)
        self.summary.configure(text=_("{count} techniques followed, {risk} at risk").format(count=len(self.rows), risk=risky),
                               bootstyle="danger" if risky else "secondary")

    def print_report(self) -> Any:
        facility = self.facility()
        if not facility:
            dialogs.show_info(self, _("Choose a facility first: the report is printed for one facility."))
            self.facility_box.focus_set()
            return None
        from hospitaldesk.services import trainee_print
        from hospitaldesk.ui.screens.print_preview import PrintPreview

        self.preview = PrintPreview(self, _("Retention report"), lambda: trainee_print.retention_pdf(facility), "DuyTriNhanLuc.pdf")
        return self.preview

    def export(self) -> Any:
        from hospitaldesk.services.exports import export_retention, suggested_name
        from hospitaldesk.ui.exporting import export_to_excel

        facility = self.facility()
        return export_to_excel(self, suggested_name(_("Retention")), lambda path, _rows: export_retention(path, facility))

    # --- screen protocol used by the main window ------------------------------------------------
    def on_show(self) -> None:
        self.facility_box.reload()
        self.agreement_box.reload()
        self.refresh()

    def focus_search(self) -> None:
        self.facility_box.focus_set()

    def open_record(self, facility_id: str) -> None:
        """Shown from the overview: the facility's retention, every agreement."""
        self.facility_box.set_value(facility_id)
        self.agreement_box.set_value(ALL)
        self.refresh()
