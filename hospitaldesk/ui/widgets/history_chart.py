"""Readiness over time for one facility and technique: a small line chart on a Tk canvas.

Points are placed by date, coloured by verdict (green ready, red not), with the
threshold as a dashed line, so a director sees at a glance whether things improve.
"""
from __future__ import annotations

import datetime as dt
import tkinter as tk

from hospitaldesk.i18n import _, format_date, format_number
from hospitaldesk.ui.widgets.canvas_chart import CanvasChart

READY, NOT_READY, GRID = "#198754", "#b02a37", "#adb5bd"
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 46, 20, 24, 30


class HistoryChart(CanvasChart):
    def __init__(self, master: tk.Misc, height: int = 150) -> None:
        super().__init__(master, height)
        self.points: list[tuple[dt.date, float | None, bool]] = []
        self.title = ""
        self.threshold = 0.8

    def show(self, points: list[tuple[dt.date, float | None, bool]], title: str, threshold: float) -> None:
        self.points, self.title, self.threshold = [p for p in points if p[1] is not None], title, threshold
        self.draw()

    def paint(self, c: tk.Canvas, width: int, height: int) -> None:
        left, right, top, bottom = PAD_LEFT, width - PAD_RIGHT, PAD_TOP, height - PAD_BOTTOM
        if not self.points:
            c.create_text(width // 2, height // 2, text=_("Select an assessment to see its facility's readiness over time."), fill=GRID)
            return
        c.create_text(left, 4, text=_("Readiness over time: {title}").format(title=self.title), anchor="nw", font=("TkDefaultFont", 9, "bold"))

        def y_of(value: float) -> float:
            return bottom - (bottom - top) * value

        for value in (0.0, 0.5, 1.0):
            c.create_line(left, y_of(value), right, y_of(value), fill="#e9ecef")
            c.create_text(left - 6, y_of(value), text=f"{int(value * 100)} %", anchor="e", font=("TkDefaultFont", 8), fill="#6c757d")
        c.create_line(left, y_of(self.threshold), right, y_of(self.threshold), fill=GRID, dash=(4, 3))
        first, last = self.points[0][0], self.points[-1][0]
        span = max((last - first).days, 1)

        def x_of(day: dt.date) -> float:
            if len(self.points) == 1:
                return (left + right) / 2
            return left + (right - left) * (day - first).days / span

        coords = [(x_of(day), y_of(value or 0.0)) for day, value, _ready in self.points]
        if len(coords) > 1:
            c.create_line(*[v for xy in coords for v in xy], fill="#495057", width=2)
        for (x, y), (day, found, ready) in zip(coords, self.points):
            colour = READY if ready else NOT_READY
            c.create_oval(x - 5, y - 5, x + 5, y + 5, fill=colour, outline=colour)
            c.create_text(x, y - 12, text=f"{format_number(round((found or 0.0) * 100, 1))} %", font=("TkDefaultFont", 8), fill=colour)
            c.create_text(x, bottom + 12, text=format_date(day), font=("TkDefaultFont", 8), fill="#6c757d")
