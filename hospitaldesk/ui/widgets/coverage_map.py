"""The 13 Mekong Delta provinces (as they were before the 2025 merger, which the networks were planned
for) and HCMC as tiles placed roughly as on a map, each coloured by its access to one technique: offered
in the province (as it is today), reachable in a neighbouring province, or no access. Each tile also
carries a mark (● ◐ ✕) so it reads without colour; hovering or clicking a tile tells `on_pick(code, hover)`."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.i18n import N_, _
from hospitaldesk.services.network_rules import ProvinceAccess

# Former province code -> (column, row) of its tile: west to east, north to south.
TILES: dict[str, tuple[float, float]] = {
    "89": (0.5, 0), "87": (1.5, 0), "80": (2.5, 0), "79": (3.5, 0),
    "91": (0, 1.5), "92": (1, 1), "86": (2, 1), "82": (3, 1),
    "93": (1, 2), "84": (2, 2), "83": (3, 2),
    "96": (0, 3), "95": (1, 3), "94": (2, 3),
}
HCMC = "79"
COLUMNS, ROWS = 4.5, 4
# level -> (fill, text, outline, mark, short label msgid, legend msgid)
STYLES: dict[str, tuple[str, str, str, str, str, str]] = {
    "here": ("#198754", "#ffffff", "#146c43", "●", N_("In the province"), N_("Offered in the province (as it is today)")),
    "near": ("#ffe69c", "#523e02", "#b08500", "◐", N_("In a neighbour"), N_("Reachable in a neighbouring province")),
    "none": ("#f8d7da", "#842029", "#b02a37", "✕", N_("No access"), N_("No access: no member hospital offers it nearby")),
}
HUB_STYLE = ("#cfe2ff", "#052c65", "#0d6efd")
LEGEND_HEIGHT, LEGEND_LINE, GAP, PAD = 92, 21, 8, 6


def access_label(level: str, short: bool = False) -> str:
    """'● Offered in the province (as it is today)', the legend's words; short: '● In the province'."""
    style = STYLES[level]
    return f"{style[3]} {_(style[4] if short else style[5])}"


class CoverageMap(ttk.Frame):
    def __init__(self, master: tk.Misc, on_pick: Callable[[str, bool], None] | None = None, width: int = 560, height: int = 400) -> None:
        super().__init__(master)
        self.on_pick = on_pick
        self.canvas = tk.Canvas(self, width=width, height=height, highlightthickness=0, background="white")
        self.canvas.pack(fill="both", expand=True)
        self.rows: dict[str, ProvinceAccess] = {}
        self.tiles: dict[str, int] = {}  # province code -> its rectangle
        self.chosen: str | None = None
        self.canvas.bind("<Configure>", lambda _e: self.draw())

    def show(self, rows: list[ProvinceAccess]) -> None:
        self.rows = {row.code: row for row in rows}
        self.draw()

    def fill_of(self, code: str) -> str:
        return str(self.canvas.itemcget(self.tiles[code], "fill"))

    def choose(self, code: str | None) -> None:
        """Outline one tile (the province picked in the table or on the map)."""
        self.chosen = code
        for tile_code, item in self.tiles.items():
            style = HUB_STYLE if tile_code == HCMC else STYLES[self._level(tile_code)]
            self.canvas.itemconfigure(item, width=4 if tile_code == code else 1.5, outline="#212529" if tile_code == code else style[2])

    def _level(self, code: str) -> str:
        row = self.rows.get(code)
        return row.level if row is not None else "none"

    def draw(self) -> None:
        c = self.canvas
        c.delete("all")
        self.tiles.clear()
        width, height = max(c.winfo_width(), 400), max(c.winfo_height(), 300)
        unit_x, unit_y = (width - 2 * PAD) / COLUMNS, (height - LEGEND_HEIGHT - 2 * PAD) / ROWS
        for code, (column, row) in TILES.items():
            if code != HCMC and code not in self.rows:
                continue
            x0, y0 = PAD + column * unit_x + GAP / 2, PAD + row * unit_y + GAP / 2
            x1, y1 = x0 + unit_x - GAP, y0 + unit_y - GAP
            tag = f"tile:{code}"
            if code == HCMC:
                fill, ink, outline = HUB_STYLE
                name, status = _("Ho Chi Minh City"), _("hubs")
            else:
                fill, ink, outline, mark, short, _legend = STYLES[self._level(code)]
                name = self.rows[code].province
                count = len(self.rows[code].offered_by)
                status = f"{mark} {_(short)}" + (f" ({count})" if count else "")
            self.tiles[code] = c.create_rectangle(x0, y0, x1, y1, fill=fill, outline=outline, width=1.5, tags=(tag, "tile"))
            c.create_text((x0 + x1) / 2, y0 + 5, text=name, fill=ink, anchor="n", justify="center", width=x1 - x0 - 8,
                          font=("TkDefaultFont", 9, "bold"), tags=(tag,))
            c.create_text((x0 + x1) / 2, y1 - 5, text=status, fill=ink, anchor="s", justify="center", width=x1 - x0 - 6,
                          font=("TkDefaultFont", 8), tags=(tag,))
            c.tag_bind(tag, "<Enter>", self._picker(code, hover=True))
            c.tag_bind(tag, "<Button-1>", self._picker(code, hover=False))
        self._legend(width, height)
        self.choose(self.chosen)

    def _legend(self, width: int, height: int) -> None:
        """One line per colour, under the tiles."""
        c = self.canvas
        entries = [(STYLES[level][0], STYLES[level][2], access_label(level)) for level in ("here", "near", "none")]
        entries.append((HUB_STYLE[0], HUB_STYLE[2], _("HCMC: the hubs (a referral there is not access)")))
        top = height - LEGEND_HEIGHT + 4
        for index, (fill, outline, label) in enumerate(entries):
            y = top + index * LEGEND_LINE
            c.create_rectangle(PAD + 4, y, PAD + 22, y + 15, fill=fill, outline=outline)
            c.create_text(PAD + 30, y + 8, text=label, anchor="w", font=("TkDefaultFont", 9), width=width - PAD * 2 - 34)

    def _picker(self, code: str, hover: bool) -> Callable[[tk.Event], None]:
        return lambda _event: self._pick(code, hover)

    def _pick(self, code: str, hover: bool) -> None:
        if not hover:
            self.choose(code)
        if self.on_pick is not None:
            self.on_pick(code, hover)
