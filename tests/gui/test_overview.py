"""The overview, driven as a person would: it opens first, shows the demo's items, narrows by province,
and a double-click (or Enter) opens the record in its own screen."""
from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.gui.support import pump

pytestmark = pytest.mark.gui


def loaded(screen: Any) -> Any:
    """Wait for the worker thread's compilation to be shown."""
    deadline = time.monotonic() + 20
    while (screen.loading or screen.data is None) and time.monotonic() < deadline:
        pump(screen.winfo_toplevel(), 30)
    assert not screen.loading and screen.data is not None
    return screen


def rows(screen: Any, name: str) -> list[tuple[str, ...]]:
    tree = screen.trees[name]
    return [tuple(tree.item(iid, "values")) for iid in tree.get_children()]


@pytest.fixture
def demo_overview(window: Any) -> Any:
    from hospitaldesk.services.demo import load_demo

    load_demo()
    screen = loaded(window.screens["overview"])
    screen.refresh()
    return loaded(screen)


def test_the_overview_is_the_first_screen(window: Any) -> None:
    assert window.current == "overview" and window.screens["overview"].winfo_ismapped()
    assert window.nav_buttons["overview"].cget("text").endswith("Ctrl+0")


def test_the_demo_needs_attention(demo_overview: Any) -> None:
    screen = demo_overview
    shown = {code: tile.cget("text") for code, tile in screen.tiles.items()}
    assert shown == {"draft": "1", "signed": "1", "in_progress": "2", "accepted": "1", "closed": "0", "terminated": "1", "conflicts": "0"}
    assert ("08/HĐ-CGKT", "BV Nhân dân 115 → BVĐK tỉnh Bạc Liêu", "10/10/2025") in rows(screen, "reviews")
    risks = rows(screen, "risks")
    assert any(r[0] == "Lọc máu liên tục ở trẻ em" and "4 working of 10 needed" in r[1] for r in risks)  # staff below need
    assert any("not assessed" in r[1] for r in risks)  # training ahead of readiness
    assert len(rows(screen, "gaps")) == 6 and screen.titles["gaps"].cget("text").endswith("(6)")
    assert "both plan" in screen.duplications.cget("text")
    assert [m.referred for m in screen.chart.months][:3] == [13, 13, 9]  # referrals fall after the transfer
    assert screen.chart.canvas.find_all()


def test_a_province_narrows_the_lists(demo_overview: Any) -> None:
    screen = demo_overview
    box = screen.filters["province"]
    box.set_value(next(c.value for c in box.choices if c.label.startswith("Cà Mau")))
    box.event_generate("<<ComboboxSelected>>")
    loaded(screen)
    gaps = rows(screen, "gaps")
    assert 0 < len(gaps) < 6 and all("Cà Mau" in r[1] for r in gaps)
    assert all(r[0] != "12/HĐ-CGKT" for r in rows(screen, "reviews") + rows(screen, "risks"))  # Sóc Trăng's agreement is gone
    assert any(r[0] == "08/HĐ-CGKT" for r in rows(screen, "reviews"))  # Bạc Liêu is part of Cà Mau since 2025
    assert sum(int(t.cget("text")) for code, t in screen.tiles.items() if code != "conflicts") < 6


def test_double_click_opens_the_agreement(window: Any, demo_overview: Any) -> None:
    screen = demo_overview
    tree = screen.trees["reviews"]
    iid = next(i for i in tree.get_children() if tree.item(i, "values")[0] == "08/HĐ-CGKT")
    expected = str(uuid.UUID(screen.items[iid].record_id))
    tree.selection_set(iid)
    tree.see(iid)
    window.root.update()
    x, y, _w, h = tree.bbox(iid, "title")
    for _click in range(2):  # two presses in quick succession: Tk reports the second as <Double-1>
        tree.event_generate("<ButtonPress-1>", x=x + 5, y=y + h // 2)
        tree.event_generate("<ButtonRelease-1>", x=x + 5, y=y + h // 2)
    window.root.update()
    assert window.current == "agreements"
    agreements = window.screens["agreements"]
    assert agreements.current_id == expected and agreements.panel.winfo_ismapped()


def test_enter_opens_an_overdue_gap_in_the_readiness_screen(window: Any, demo_overview: Any) -> None:
    screen = demo_overview
    tree = screen.trees["gaps"]
    first = tree.get_children()[0]
    tree.selection_set(first)
    tree.focus_set()
    tree.event_generate("<Return>")
    window.root.update()
    assert window.current == "readiness"
    gaps_view = window.screens["readiness"].gaps_view
    assert gaps_view.current_id == str(uuid.UUID(screen.items[first].record_id))
    assert gaps_view.selected_id() == gaps_view.current_id


def test_readiness_and_retention_over_time_are_drawn(window: Any, demo_overview: Any) -> None:
    screen = demo_overview
    deadline = time.monotonic() + 20
    while screen.trends_shown != screen.trends_generation and time.monotonic() < deadline:
        pump(window.root, 30)
    points = screen.trends.points
    assert len(points) == 8 and points[-1].trained > 0 and points[-1].assessed > 0
    assert all(0 <= (p.retention_share or 0) <= 1 for p in points)
    assert screen.trends.canvas.find_all()


def test_a_click_on_the_duplication_opens_its_network(window: Any, demo_overview: Any) -> None:
    screen = demo_overview
    assert str(screen.duplications.cget("cursor")) == "hand2"
    screen._open_duplication()
    window.root.update()
    networks = window.screens["networks"]
    assert window.current == "networks"
    assert networks.tree.selection() and "Tim mạch" in networks.tree.item(networks.tree.selection()[0], "values")[0]
