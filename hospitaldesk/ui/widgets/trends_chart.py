"""Readiness and retention over time on a Tk canvas: two lines of percentages at the end of each quarter
(and today), so a director sees whether hospitals are getting ready and whether trained staff stay.
A point where nothing was counted yet is left out (unknown, not zero)."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

from hospitaldesk.i18n import _
from hospitaldesk.services.trends import TrendPoint
from hospitaldesk.ui.widgets.canvas_chart import CanvasChart

READY, WORKING, GRID, TEXT = "#198754", "#0d6efd", "#e9ecef", "#6c757d"
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 14, 56, 22


class TrendsChart(CanvasChart):
    MIN_WIDTH, MIN_HEIGHT = 260, 120

    def __init__(self, master: tk.Misc, height: int = 190) -> None:
        super().__init__(master, height)
        self.points: Sequence[TrendPoint] = []

    def show(self, points: Sequence[TrendPoint]) -> None:
        self.points = points
        self.draw()

    def paint(self, c: tk.Canvas, width: int, height: int) -> None:
        left, right, top, bottom = PAD_LEFT, width - PAD_RIGHT, PAD_TOP, height - PAD_BOTTOM
        c.create_text(4, 6, text=_("Readiness and retention"), anchor="nw", font=("TkDefaultFont", 10, "bold"))
        if not any(p.assessed or p.trained for p in self.points):
            c.create_text(width // 2, height // 2, text=_("Nothing assessed or trained yet for this selection."), fill=TEXT)
            return
        for row, (colour, label) in enumerate(((READY, _("Ready, of the techniques assessed")),
                                               (WORKING, _("Trained staff still working")))):
            y = 30 + 15 * row  # one line each: the two labels are long in Vietnamese
            c.create_line(4, y, 18, y, fill=colour, width=2)
            c.create_text(22, y, text=label, anchor="w", font=("TkDefaultFont", 9))

        def y_of(share: float) -> float:
            return bottom - (bottom - top) * share

        for k in range(5):
            c.create_line(left, y_of(k / 4), right, y_of(k / 4), fill=GRID)
            c.create_text(left - 6, y_of(k / 4), text=f"{25 * k} %", anchor="e", font=("TkDefaultFont", 8), fill=TEXT)
        slot = (right - left) / max(len(self.points), 1)
        for n, point in enumerate(self.points):
            label = _("today") if n == len(self.points) - 1 else f"{point.day.month:02d}/{point.day.year % 100:02d}"
            c.create_text(left + slot * (n + 0.5), bottom + 10, text=label, font=("TkDefaultFont", 8), fill=TEXT)
        for colour, shares in ((READY, [p.readiness_share for p in self.points]), (WORKING, [p.retention_share for p in self.points])):
            line = [(left + slot * (n + 0.5), y_of(s)) for n, s in enumerate(shares) if s is not None]
            if len(line) >= 2:
                c.create_line(*[v for point in line for v in point], fill=colour, width=2)
            for px, py in line:
                c.create_oval(px - 3, py - 3, px + 3, py + 3, fill=colour, outline=colour)
