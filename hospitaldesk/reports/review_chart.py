"""Cases per month for the printed review, drawn on the PDF canvas in the document's font: the cases done
with support (light) and independently (dark) as stacked bars, the patients referred to HCMC as a line
with round marks, the same picture as the overview's chart. A month nobody logged is left blank and
breaks the line (unknown, not zero). The per-technique table above it carries the figures in black and white."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from hospitaldesk.i18n import _, format_number
from hospitaldesk.reports.axis import nice_top
from hospitaldesk.reports.review_data import MonthCases
from hospitaldesk.reports.styles import REGULAR

SUPPORTED = colors.Color(0.55, 0.70, 0.95)
INDEPENDENT = colors.Color(0.10, 0.50, 0.30)
REFERRED = colors.Color(0.70, 0.15, 0.20)
GRID = colors.Color(0.85, 0.85, 0.85)
FONT_SIZE = 8
LEFT, BOTTOM, TOP = 12 * mm, 6 * mm, 9 * mm


class CasesChart(Flowable):
    def __init__(self, months: Sequence[MonthCases], height: float = 62 * mm) -> None:
        super().__init__()
        self.months = list(months)
        self.height = height
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        months = self.months
        if not months:
            return
        plot_w, plot_h = self.width - LEFT - 2 * mm, self.height - BOTTOM - TOP
        top = nice_top(max([m.with_support + m.independent for m in months] + [m.referred for m in months] + [1]))
        c.setFont(REGULAR, FONT_SIZE)
        for quarter in range(5):  # the grid and the axis numbers
            y = BOTTOM + plot_h * quarter / 4
            c.setStrokeColor(GRID)
            c.setLineWidth(0.4)
            c.line(LEFT, y, LEFT + plot_w, y)
            c.setFillColor(colors.black)
            c.drawRightString(LEFT - 1.5 * mm, y - FONT_SIZE / 3, format_number(top * quarter // 4))
        slot = plot_w / len(months)
        bar = min(slot * 0.6, 14 * mm)
        points: list[tuple[float, float] | None] = []
        for n, month in enumerate(months):
            x = LEFT + slot * n + (slot - bar) / 2
            low = month.with_support * plot_h / top
            high = month.independent * plot_h / top
            if month.logs:
                c.setFillColor(SUPPORTED)
                c.rect(x, BOTTOM, bar, low, stroke=0, fill=1)
                c.setFillColor(INDEPENDENT)
                c.rect(x, BOTTOM + low, bar, high, stroke=0, fill=1)
            points.append((x + bar / 2, BOTTOM + month.referred * plot_h / top) if month.logs else None)
            c.setFillColor(colors.black)
            label = f"{month.month.month:02d}/{month.month.year % 100:02d}"
            c.drawCentredString(LEFT + slot * (n + 0.5), BOTTOM - FONT_SIZE - 1, label)
        self._line(points)
        self._legend()

    def _line(self, points: list[tuple[float, float] | None]) -> None:
        c = self.canv
        c.setStrokeColor(REFERRED)
        c.setFillColor(REFERRED)
        c.setLineWidth(1.4)
        for here, there in zip(points, points[1:]):
            if here is not None and there is not None:
                c.line(*here, *there)
        for point in points:
            if point is not None:
                c.circle(*point, 1.3, stroke=0, fill=1)

    def _legend(self) -> None:
        c = self.canv
        x, y = LEFT, self.height - 5 * mm
        for colour, label, kind in ((SUPPORTED, _("With support"), "box"), (INDEPENDENT, _("Independently"), "box"),
                                    (REFERRED, _("Referred to HCMC"), "line")):
            c.setFillColor(colour)
            c.setStrokeColor(colour)
            if kind == "box":
                c.rect(x, y, 3 * mm, 3 * mm, stroke=0, fill=1)
            else:
                c.setLineWidth(1.4)
                c.line(x, y + 1.5 * mm, x + 3 * mm, y + 1.5 * mm)
            c.setFillColor(colors.black)
            c.drawString(x + 4 * mm, y + 0.5 * mm, label)
            x += 4 * mm + stringWidth(label, REGULAR, FONT_SIZE) + 6 * mm
