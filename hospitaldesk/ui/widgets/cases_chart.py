"""Cases per month on a Tk canvas: the cases done with support and independently as stacked bars,
the patients still referred to HCMC as a red line, so a falling line under growing green bars shows
a transfer that worked. A month nobody logged is left blank (unknown, not zero)."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

from hospitaldesk.i18n import _
from hospitaldesk.reports.axis import nice_top
from hospitaldesk.reports.review_data import MonthCases
from hospitaldesk.ui.widgets.canvas_chart import CanvasChart

SUPPORTED, INDEPENDENT, REFERRED, GRID, TEXT = "#6ea8fe", "#198754", "#b02a37", "#e9ecef", "#6c757d"
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 16, 44, 22
LEGEND_Y = 31


class CasesChart(CanvasChart):
    MIN_WIDTH, MIN_HEIGHT = 300, 120

    def __init__(self, master: tk.Misc, height: int = 190) -> None:
        super().__init__(master, height)
        self.months: Sequence[MonthCases] = []

    def show(self, months: Sequence[MonthCases]) -> None:
        self.months = months
        self.draw()

    def paint(self, c: tk.Canvas, width: int, height: int) -> None:
        left, right, top, bottom = PAD_LEFT, width - PAD_RIGHT, PAD_TOP, height - PAD_BOTTOM
        c.create_text(4, 6, text=_("Cases per month"), anchor="nw", font=("TkDefaultFont", 10, "bold"))
        if not any(m.logs for m in self.months):
            c.create_text(width // 2, height // 2, text=_("No case logs for this selection yet."), fill=TEXT)
            return
        x = 4  # the legend on its own line under the title: it never runs into it, however narrow the chart
        for colour, label, line in ((SUPPORTED, _("With support"), False), (INDEPENDENT, _("Independently"), False),
                                    (REFERRED, _("Referred to HCMC"), True)):  # the title says they are cases
            if line:
                c.create_line(x, LEGEND_Y, x + 14, LEGEND_Y, fill=colour, width=2)
                c.create_oval(x + 4, LEGEND_Y - 3, x + 10, LEGEND_Y + 3, fill=colour, outline=colour)
            else:
                c.create_rectangle(x + 2, LEGEND_Y - 5, x + 14, LEGEND_Y + 5, fill=colour, outline=colour)
            item = c.create_text(x + 18, LEGEND_Y, text=label, anchor="w", font=("TkDefaultFont", 9))
            x = c.bbox(item)[2] + 12
        highest = max(max(m.with_support + m.independent, m.referred) for m in self.months)
        axis = nice_top(highest)

        def y_of(value: float) -> float:
            return bottom - (bottom - top) * value / axis

        for k in range(5):
            value = axis * k / 4
            c.create_line(left, y_of(value), right, y_of(value), fill=GRID)
            c.create_text(left - 6, y_of(value), text=f"{round(value)}", anchor="e", font=("TkDefaultFont", 8), fill=TEXT)
        slot = (right - left) / len(self.months)
        bar = max(4.0, slot * 0.6)
        points: list[float] = []
        for n, month in enumerate(self.months):
            middle = left + slot * (n + 0.5)
            c.create_text(middle, bottom + 10, text=f"{month.month.month:02d}/{month.month.year % 100:02d}", font=("TkDefaultFont", 8),
                          fill=TEXT)
            if not month.logs:
                continue
            base = y_of(month.with_support)
            if month.with_support:
                c.create_rectangle(middle - bar / 2, base, middle + bar / 2, bottom, fill=SUPPORTED, outline="")
            if month.independent:
                c.create_rectangle(middle - bar / 2, y_of(month.with_support + month.independent), middle + bar / 2, base,
                                   fill=INDEPENDENT, outline="")
            points += [middle, y_of(month.referred)]
        if len(points) >= 4:
            c.create_line(*points, fill=REFERRED, width=2)
        for k in range(0, len(points), 2):
            c.create_oval(points[k] - 3, points[k + 1] - 3, points[k] + 3, points[k + 1] + 3, fill=REFERRED, outline=REFERRED)
