"""The frame the charts share: a white canvas across the frame's width, drawn again whenever it is
resized (a window made wider, a tab shown for the first time), each chart painting its own content."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk


class CanvasChart(ttk.Frame):
    MIN_WIDTH, MIN_HEIGHT = 200, 100  # drawn at least this big before the canvas has its real size

    def __init__(self, master: tk.Misc, height: int) -> None:
        super().__init__(master)
        self.canvas = tk.Canvas(self, height=height, highlightthickness=0, background="white")
        self.canvas.pack(fill="x", expand=True)
        self.canvas.bind("<Configure>", lambda _e: self.draw())

    def draw(self) -> None:
        c = self.canvas
        c.delete("all")
        self.paint(c, max(c.winfo_width(), self.MIN_WIDTH), max(c.winfo_height(), self.MIN_HEIGHT))

    def paint(self, c: tk.Canvas, width: int, height: int) -> None:
        """Draw the chart on the cleared canvas of this size."""
        raise NotImplementedError
