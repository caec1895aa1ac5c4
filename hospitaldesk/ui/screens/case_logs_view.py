"""Case logs: per facility and technique, a month's cases with support and independently and the
patients still referred to HCMC; add, change or delete a month; beside the months, the outcome of the
facility and technique (first month, independence, referrals before and after the transfer start) and
under them the cases chart."""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_number
from hospitaldesk.services import case_logs, case_outcomes
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.services.overview import CaseMonth
from hospitaldesk.services.techniques import technique_choices
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.record_actions import delete_after_asking, edit_dialog
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.cases_chart import CasesChart
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree
from hospitaldesk.ui.widgets.form import ChoiceBox

ALL = ""
CHART_MONTHS = 24
FACILITY = FieldSpec("facility", N_("Facility"), "choice", required=True, choices=case_logs.logged_facility_choices)
TECHNIQUE = FieldSpec("technique", N_("Technique"), "choice", required=True,
                      choices=lambda: [Choice(ALL, _("All techniques")), *technique_choices()])
COLUMNS = [("month", N_("Month"), 80, "c"), ("technique", N_("Technique"), 230, "w"), ("cases_with_support", N_("With support"), 96, "e"),
           ("cases_independent", N_("Independently"), 96, "e"), ("referred_to_hcmc", N_("Referred to HCMC"), 120, "e")]
GOOD, BAD, QUIET = "#146c43", "#b02a37", "#6c757d"


def month_text(iso: str | None) -> str:
    """'2024-03' (as the outcome gives it) as people write it: 03/2024."""
    return f"{iso[5:7]}/{iso[:4]}" if iso else "—"


def chart_months(months: list[dict[str, Any]], last: int = CHART_MONTHS) -> list[CaseMonth]:
    """The outcome's logged months as the chart takes them: every month from the first logged to the
    last (at most `last` of them), a month without a log left empty."""
    logged = {m["month"]: m for m in months}
    if not logged:
        return []
    first, final = min(logged), max(logged)
    index = int(final[:4]) * 12 + int(final[5:7]) - 1
    start = max(int(first[:4]) * 12 + int(first[5:7]) - 1, index - last + 1)
    out = []
    for n in range(start, index + 1):
        day = dt.date(n // 12, n % 12 + 1, 1)
        row = logged.get(day.isoformat()[:7])
        out.append(CaseMonth(day, row["cases_with_support"], row["cases_independent"], row["referred_to_hcmc"], 1) if row
                   else CaseMonth(day, 0, 0, 0, 0))
    return out


class CaseLogsView(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=8)
        self.dialog: ActionDialog | None = None
        self.rows: dict[str, dict[str, Any]] = {}
        self.outcome: dict[str, Any] | None = None
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        ttk.Label(bar, text=_("Facility")).pack(side="left")
        self.facility_box = ChoiceBox(bar, FACILITY, width=40)
        self.facility_box.pack(side="left", padx=(6, 12))
        ttk.Label(bar, text=_("Technique")).pack(side="left")
        self.technique_box = ChoiceBox(bar, TECHNIQUE, width=40)
        self.technique_box.pack(side="left", padx=(6, 12))
        self.technique_box.set_value(ALL)
        if self.facility_box.choices:
            self.facility_box.set_value(self.facility_box.choices[0].value)
        for box in (self.facility_box, self.technique_box):
            box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        actions = ttk.Frame(self)
        actions.pack(fill="x", pady=(0, 6))
        self.count_label = ttk.Label(actions, text="", bootstyle="secondary")
        self.count_label.pack(side="left")
        self.buttons: dict[str, ttk.Button] = {}
        for key, label, style, command in (("delete", _("Delete month"), "danger-outline", self.delete_month),
                                           ("edit", _("Edit month…"), "secondary-outline", self.edit_month),
                                           ("add", _("Add a month… (Ctrl+N)"), "success", self.new_record)):
            self.buttons[key] = ttk.Button(actions, text=label, bootstyle=style, command=command)
            self.buttons[key].pack(side="right", padx=(6, 0))
        self.chart = CasesChart(self, height=180)
        self.chart.pack(side="bottom", fill="x", pady=(8, 0))
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        left = ttk.Frame(body)
        left.pack(side="left", fill="both", expand=True)
        self.tree = scrolled_tree(left, COLUMNS, 8)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.tree.bind("<Double-1>", lambda _e: self.edit_month())
        self.panel = ttk.Frame(body, padding=(12, 0, 0, 0), width=400)
        self.panel.pack(side="left", fill="y")
        self.panel_title = ttk.Label(self.panel, text="", font=("TkHeadingFont", 11, "bold"), wraplength=380, justify="left")
        self.panel_title.pack(anchor="w")
        self.facts = ttk.Label(self.panel, text="", justify="left", wraplength=380)
        self.facts.pack(anchor="w", pady=(4, 0))
        self.verdict = ttk.Label(self.panel, text="", justify="left", wraplength=380, font=("TkDefaultFont", 10, "bold"))
        self.verdict.pack(anchor="w", pady=(6, 0))
        self.refresh()

    def facility(self) -> str:
        return self.facility_box.value()

    def technique(self) -> str:
        """The technique chosen above, else the one of the selected month."""
        chosen = self.technique_box.value()
        row = self.rows.get(self.selected_id() or "")
        return chosen or (row["technique_id"] if row else "")

    def selected_id(self) -> str | None:
        selection = self.tree.selection()
        return str(selection[0]) if selection else None

    def refresh(self, select: str | None = None) -> None:
        facility = self.facility()
        try:
            rows = case_logs.listing(facility, self.technique_box.value() or None) if facility else []
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        keep = select or self.selected_id()
        self.rows = {row["id"]: row for row in rows}
        self.tree.delete(*self.tree.get_children())
        for row in rows:
            self.tree.insert("", "end", iid=row["id"], values=(row["month_label"], row["technique"], row["cases_with_support"],
                                                               row["cases_independent"], row["referred_to_hcmc"]))
        self.count_label.configure(text=_("{count} months logged").format(count=len(rows)))
        if not keep or not self.tree.exists(keep):
            children = self.tree.get_children()
            keep = str(children[-1]) if children else None
        if keep:
            self.tree.selection_set(keep)
            self.tree.see(keep)
        self._selected()

    def _selected(self) -> None:
        chosen = self.selected_id() is not None
        self.buttons["add"].configure(state=edit_state() if self.facility() else "disabled")
        self.buttons["edit"].configure(state=edit_state() if chosen else "disabled")
        self.buttons["delete"].configure(state=edit_state("delete") if chosen else "disabled")
        self.show_outcome()

    def show_outcome(self) -> None:
        facility, technique = self.facility(), self.technique()
        self.outcome = None
        if facility and technique:
            try:
                self.outcome = case_outcomes.outcome(facility, technique)
            except HospitalDeskError as exc:
                dialogs.show_error(self, exc.message)
        found = self.outcome
        if found is None or not found["months"]:
            self.panel_title.configure(text=_("Outcome"))
            self.facts.configure(text=_("Choose a technique, or select a month, to see the outcome of the transfer."))
            self.verdict.configure(text="")
            self.chart.show(chart_months([]))
            return
        self.panel_title.configure(text=_("{technique} at {facility}").format(technique=found["technique"], facility=found["facility"]))
        start = month_text(found["transfer_start"])
        start += " " + (_("(the agreement's start)") if found["start_from_agreement"] else _("(no agreement: the first month with cases)"))
        before, after = found["referrals_before"], found["referrals_after"]
        lines = [
            _("First month with cases: {month}").format(month=month_text(found["first_month"])),
            _("Independence reached: {month}").format(month=month_text(found["independence_month"]) if found["independence_month"]
                                                       else _("not yet")),
            _("Transfer start: {month}").format(month=start),
            _("Cases: {support} with support, {independent} independently; {referred} patients referred to HCMC").format(
                support=found["cases_with_support"], independent=found["cases_independent"], referred=found["referred_to_hcmc"]),
            _("Referrals to HCMC per month: {before} over {before_months} months before the start, {after} over {after_months} months "
              "since").format(before=_per_month(before["per_month"]), before_months=before["months"],
                              after=_per_month(after["per_month"]), after_months=after["months"]),
        ]
        self.facts.configure(text="\n".join(lines))
        falling = found["referrals_falling"]
        if falling is None:
            self.verdict.configure(text=_("Not enough logged months before and after the start to compare."), foreground=QUIET)
        elif falling:
            self.verdict.configure(text="▼ " + _("Fewer patients referred to HCMC since the transfer started."), foreground=GOOD)
        else:
            self.verdict.configure(text="▲ " + _("Referrals to HCMC are not falling since the transfer started."), foreground=BAD)
        self.chart.show(chart_months(found["months"]))

    # --- actions --------------------------------------------------------------------------------
    def new_record(self) -> ActionDialog | None:
        if edit_state() != "normal" or not self.facility():
            return None
        values = {"facility": self.facility(), "technique": self.technique(), "month": _next_month(self.rows, self.technique())}

        def submit(changed: dict[str, Any]) -> None:
            self._saved = case_logs.save(changed)

        self.dialog = ActionDialog(self, _("Add a month's case log"), _("Counts only: never a patient's name."), case_logs.form_fields(),
                                   values, submit, _("Save"), on_done=lambda: self.refresh(self._saved), columns=2)
        return self.dialog

    def edit_month(self) -> ActionDialog | None:
        case_log_id = self.selected_id()
        if case_log_id is None or edit_state() != "normal":
            return None
        self.dialog = edit_dialog(self, _("Edit a month's case log"), case_logs.form_fields(), lambda: case_logs.form_values(case_log_id),
                                  lambda values: case_logs.save(values, case_log_id), on_done=lambda: self.refresh(case_log_id), columns=2)
        return self.dialog

    def delete_month(self) -> None:
        row = self.rows.get(self.selected_id() or "")
        if row is None:
            return
        question = _("Delete the case log of {technique} for {month}?").format(technique=row["technique"], month=row["month_label"])
        if delete_after_asking(self, question, lambda: case_logs.delete(row["id"])):
            self.refresh()

    # --- view protocol (the networks screen's tabs) ------------------------------------------------
    def on_show(self) -> None:
        self.facility_box.reload()
        self.technique_box.reload()
        self.refresh()


def _per_month(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def _next_month(rows: dict[str, dict[str, Any]], technique: str) -> str:
    """The month after the technique's last logged one (what is usually entered next), else this month."""
    months = [row["month"] for row in rows.values() if row["technique_id"] == technique]
    if not months:
        return case_logs.month_label(dt.date.today().replace(day=1))
    last = max(months)
    index = int(last[:4]) * 12 + int(last[5:7])
    return case_logs.month_label(dt.date(index // 12, index % 12 + 1, 1))
