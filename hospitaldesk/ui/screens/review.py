"""The 6-monthly review (sơ kết): choose a period and a scope (the region, a province, one hospital); the
figures are compiled off the Tk thread and shown with the cases chart; beside them the user writes the
report's header, narrative and signing block, saves it (one per period and scope), prints it through the
preview and exports the figures to Excel."""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.reports.review_data import Period, ReviewFigures, ReviewScope
from hospitaldesk.services import authority, review, review_drafts
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.services.provinces import province_choices
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import run_in_thread
from hospitaldesk.ui.widgets.cases_chart import CasesChart
from hospitaldesk.ui.widgets.form import ChoiceBox, FormView

ALL = ""
HALF_YEARS = 6  # half-years offered in the period list, the latest finished one first
OTHER_DATES = "other"  # the list's last choice: the dates as typed


def half_year_choices(today: dt.date | None = None) -> list[Choice]:
    """'6 tháng đầu năm 2026', … : the latest finished half-year first; the value is 'start:end' (ISO)."""
    period = review.half_year(today or dt.date.today())
    out = []
    for _n in range(HALF_YEARS):
        template = _("First half of {year}") if period.start.month == 1 else _("Second half of {year}")
        out.append(Choice(f"{period.start.isoformat()}:{period.end.isoformat()}", template.format(year=period.start.year)))
        period = review.half_year(period.start)
    return [*out, Choice(OTHER_DATES, _("Other dates"))]


PERIOD = FieldSpec("period", N_("Reporting period"), "choice", required=True, choices=half_year_choices)
PROVINCE = FieldSpec("province", N_("Province"), "choice", required=True,
                     choices=lambda: [Choice(ALL, _("The whole region")), *province_choices()])
FACILITY = FieldSpec("facility", N_("Hospital"), "choice", required=True,
                     choices=lambda: [Choice(ALL, _("Every hospital")), *facility_choices()])
# The form in three tabs: (title msgid, fields, columns, height of a multi-line box)
TABS = [
    (N_("Header and signing"), review_drafts.HEADER_FIELDS + review_drafts.SIGNING_FIELDS, 2, 3),
    (N_("Results and difficulties"), review_drafts.NARRATIVE_FIELDS[:2], 1, 8),
    (N_("Plans and proposals"), review_drafts.NARRATIVE_FIELDS[2:], 1, 5),
]


class ReviewScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=(12, 8))
        self.figures: ReviewFigures | None = None
        self.shown: tuple[Period, ReviewScope] | None = None  # what the figures and the form are for
        self.loading = self._again = False
        self.preview: Any = None
        self.export_job: Any = None
        self._build_header()
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=5, uniform="halves")
        body.columnconfigure(1, weight=6, uniform="halves")
        body.rowconfigure(0, weight=1)
        self._build_figures(body)
        self._build_form(body)
        self.period_box.current(0)
        self._period_chosen()
        self._apply_rights()
        self.refresh()

    # --- building ---------------------------------------------------------------------------------
    def _build_header(self) -> None:
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 4))
        ttk.Label(header, text=_("6-monthly review"), font=("TkHeadingFont", 16, "bold")).pack(side="left", padx=(0, 16))
        self.save_button = ttk.Button(header, text=_("Save"), bootstyle="success", command=self.save_record)
        self.save_button.pack(side="right")
        self.print_button = ttk.Button(header, text=_("Print…"), bootstyle="primary-outline", command=self.print_report)
        self.print_button.pack(side="right", padx=8)
        self.export_button = ttk.Button(header, text=_("Export to Excel…"), bootstyle="secondary-outline", command=self.export)
        self.export_button.pack(side="right")
        when = ttk.Frame(self)
        when.pack(fill="x", pady=(0, 4))
        ttk.Label(when, text=_(PERIOD.label)).pack(side="left")
        self.period_box = ChoiceBox(when, PERIOD, width=22)
        self.period_box.pack(side="left", padx=(4, 12))
        self.period_box.bind("<<ComboboxSelected>>", lambda _e: self._period_chosen(), add="+")
        self.start_var, self.end_var = tk.StringVar(), tk.StringVar()
        for label, variable in ((_("From"), self.start_var), (_("To"), self.end_var)):
            ttk.Label(when, text=label).pack(side="left")
            entry = ttk.Entry(when, textvariable=variable, width=11)
            entry.pack(side="left", padx=(4, 12))
            entry.bind("<Return>", lambda _e: self.refresh())
            entry.bind("<FocusOut>", lambda _e: self._dates_typed(), add="+")
        self.state_label = ttk.Label(when, text="", bootstyle="secondary")
        self.state_label.pack(side="right")
        where = ttk.Frame(self)
        where.pack(fill="x", pady=(0, 8))
        self.province_box = ChoiceBox(where, PROVINCE, width=26)
        self.facility_box = ChoiceBox(where, FACILITY, width=34)
        for label, box in ((_(PROVINCE.label), self.province_box), (_(FACILITY.label), self.facility_box)):
            ttk.Label(where, text=label).pack(side="left")
            box.pack(side="left", padx=(4, 12))
            box.set_value(ALL)
            box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        ttk.Label(where, text=_("A hospital chosen: that hospital alone."), bootstyle="secondary").pack(side="left")

    def _build_figures(self, body: ttk.Frame) -> None:
        left = ttk.Frame(body)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self.scope_title = ttk.Label(left, text="", font=("TkHeadingFont", 11, "bold"), justify="left")
        self.scope_title.pack(anchor="w", fill="x")
        self.scope_title.bind("<Configure>", lambda e: self.scope_title.configure(wraplength=max(e.width - 4, 200)))
        self.chart = CasesChart(left, height=150)
        self.chart.pack(side="bottom", fill="x", pady=(6, 0))
        holder = ttk.Frame(left)
        holder.pack(fill="both", expand=True, pady=(4, 0))
        self.tree = ttk.Treeview(holder, columns=("label", "value"), show="headings", selectmode="browse")
        self.tree.heading("label", text=_("Indicator"), anchor="w")
        self.tree.heading("value", text=_("Result"), anchor="center")
        self.tree.column("label", width=360, stretch=True)
        self.tree.column("value", width=110, stretch=False, anchor="center")
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)

    def _build_form(self, body: ttk.Frame) -> None:
        self.notebook = ttk.Notebook(body)
        self.notebook.grid(row=0, column=1, sticky="nsew")
        self.forms: list[FormView] = []
        for title, specs, columns, height in TABS:
            page = ttk.Frame(self.notebook, padding=8)
            form = FormView(page, specs, wrap=280 if columns > 1 else 560, text_height=height, columns=columns)
            form.pack(fill="both", expand=True)
            self.notebook.add(page, text=_(title))
            self.forms.append(form)

    def _apply_rights(self) -> None:
        """A viewer reads and prints; saving is off (the service refuses anyway: this spares a click)."""
        self.save_button.configure(state="normal" if authority.allowed("edit") else "disabled")

    # --- the period and the scope -----------------------------------------------------------------
    def _period_chosen(self) -> None:
        start, _sep, end = self.period_box.value().partition(":")
        if start and end:
            self.start_var.set(format_date(dt.date.fromisoformat(start)))
            self.end_var.set(format_date(dt.date.fromisoformat(end)))
            self.refresh()

    def _dates_typed(self) -> None:
        if self.shown is not None and (self.start_var.get(), self.end_var.get()) != (
                format_date(self.shown[0].start), format_date(self.shown[0].end)):
            self.refresh()

    def request(self) -> tuple[Period, ReviewScope]:
        """The period typed and the scope chosen; ValidationError names a bad date."""
        period = review.period_of(self.start_var.get(), self.end_var.get())
        facility = self.facility_box.value()
        return period, ReviewScope(facility=facility) if facility else ReviewScope(province=self.province_box.value())

    # --- data -------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for form in self.forms:
            merged.update(form.get_values())
        return merged

    def is_dirty(self) -> bool:
        return any(form.is_dirty() for form in self.forms)

    def refresh(self) -> None:
        """Compile the figures and load what was written, off the Tk thread. Unsaved text is offered to be saved
        before another review opens, and kept when the same one is compiled again. Asked again while compiling,
        it compiles once more after (the latest choice wins)."""
        if not hasattr(self, "forms"):
            return
        if self.loading:
            self._again = True
            return
        try:
            wanted = self.request()
        except ValidationError as exc:
            self.state_label.configure(text=exc.message, bootstyle="danger")  # beside the dates, not a window over them
            return
        keep_text = self.shown == wanted and self.is_dirty()
        if self.shown is not None and wanted != self.shown and self.is_dirty() and authority.allowed("edit") and dialogs.ask_yes_no(
                self, _("Save what you wrote for the review shown before opening another?")) and not self._save(self.shown):
            return
        self.loading, self._again = True, False
        self._set_busy(True)
        self.state_label.configure(text=_("Compiling…"), bootstyle="secondary")

        def work(_job: Any, _progress: Any) -> tuple[ReviewFigures, dict[str, Any]]:
            return review.compile_review(*wanted), review_drafts.load(*wanted)

        run_in_thread(self, work, lambda result: self._loaded(wanted, result[0], result[1], keep_text=keep_text), self._failed)

    def _set_busy(self, busy: bool) -> None:
        """While compiling, the text and the actions are off: nothing typed then is lost, nothing is saved to the wrong review."""
        for form in self.forms:
            form.set_enabled(not busy)
        for button in (self.print_button, self.export_button):
            button.configure(state="disabled" if busy else "normal")
        self.save_button.configure(state="disabled" if busy or not authority.allowed("edit") else "normal")

    def _loaded(self, wanted: tuple[Period, ReviewScope], figures: ReviewFigures, text: dict[str, Any], keep_text: bool = False) -> None:
        self.loading = False
        self._set_busy(False)
        self.shown, self.figures = wanted, figures
        listed = f"{figures.period.start.isoformat()}:{figures.period.end.isoformat()}"
        self.period_box.set_value(listed if any(c.value == listed for c in self.period_box.choices) else OTHER_DATES)
        self.state_label.configure(text=_("Compiled on {date}").format(date=format_date(dt.date.today())), bootstyle="secondary")
        period = _("{start} – {end}").format(start=format_date(figures.period.start), end=format_date(figures.period.end))
        scope = figures.scope_label[:1].upper() + figures.scope_label[1:]  # 'tỉnh Cà Mau' starts the line
        template = _("{scope} · {period} · text saved") if text.get("id") else _("{scope} · {period} · nothing written yet")
        self.scope_title.configure(text=template.format(scope=scope, period=period))
        self.tree.delete(*self.tree.get_children())
        for index, (label, value) in enumerate(review.total_lines(figures)):
            self.tree.insert("", "end", iid=str(index), values=(label, value))
        self.chart.show(figures.case_months)
        if not keep_text:  # the same review compiled again keeps what is being written
            form_values = {k: "" if v is None else format_date(v) if isinstance(v, dt.date) else v for k, v in text.items()}
            for form in self.forms:
                form.set_values(form_values)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.loading = self._again = False
        self._set_busy(False)
        self.state_label.configure(text="")
        message = getattr(exc, "message", None)
        dialogs.show_error(self, message or _("The review could not be compiled ({detail}).").format(detail=type(exc).__name__))

    # --- actions ----------------------------------------------------------------------------------
    def save_record(self) -> bool:
        shown = self._ready()
        return shown is not None and self._save(shown)

    def _save(self, shown: tuple[Period, ReviewScope]) -> bool:
        """The text of the forms, kept for the review `shown` (the one whose figures are on screen)."""
        try:
            review_drafts.save(*shown, self.values())
        except ValidationError as exc:
            for index, form in enumerate(self.forms):
                form.show_errors(exc)
                if any(e.field in form.error_labels for e in exc.errors):
                    self.notebook.select(index)
                    break
            self.state_label.configure(text=_("Not saved: {problem}").format(problem=exc.errors[0].message), bootstyle="danger")
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        for form in self.forms:
            form.clear_errors()
            form.mark_clean()
        self.state_label.configure(text=_("Saved: {period}.").format(period=_("{start} – {end}").format(
            start=format_date(shown[0].start), end=format_date(shown[0].end))), bootstyle="success")
        return True

    def _ready(self) -> tuple[Period, ReviewScope] | None:
        """What the figures on screen are for, when the dates and scope chosen are those; None (with a word beside
        the dates) while compiling, or when what is typed was not compiled yet (or is not a date)."""
        if self.shown is None or self.loading:
            self.state_label.configure(text=_("The figures are still being compiled: try again in a moment."), bootstyle="danger")
            return None
        try:
            chosen = self.request()
        except ValidationError as exc:
            self.state_label.configure(text=exc.message, bootstyle="danger")
            return None
        if chosen != self.shown:
            self.state_label.configure(text=_("The dates or the scope chosen are not those shown: press Enter to compile them first."),
                                       bootstyle="danger")
            return None
        return self.shown

    def print_report(self) -> Any:
        shown = self._ready()
        if shown is None:
            return None
        from hospitaldesk.services import review_print
        from hospitaldesk.ui.screens.print_preview import PrintPreview

        values, figures = self.values(), self.figures
        build: Callable[[], bytes] = lambda: review_print.review_pdf(*shown, values, figures)  # noqa: E731
        self.preview = PrintPreview(self, _("6-monthly review"), build, f"SoKet_{shown[0].start.isoformat()}_{shown[0].end.isoformat()}.pdf")
        return self.preview

    def export(self) -> Any:
        shown = self._ready()
        if shown is None:
            return None
        from hospitaldesk.services import review_print
        from hospitaldesk.services.exports import suggested_name
        from hospitaldesk.ui.exporting import export_to_excel

        self.export_job = export_to_excel(self, suggested_name(_("6-monthly review")),
                                          lambda path, _rows: review_print.export_review(*shown, path, self.figures))
        return self.export_job

    # --- screen protocol used by the main window --------------------------------------------------
    def on_show(self) -> None:
        self.province_box.reload()
        self.facility_box.reload()
        self._apply_rights()

    def focus_search(self) -> None:
        self.period_box.focus_set()
