"""The gap action plan: every item an assessment found missing, across facilities and techniques,
with who closes it, by when, at what cost and paid by whom.

Filters above, the gaps in a table on the left, the selected gap's form on the right.
Everything is read and written through services.gaps.
"""
from __future__ import annotations

import tkinter as tk
from typing import Any, Literal

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _, format_money, format_number, ngettext
from hospitaldesk.services import facilities, gaps
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.form import ChoiceBox, FormView

DETAILS_WIDTH = 300  # the selected gap's item, facility and technique, above Save
FORM_COLUMNS = 3
FIELD_WRAP = 230
Anchor = Literal["w", "e", "center"]
# (key, heading msgid, width, anchor, fixed): dates, amounts and statuses keep their width
# so they are never cut; the text columns share what is left in proportion to their widths.
COLUMNS: list[tuple[str, str, int, Anchor, bool]] = [
    ("item", N_("Item"), 240, "w", False),
    ("facility", N_("Facility"), 150, "w", False),
    ("technique", N_("Technique"), 150, "w", False),
    ("owner", N_("Responsible"), 120, "w", False),
    ("due", N_("Due date"), 92, "center", True),
    ("cost", N_("Cost (VND)"), 122, "e", True),
    ("funding", N_("Funding source"), 120, "w", False),
    ("status", N_("Status"), 118, "w", True),  # "Đang thực hiện"
]
ALL = ""
SHOWN_ROWS = 500  # a region has tens of thousands of open gaps: list the earliest due, count them all


def status_filter_choices() -> list[Choice]:
    return [Choice("open", _("Open or in progress")), Choice("done", _("Done")), Choice("cancelled", _("Cancelled")),
            Choice(ALL, _("All"))]


def funding_filter_choices() -> list[Choice]:
    return [Choice(ALL, _("All")), *terms.funding_choices()]


def facility_filter_choices() -> list[Choice]:
    return [Choice(ALL, _("All")), *facilities.facility_choices()]


FILTERS = [
    FieldSpec("status", N_("Status"), "choice", required=True, choices=status_filter_choices),
    FieldSpec("funding_source", N_("Funding source"), "choice", required=True, choices=funding_filter_choices),
    FieldSpec("facility", N_("Facility"), "choice", required=True, choices=facility_filter_choices),
]


class GapsView(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=8)
        self.rows: list[dict[str, Any]] = []
        self.totals: dict[str, int] = {"count": 0, "overdue": 0, "cost": 0}
        self.current_id: str | None = None
        # No big title: the view sits in the Readiness screen's "Gap actions" tab, which names it.
        ttk.Label(self, text=_("What the finished assessments found missing, and who closes each gap by when."),
                  bootstyle="secondary").pack(anchor="w", pady=(0, 6))
        # Created in Tab order (filters, table, form, Save); the panel is packed first so it keeps its height.
        self._build_filters()
        table = self._build_table()
        panel = self._build_panel()
        panel.pack(side="bottom", fill="x")
        ttk.Separator(self).pack(side="bottom", fill="x", pady=(8, 0))
        table.pack(side="top", fill="both", expand=True)
        self.reload()

    # --- building -----------------------------------------------------------------------------
    def _build_filters(self) -> None:
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 8))
        self.filters: dict[str, ChoiceBox] = {}
        widths = {"status": 22, "funding_source": 26, "facility": 40}
        for column, spec in enumerate(FILTERS):
            # Label above its box: the Vietnamese labels are long.
            ttk.Label(bar, text=_(spec.label)).grid(row=0, column=column, sticky="w", padx=(0, 12))
            box = ChoiceBox(bar, spec, width=widths[spec.name])
            box.grid(row=1, column=column, sticky="w", padx=(0, 12))
            box.bind("<<ComboboxSelected>>", lambda _e: self._filters_changed(), add="+")
            self.filters[spec.name] = box
        self.filters["status"].set_value("open")
        self.filters["funding_source"].set_value(ALL)
        self.filters["facility"].set_value(ALL)
        self.overdue_var = tk.BooleanVar(value=False)
        self.overdue_check = ttk.Checkbutton(bar, text=_("Overdue only"), variable=self.overdue_var, command=self._filters_changed,
                                             bootstyle="danger")
        self.overdue_check.grid(row=1, column=len(FILTERS), sticky="w", padx=(4, 0))
        self._applied = self.filter_values()

    def _filters_changed(self) -> None:
        """A filter may hide the gap being edited: ask before its changes are dropped."""
        discard = self.is_dirty()
        if discard and not dialogs.ask_yes_no(self, _("You have unsaved changes in this form. Discard them?")):
            self._put_filters(self._applied)
            return
        self.reload()
        if discard and self.current_id is not None:
            self._show_gap(self._row(self.current_id))  # still listed: its saved values again

    def _put_filters(self, values: dict[str, Any]) -> None:
        self.overdue_var.set(bool(values["overdue"]))
        self.filters["status"].set_value(values["status"])
        self.filters["funding_source"].set_value(values["funding_source"])
        self.filters["facility"].set_value(values["facility_id"])

    def _build_table(self) -> ttk.Frame:
        left = ttk.Frame(self)
        footer = ttk.Frame(left)
        footer.pack(side="bottom", fill="x", pady=(6, 0))
        self.count_label = ttk.Label(footer, text="", bootstyle="secondary")
        self.count_label.pack(side="left")
        self.total_label = ttk.Label(footer, text="", font=("TkDefaultFont", 10, "bold"))
        self.total_label.pack(side="right")
        holder = ttk.Frame(left)
        holder.pack(side="top", fill="both", expand=True)
        self.tree = ttk.Treeview(holder, columns=[c[0] for c in COLUMNS], show="headings", selectmode="browse")
        for key, heading, width, anchor, _fixed in COLUMNS:
            self.tree.heading(key, text=_(heading), anchor=anchor)
            self.tree.column(key, width=width, minwidth=40, anchor=anchor, stretch=False)
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.tag_configure("overdue", foreground=self._danger_colour())
        self.tree.bind("<Configure>", self._fit_columns)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._on_select())
        self.tree.bind("<Return>", lambda _e: self.focus_form())
        self.tree.bind("<Double-1>", lambda _e: self.focus_form())
        self.tree.bind("<FocusIn>", lambda _e: self._select_first(), add="+")
        return left

    def _build_panel(self) -> ttk.Frame:
        """Under the table: the selected gap's facts on the left, its form in three columns, Save.

        Below rather than beside the table: beside it, the eight columns got ~730 pixels at
        1366×768 and facility and technique names were cut to "Bệnh viện", "Lọc máu li".
        """
        panel = ttk.Frame(self, padding=(0, 10, 0, 0))
        panel.columnconfigure(1, weight=1)
        facts = ttk.Frame(panel, width=DETAILS_WIDTH)
        facts.grid(row=0, column=0, rowspan=2, sticky="nsw", padx=(0, 16))
        facts.pack_propagate(False)
        self.title = ttk.Label(facts, text="", font=("TkHeadingFont", 11, "bold"), wraplength=DETAILS_WIDTH - 8, justify="left")
        self.title.pack(anchor="w", fill="x")
        self.facts = ttk.Label(facts, text="", bootstyle="secondary", wraplength=DETAILS_WIDTH - 8, justify="left")
        self.facts.pack(anchor="w", fill="x", pady=(2, 0))
        self.alert = ttk.Label(facts, text="", bootstyle="danger", wraplength=DETAILS_WIDTH - 8, justify="left")
        self.alert.pack(anchor="w", fill="x", pady=(2, 0))
        # Save and its message under the form, right: the facts' column can be filled by a long item.
        buttons = ttk.Frame(panel)
        buttons.grid(row=1, column=1, sticky="ew", pady=(4, 0))
        self.status = ttk.Label(buttons, text="", wraplength=700, justify="left")
        self.status.pack(side="left", anchor="w", fill="x", expand=True)
        self.form = FormView(panel, gaps.FIELDS, wrap=FIELD_WRAP, text_height=3)
        self.form.grid(row=0, column=1, sticky="nsew")
        self._arrange_form()
        # Made after the form, so Tab goes from the last field to Save.
        self.save_button = ttk.Button(panel, text=_("Save (Ctrl+S)"), bootstyle="primary", command=self.save_record)
        self.save_button.pack(in_=buttons, side="right")
        for widget in self.form.inputs.values():
            widget.bind("<Escape>", lambda _e: self._back_to_table(), add="+")
        self._show_gap(None)
        return panel

    def _arrange_form(self) -> None:
        """The form's fields (each in its own cell, label above input) in three columns, in reading order."""
        for index, spec in enumerate(gaps.FIELDS):
            cell = self.form.nametowidget(self.form.inputs[spec.name].winfo_parent())
            row, column = divmod(index, FORM_COLUMNS)
            cell.grid_configure(row=row, column=column, padx=(0, 12), sticky="new")
        for column in range(FORM_COLUMNS):
            self.form.columnconfigure(column, weight=1, uniform="gap-form")

    def _danger_colour(self) -> str:
        try:
            return str(ttk.Style().colors.get("danger"))
        except Exception:  # noqa: BLE001 - a theme without that colour: plain red
            return "#b02a37"

    def _fit_columns(self, event: tk.Event) -> None:
        """Fixed columns at their width; the text columns share the rest in proportion to theirs."""
        fixed = sum(width for _k, _h, width, _a, is_fixed in COLUMNS if is_fixed)
        shared = sum(width for _k, _h, width, _a, is_fixed in COLUMNS if not is_fixed)
        available = max(event.width - 4 - fixed, 300)
        for key, _h, width, _a, is_fixed in COLUMNS:
            self.tree.column(key, width=width if is_fixed else max(50, available * width // shared))

    # --- the list -----------------------------------------------------------------------------
    def filter_values(self) -> dict[str, Any]:
        return {"status": self.filters["status"].value(), "overdue": bool(self.overdue_var.get()),
                "funding_source": self.filters["funding_source"].value(), "facility_id": self.filters["facility"].value()}

    def set_filter(self, name: str, value: Any) -> None:
        """Choose a filter as the user would ("status", "funding_source", "facility" or "overdue"), then reload."""
        if name == "overdue":
            self.overdue_var.set(bool(value))
        else:
            self.filters[name].set_value(str(value))
        self._filters_changed()

    def reload(self, select: str | None = None) -> None:
        """Ask the service for the gaps the filters allow; keep (or set) the selection."""
        keep = select or self.current_id
        try:
            self.rows = gaps.listing(**self.filter_values(), limit=SHOWN_ROWS)
            self.totals = gaps.totals(**self.filter_values())
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self._applied = self.filter_values()
        # Selecting `keep` again sends <<TreeviewSelect>> for the gap already shown: _on_select ignores it.
        self.tree.delete(*self.tree.get_children())
        for row in self.rows:
            self.tree.insert("", "end", iid=row["id"], values=self._cells(row), tags=("overdue",) if row["overdue"] else ())
        if keep is not None and self.tree.exists(keep):
            self.tree.selection_set(keep)
            self.tree.focus(keep)
            self.tree.see(keep)
        self._show_totals()
        if keep is None or not self.tree.exists(keep):
            self._show_gap(None)

    @staticmethod
    def _cells(row: dict[str, Any]) -> tuple[str, ...]:
        item = ("★ " if row["critical"] else "") + row["item"]
        due = row["due"]  # overdue rows are red, and counted under the table
        cost = format_number(row["cost"]) if row["cost"] else ""
        return (item, row["facility"], row["technique"], row["owner"], due, cost, row["funding"], row["status_label"])

    def _show_totals(self) -> None:
        """Counted over every gap the filters allow, not only the rows shown."""
        count, overdue = self.totals["count"], self.totals["overdue"]
        text = ngettext("{count} gap", "{count} gaps", count).format(count=format_number(count))
        if overdue:
            text += " · " + ngettext("{count} overdue", "{count} overdue", overdue).format(count=format_number(overdue))
        if count > len(self.rows):
            text += " · " + _("the {shown} due first are listed: narrow the list with the filters").format(shown=format_number(len(self.rows)))
        self.count_label.configure(text=text)
        self.total_label.configure(text=_("Total estimated cost: {amount}").format(amount=format_money(self.totals["cost"])))

    def visible_ids(self) -> list[str]:
        return [str(iid) for iid in self.tree.get_children()]

    def selected_id(self) -> str | None:
        selection = self.tree.selection()
        return str(selection[0]) if selection else None

    def open_gap(self, gap_id: str) -> None:
        """Shown from the overview: the open and overdue gaps listed, this one selected and in the form."""
        if self.is_dirty() and not dialogs.ask_yes_no(self, _("You have unsaved changes in this form. Discard them?")):
            return
        self._put_filters({"status": "open", "overdue": True, "funding_source": ALL, "facility_id": ALL})
        self.reload(select=gap_id)
        self._show_gap(self._row(gap_id))

    # --- the selected gap ---------------------------------------------------------------------
    def _row(self, gap_id: str | None) -> dict[str, Any] | None:
        return next((row for row in self.rows if row["id"] == gap_id), None)

    def _on_select(self) -> None:
        gap_id = self.selected_id()
        if gap_id is None or gap_id == self.current_id:
            return
        if self.form.is_dirty() and self.current_id is not None:
            if not dialogs.ask_yes_no(self, _("You have unsaved changes in this form. Discard them?")):
                if self.tree.exists(self.current_id):  # back to the gap being edited
                    self.tree.selection_set(self.current_id)
                    self.tree.focus(self.current_id)
                return
        self._show_gap(self._row(gap_id))
        self.status.configure(text="", bootstyle="default")

    def _show_gap(self, row: dict[str, Any] | None) -> None:
        self.current_id = row["id"] if row is not None else None
        if row is None:
            self.form.clear()
            self.title.configure(text=_("Select a gap in the list."))
            self.facts.configure(text="")
            self.alert.configure(text="")
            self._set_form_state("disabled")
            return
        self._set_form_state("normal")
        self.title.configure(text=("★ " if row["critical"] else "") + row["item"])
        self.facts.configure(text=_("{facility} · {technique}").format(facility=row["facility"], technique=row["technique"]))
        alerts = []
        if row["critical"]:
            alerts.append(_("Critical item: the technique is not ready while it is missing."))
        if row["overdue"]:
            alerts.append(_("Overdue since {date}.").format(date=row["due"]))
        self.alert.configure(text="\n".join(alerts))
        self.form.set_values({"owner": row["owner"], "due": row["due"], "cost": format_number(row["cost"]) if row["cost"] else "",
                              "funding_source": row["funding_source"], "status": row["status"], "note": row["note"]})

    def _set_form_state(self, state: str) -> None:
        for spec in gaps.FIELDS:
            widget = self.form.inputs[spec.name]
            if spec.kind == "choice":
                widget.configure(state="readonly" if state == "normal" else "disabled")
            else:
                widget.configure(state=state)
        self.save_button.configure(state=state if edit_state() == "normal" else "disabled")

    def _select_first(self) -> None:
        """Tabbing into an unselected table selects its first gap, so Up/Down work at once."""
        children = self.tree.get_children()
        if children and not self.tree.selection():
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])

    def focus_form(self) -> str:
        if self.current_id is not None:
            self.form.focus_first()
        return "break"

    def _back_to_table(self) -> str:
        self.tree.focus_set()
        if self.current_id is not None and self.tree.exists(self.current_id):
            self.tree.focus(self.current_id)
        return "break"

    # --- saving -------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self.current_id is not None and self.form.is_dirty()

    def save_record(self) -> bool:
        gap_id = self.current_id
        if gap_id is None:
            self.status.configure(text=_("Select a gap in the list."), bootstyle="default")
            return False
        try:
            gaps.update(gap_id, self.form.get_values())
        except ValidationError as exc:
            self.form.show_errors(exc)
            count = len(exc.errors)
            summary = ngettext("Not saved: {count} field needs attention.", "Not saved: {count} fields need attention.", count)
            self.status.configure(text=summary.format(count=count), bootstyle="danger")
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.reload(select=gap_id)
        if self.tree.exists(gap_id):
            self._show_gap(self._row(gap_id))
            self.status.configure(text=_("Saved."), bootstyle="success")
        else:
            self._show_gap(None)
            self.status.configure(text=_("Saved. The gap no longer matches the filters, so it left the list."), bootstyle="success")
        return True

    # --- screen protocol used by the main window ----------------------------------------------
    def on_show(self) -> None:
        for box in self.filters.values():
            box.reload()  # new facilities appear in the filter
        if self.is_dirty():
            self._show_totals()  # keep what is being typed; the list is refreshed on save
            return
        self.reload()

    def focus_search(self) -> None:
        self.filters["status"].focus_set()
