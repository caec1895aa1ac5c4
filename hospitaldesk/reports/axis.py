"""Chart axes, shared by the printed review's chart and the overview's on screen (no drawing here)."""
from __future__ import annotations


def nice_top(value: int) -> int:
    """A round axis maximum at or above `value` whose quarters are whole round numbers (4, 8, 20, 40, 200, …)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if 4 * step * scale >= value:
                return 4 * step * scale
        scale *= 10
