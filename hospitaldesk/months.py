"""Calendar months: case logs, charts and review periods count in them. No database, no screen."""
from __future__ import annotations

import datetime as dt


def month_after(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day` (before it, when negative)."""
    count = day.year * 12 + day.month - 1 + months
    return dt.date(count // 12, count % 12 + 1, 1)
