"""The overview: the first screen, what needs attention in one look. Tiles count the agreements by
status; lists name the reviews due, the techniques at risk, the overdue gap actions and the
commitments ending (double-click or Enter opens the record in its screen); a chart shows the cases
per month, and readiness and retention over time. Filters by province, specialty and partner hospital.
Compiled off the Tk thread (the trends after the rest)."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import overview, trends
from hospitaldesk.services.agreements import specialty_choices
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.services.provinces import province_choices
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import run_in_thread
from hospitaldesk.services.trends import TrendPoint
from hospitaldesk.ui.widgets.cases_chart import CasesChart
from hospitaldesk.ui.widgets.form import ChoiceBox
from hospitaldesk.ui.widgets.row_tip import RowTip
from hospitaldesk.ui.widgets.trends_chart import TrendsChart

ALL = ""
DANGER = "#b02a37"
TILE_STYLES = {"draft": "secondary", "signed": "info", "in_progress": "primary", "accepted": "success", "closed": "dark",
               "terminated": "danger"}


def _with_all(label: str, choices: Callable[[], list[Choice]]) -> Callable[[], list[Choice]]:
    return lambda: [Choice(ALL, _(label)), *choices()]


FILTERS = [
    FieldSpec("province", N_("Province"), "choice", required=True, choices=_with_all(N_("All provinces"), province_choices)),
    FieldSpec("specialty", N_("Specialty"), "choice", required=True, choices=_with_all(N_("All specialties"), specialty_choices)),
    FieldSpec("partner", N_("Partner"), "choice", required=True, choices=_with_all(N_("All hospitals"), facility_choices)),
]
# (attribute of the screen, title msgid, (column key, heading msgid, width, stretch) ...)
LISTS = [
    ("reviews", N_("6-monthly reviews overdue or due within 30 days"),
     [("title", N_("Number"), 96, False), ("detail", N_("Parties"), 300, True), ("day", N_("Due"), 100, False)]),
    ("risks", N_("Techniques at risk"),
     [("title", N_("Technique"), 190, True), ("detail", N_("Where and why"), 300, True)]),
    ("gaps", N_("Gap actions overdue"),
     [("title", N_("Missing item"), 210, True), ("detail", N_("Facility and technique"), 210, True), ("day", N_("Due"), 100, False)]),
    ("commitments", N_("Commitments to serve ending within 90 days"),
     [("title", N_("Full name"), 150, False), ("detail", N_("Technique, facility"), 260, True), ("day", N_("Ends on"), 104, False)]),
]
LIST_ROWS = 5


class OverviewScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, open_record: Callable[[str, str], None]) -> None:
        super().__init__(master, padding=(12, 8))
        self.open_record = open_record
        self.data: overview.Overview | None = None
        self.items: dict[str, overview.Item] = {}  # tree item id -> what it opens
        self.loading = False
        self._again = False
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 6))
        ttk.Label(header, text=_("Overview"), font=("TkHeadingFont", 16, "bold")).pack(side="left", padx=(0, 16))
        self.filters: dict[str, ChoiceBox] = {}
        widths = {"province": 22, "specialty": 20, "partner": 30}
        for spec in FILTERS:
            ttk.Label(header, text=_(spec.label)).pack(side="left")
            box = ChoiceBox(header, spec, width=widths[spec.name])
            box.pack(side="left", padx=(4, 10))
            box.set_value(ALL)
            box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
            self.filters[spec.name] = box
        self.state_label = ttk.Label(header, text="", bootstyle="secondary")
        self.state_label.pack(side="right")
        self._build_tiles()
        charts = ttk.Frame(self)
        charts.pack(side="bottom", fill="x", pady=(6, 0))
        charts.columnconfigure(0, weight=3, uniform="charts")
        charts.columnconfigure(1, weight=2, uniform="charts")
        self.chart = CasesChart(charts, height=190)
        self.chart.grid(row=0, column=0, sticky="ew", padx=(0, 10))
        self.trends = TrendsChart(charts, height=190)
        self.trends.grid(row=0, column=1, sticky="ew")
        self.trends_generation = self.trends_shown = 0  # the latest asked for, the latest drawn
        self.duplications = ttk.Label(self, text="", foreground="#8a5a00", wraplength=1100, justify="left")  # dark amber: legible
        self.duplications.pack(side="bottom", anchor="w", pady=(4, 0))
        self.duplications.bind("<Button-1>", lambda _e: self._open_duplication())  # to the network, its warning shown
        grid = ttk.Frame(self)
        grid.pack(fill="both", expand=True)
        self.trees: dict[str, ttk.Treeview] = {}
        self.titles: dict[str, ttk.Label] = {}
        for index, (name, title, columns) in enumerate(LISTS):
            cell = ttk.Frame(grid)
            cell.grid(row=index // 2, column=index % 2, sticky="nsew", padx=(0, 10) if index % 2 == 0 else 0, pady=(0, 4))
            self.titles[name] = ttk.Label(cell, text=_(title), font=("TkHeadingFont", 10, "bold"))
            self.titles[name].pack(anchor="w")
            self.trees[name] = self._tree(cell, columns)
        for column in (0, 1):
            grid.columnconfigure(column, weight=1, uniform="lists")
        for row in (0, 1):
            grid.rowconfigure(row, weight=1, uniform="lists")
        self.refresh()

    def _build_tiles(self) -> None:
        row = ttk.Frame(self)
        row.pack(fill="x", pady=(0, 8))
        self.tiles: dict[str, ttk.Label] = {}
        for code, label in [*terms.STATUSES.items(), ("conflicts", N_("Sync conflicts"))]:
            style = TILE_STYLES.get(code, "light")
            tile = ttk.Frame(row, padding=(10, 4), bootstyle=style)
            tile.pack(side="left", fill="x", expand=True, padx=(0, 6))
            number = ttk.Label(tile, text="…", font=("TkHeadingFont", 18, "bold"), bootstyle=f"@{style}")
            number.pack(anchor="w")
            caption = ttk.Label(tile, text=_(label), bootstyle=f"@{style}")
            caption.pack(anchor="w")
            self.tiles[code] = number
            if code == "conflicts":
                self.conflict_tile, self.conflict_labels = tile, [number, caption]
                for widget in (tile, number, *tile.winfo_children()):
                    widget.bind("<Button-1>", lambda _e: self.open_record("sync", ""))

    def _tree(self, master: tk.Misc, columns: list[tuple[str, str, int, bool]]) -> ttk.Treeview:
        holder = ttk.Frame(master)
        holder.pack(fill="both", expand=True)
        tree = ttk.Treeview(holder, columns=[c[0] for c in columns], show="headings", selectmode="browse", height=LIST_ROWS)
        for key, heading, width, stretch in columns:
            tree.heading(key, text=_(heading), anchor="w")
            tree.column(key, width=width, minwidth=60, stretch=stretch, anchor="center" if key == "day" else "w")
        scroll = ttk.Scrollbar(holder, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        tree.pack(side="left", fill="both", expand=True)
        tree.tag_configure("late", foreground=DANGER)
        RowTip(tree)  # long names are cut at 1366 pixels: the whole row on hover (kept alive by its bindings)
        tree.bind("<Double-1>", lambda _e: self.open_selected(tree))
        tree.bind("<Return>", lambda _e: self.open_selected(tree))
        return tree

    # --- data ------------------------------------------------------------------------------------
    def scope(self) -> overview.Scope:
        return overview.Scope(**{name: box.value() for name, box in self.filters.items()})

    def refresh(self) -> None:
        """Compile in a worker thread (a region's database takes a while); a change meanwhile reloads after."""
        if self.loading:
            self._again = True
            return
        self.loading = True
        self.state_label.configure(text=_("Loading…"))
        scope = self.scope()
        run_in_thread(self, lambda _job, _progress: overview.compile_overview(scope), self._loaded, self._failed)

    def _loaded(self, data: overview.Overview) -> None:
        self.loading = False
        if self._again:
            self._again = False
            self.refresh()
            return
        self.show(data)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.state_label.configure(text="")
        message = getattr(exc, "message", None)
        dialogs.show_error(self, message or _("The overview could not be compiled ({detail}).").format(detail=type(exc).__name__))

    def show(self, data: overview.Overview) -> None:
        self.data = data
        self.state_label.configure(text=_("As of {date}").format(date=format_date(data.today)))
        for code, count in data.statuses.items():
            self.tiles[code].configure(text=str(count))
        self.tiles["conflicts"].configure(text=str(data.conflicts))
        style = "warning" if data.conflicts else "light"  # yellow only when a conflict waits
        self.conflict_tile.configure(bootstyle=style)
        for label in self.conflict_labels:
            label.configure(bootstyle=f"@{style}")
        self.items.clear()
        self._fill("reviews", [data.reviews_overdue, data.reviews_due])
        self._fill("risks", [data.not_ready, data.below_need])
        self._fill("gaps", [data.gaps_overdue])
        self._fill("commitments", [data.commitments])
        counts = {"reviews": data.reviews_overdue.total + data.reviews_due.total, "risks": data.not_ready.total + data.below_need.total,
                  "gaps": data.gaps_overdue.total, "commitments": data.commitments.total}
        for name, title, _columns in LISTS:
            self.titles[name].configure(text=f"{_(title)} ({counts[name]})", foreground=DANGER if counts[name] else "")
        dup = data.duplications
        self.duplications.configure(text="⚠ " + _("Duplication in the networks: {first}").format(first=dup.items[0].detail)
                                    + (" " + _("(and {count} more)").format(count=dup.total - 1) if dup.total > 1 else "")
                                    if dup.total else "", cursor="hand2" if dup.total else "")
        self.chart.show(data.cases)
        self._load_trends()

    def _load_trends(self) -> None:
        """Readiness and retention over time: a second, slower compilation, after the lists are shown. Only
        the latest filter's result is drawn (a filter changed meanwhile starts another)."""
        self.trends_generation += 1
        generation, scope = self.trends_generation, self.scope()

        def done(points: list[TrendPoint]) -> None:
            if generation == self.trends_generation:
                self.trends_shown = generation
                self.trends.show(points)

        def failed(_exc: BaseException) -> None:
            pass  # logged by run_in_thread; the chart stays as it was rather than a second error over the first screen

        run_in_thread(self, lambda _job, _progress: trends.overview_trends(scope), done, failed)

    def _fill(self, name: str, listings: list[overview.Listing]) -> None:
        tree = self.trees[name]
        tree.delete(*tree.get_children())
        columns = tree.cget("columns")
        for part, listing in enumerate(listings):
            for index, item in enumerate(listing.items):
                iid = f"{name}:{part}:{index}"
                cells = {"title": item.title, "detail": item.detail, "day": format_date(item.day) if item.day else ""}
                tree.insert("", "end", iid=iid, values=[cells[c] for c in columns], tags=("late",) if item.late else ())
                self.items[iid] = item

    def _open_duplication(self) -> None:
        listing = self.data.duplications if self.data is not None else None
        if listing is not None and listing.items:
            self.open_record(listing.items[0].screen, listing.items[0].record_id)

    def open_selected(self, tree: ttk.Treeview) -> str:
        selection = tree.selection()
        item = self.items.get(str(selection[0])) if selection else None
        if item is not None and item.screen:
            self.open_record(item.screen, item.record_id)
        return "break"

    # --- screen protocol used by the main window -------------------------------------------------
    def on_show(self) -> None:
        for box in self.filters.values():
            box.reload()
        self.refresh()

    def focus_search(self) -> None:
        self.filters["province"].focus_set()
