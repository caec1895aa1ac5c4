"""A searchable, sortable, paginated table over any service `fetch(ListQuery) -> Page`.

Only one page of rows lives in the Treeview, so 100,000 records open as fast as 100.
Typing in the search box waits for a short pause before asking the service.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_number, ngettext
from hospitaldesk.services.forms import Choice, Column, FilterSpec, ListQuery, Page

SEARCH_DELAY_MS = 250
FILTERS_PER_ROW = 3  # with the details panel beside the list, a fourth would run past its edge at 1366 pixels
ALL = ""


class DataTable(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        columns: list[Column],
        fetch: Callable[[ListQuery], Page],
        filters: list[FilterSpec] | None = None,
        on_select: Callable[[str | None], None] | None = None,
        on_open: Callable[[str], None] | None = None,
        page_size: int = 100,
        fill_later: Callable[[list[str]], dict[str, dict[str, str]]] | None = None,
    ) -> None:
        """`fill_later(ids)`: cells that cost a query of their own ({id: {column: text}}), filled once the
        page is on screen, so the rows show first (the agreements' readiness flags at start-up)."""
        super().__init__(master)
        self.fill_later = fill_later
        self._fill_job: str | None = None
        self.columns = columns
        self.fetch = fetch
        self.on_select = on_select
        self.on_open = on_open
        self.query = ListQuery(page_size=page_size)
        self.page: Page | None = None
        self._search_job: str | None = None
        self._filter_boxes: dict[str, tuple[ttk.Combobox, list[Choice]]] = {}
        self._filter_specs: dict[str, FilterSpec] = {}
        self._build_toolbar(filters or [])
        self._build_tree()
        self._build_pager()

    # --- building -------------------------------------------------------------------------
    def _build_toolbar(self, filters: list[FilterSpec]) -> None:
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 6))
        filter_bar = ttk.Frame(self)
        if filters:
            filter_bar.pack(fill="x", pady=(0, 6))
        ttk.Label(bar, text=_("Search")).pack(side="left")
        self.search_var = tk.StringVar()
        self.search_entry = ttk.Entry(bar, textvariable=self.search_var, width=32)
        self.search_entry.pack(side="left", padx=(6, 12))
        self.search_entry.bind("<KeyRelease>", self._on_search_typed)
        self.search_entry.bind("<Return>", lambda _e: self.refresh(reset_page=True))
        self.search_entry.bind("<Escape>", lambda _e: self.clear_search())
        for index, spec in enumerate(filters):
            # Label above its box, a few filters a row (FILTERS_PER_ROW): side by side they would run off the screen.
            row, column = divmod(index, FILTERS_PER_ROW)
            ttk.Label(filter_bar, text=_(spec.label)).grid(row=2 * row, column=column, sticky="w")
            box = ttk.Combobox(filter_bar, state="readonly", width=18)
            box.grid(row=2 * row + 1, column=column, sticky="w", padx=(0, 10), pady=(0, 4))
            box.bind("<<ComboboxSelected>>", lambda _e: self.refresh(reset_page=True))
            # The choices (every facility...) are read when the list is first opened, not at start-up.
            all_choice = Choice(ALL, _("All"))
            box.configure(values=[all_choice.label], postcommand=lambda s=spec, b=box: self._load_filter(s, b))
            box.current(0)
            self._filter_boxes[spec.name] = (box, [all_choice])
            self._filter_specs[spec.name] = spec
        self.count_label = ttk.Label(bar, text="", bootstyle="secondary")
        self.count_label.pack(side="right")

    def _load_filter(self, spec: FilterSpec, box: ttk.Combobox) -> None:
        """Fill a filter's list (on each opening, so new records appear), keeping what is chosen."""
        _box, old = self._filter_boxes[spec.name]
        chosen = old[box.current()].value if 0 <= box.current() < len(old) else ALL
        choices = [Choice(ALL, _("All"))] + spec.choices()
        box.configure(values=[c.label for c in choices])
        values = [c.value for c in choices]
        box.current(values.index(chosen) if chosen in values else 0)
        self._filter_boxes[spec.name] = (box, choices)

    def set_filter(self, name: str, value: str) -> None:
        """Choose a filter's value as the user would (its list is loaded first), then show the rows."""
        box = self._filter_boxes[name][0]
        self._load_filter(self._filter_specs[name], box)
        values = [c.value for c in self._filter_boxes[name][1]]
        box.current(values.index(value))
        self.refresh(reset_page=True)

    def _build_tree(self) -> None:
        holder = ttk.Frame(self)
        holder.pack(fill="both", expand=True)
        keys = [c.key for c in self.columns]
        self.tree = ttk.Treeview(holder, columns=keys, show="headings", selectmode="browse")
        for column in self.columns:
            self.tree.heading(column.key, text=_(column.label), anchor=column.anchor,
                              command=(lambda k=column.key: self.sort_by(k)) if column.sortable else "")
            self.tree.column(column.key, width=column.width, minwidth=40, anchor=column.anchor, stretch=False)
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")  # packed first: wide columns cannot push it out of sight
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.tag_configure("odd", background=self._stripe_colour())
        self.tree.bind("<Configure>", self._fit_columns)
        self.tree.bind("<<TreeviewSelect>>", self._on_select)
        self.tree.bind("<Double-1>", self._on_open)
        self.tree.bind("<Return>", self._on_open)

    def _fit_columns(self, event: tk.Event) -> None:
        """Fixed columns keep their declared width (while they leave the others 40 pixels each);
        the rest share what is left in proportion to their declared widths."""
        available = max(event.width - 4, 100)
        flexible = [c for c in self.columns if not c.fixed]
        fixed_total = sum(c.width for c in self.columns if c.fixed)
        room = available - fixed_total
        if room < 40 * len(flexible):  # too narrow even for that: everyone shrinks alike
            flexible, room = list(self.columns), available
        total = sum(c.width for c in flexible) or 1
        for column in self.columns:
            width = column.width if column not in flexible else max(40, room * column.width // total)
            self.tree.column(column.key, width=width)

    def _stripe_colour(self) -> str:
        try:
            return str(ttk.Style().colors.get("light"))
        except Exception:  # noqa: BLE001 - a theme without that colour: no stripes
            return ""

    def _build_pager(self) -> None:
        pager = ttk.Frame(self)
        pager.pack(fill="x", pady=(6, 0))
        self.prev_button = ttk.Button(pager, text=_("◀ Previous"), bootstyle="secondary-outline", command=lambda: self.go_to_page(-1))
        self.prev_button.pack(side="left")
        self.page_label = ttk.Label(pager, text="")
        self.page_label.pack(side="left", padx=12)
        self.next_button = ttk.Button(pager, text=_("Next ▶"), bootstyle="secondary-outline", command=lambda: self.go_to_page(+1))
        self.next_button.pack(side="left")
        self.error_label = ttk.Label(pager, text="", bootstyle="danger")
        self.error_label.pack(side="left", padx=12)

    # --- behaviour ------------------------------------------------------------------------
    def _on_search_typed(self, event: tk.Event) -> None:
        if event.keysym in ("Return", "Escape", "Tab"):
            return
        if self._search_job is not None:
            self.after_cancel(self._search_job)
        self._search_job = self.after(SEARCH_DELAY_MS, lambda: self.refresh(reset_page=True))

    def clear_search(self) -> None:
        self.search_var.set("")
        self.refresh(reset_page=True)

    def focus_search(self) -> None:
        self.search_entry.focus_set()
        self.search_entry.select_range(0, "end")

    def sort_by(self, key: str) -> None:
        if self.query.sort == key:
            self.query.descending = not self.query.descending
        else:
            self.query.sort, self.query.descending = key, False
        for column in self.columns:
            arrow = ""
            if column.key == key:
                arrow = " ▼" if self.query.descending else " ▲"
            self.tree.heading(column.key, text=_(column.label) + arrow)
        self.refresh()

    def go_to_page(self, step: int) -> None:
        if self.page is None:
            return
        target = self.page.page + step
        if 0 <= target < self.page.page_count:
            self.query.page = target
            self.refresh()

    def selected_id(self) -> str | None:
        selection = self.tree.selection()
        return selection[0] if selection else None

    def _on_select(self, _event: tk.Event) -> None:
        if self.on_select is not None:
            self.on_select(self.selected_id())

    def _on_open(self, _event: tk.Event) -> None:
        record_id = self.selected_id()
        if record_id and self.on_open is not None:
            self.on_open(record_id)

    def refresh(self, reset_page: bool = False, select: str | None = None) -> None:
        """Ask the service for the current page and show it; keep (or set) the selection."""
        self._search_job = None
        self.query.search = self.search_var.get()
        self.query.filters = {name: choices[box.current()].value for name, (box, choices) in self._filter_boxes.items() if box.current() >= 0}
        if reset_page:
            self.query.page = 0
        keep = select or self.selected_id()
        try:
            page = self.fetch(self.query)
        except HospitalDeskError as exc:
            self.error_label.configure(text=exc.message)
            return
        self.error_label.configure(text="")
        self.page = page
        self.tree.delete(*self.tree.get_children())
        for index, row in enumerate(page.rows):
            values = [row.get(c.key, "") for c in self.columns]
            self.tree.insert("", "end", iid=row["id"], values=values, tags=("odd",) if index % 2 else ())
        if page.capped:
            count_text = _("More than {count} rows: refine the search").format(count=format_number(page.total))
        else:
            count_text = ngettext("{count} row", "{count} rows", page.total).format(count=format_number(page.total))
        self.count_label.configure(text=count_text)
        self.page_label.configure(text=_("Page {page} of {pages}").format(page=page.page + 1, pages=page.page_count))
        self.prev_button.configure(state="normal" if page.page > 0 else "disabled")
        self.next_button.configure(state="normal" if page.page + 1 < page.page_count else "disabled")
        if keep and self.tree.exists(keep):
            self.tree.selection_set(keep)
            self.tree.see(keep)
        if self.fill_later is not None:
            if self._fill_job is not None:
                self.after_cancel(self._fill_job)
            self._fill_job = self.after_idle(self._fill_cells)

    def _fill_cells(self) -> None:
        self._fill_job = None
        ids = self.visible_ids()
        if self.fill_later is None or not ids:
            return
        try:
            cells = self.fill_later(ids)
        except HospitalDeskError as exc:
            self.error_label.configure(text=exc.message)
            return
        for row_id, values in cells.items():
            if self.tree.exists(row_id):
                for key, value in values.items():
                    self.tree.set(row_id, key, value)

    def visible_ids(self) -> list[str]:
        return list(self.tree.get_children())
