"""Readiness and retention over time, for the overview's second chart. At the end of each of the last
quarters, and today:
- readiness: of the facility-technique pairs with a final assessment by that day, how many were ready
  according to their latest one by then;
- retention: of the people trained in a technique by that day (their first training in it, as the
  retention view counts them), how many were working at their facility that day (retention.py's rule).
Narrowed by the overview's filter (its facilities and its specialty's techniques)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hospitaldesk.db.connection import database
from hospitaldesk.db.models import Assessment
from hospitaldesk.db.rows import date_value, raw_rows
from hospitaldesk.services import authority, retention_facts

QUARTERS = 8


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    assessed: int  # facility-technique pairs with a final assessment by the day
    ready: int
    trained: int  # people trained by the day
    working: int

    @property
    def readiness_share(self) -> float | None:
        return self.ready / self.assessed if self.assessed else None

    @property
    def retention_share(self) -> float | None:
        return self.working / self.trained if self.trained else None


def days(today: dt.date, quarters: int = QUARTERS) -> list[dt.date]:
    """The ends of the last `quarters - 1` finished quarters, then today."""
    ends = []
    end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    for _n in range(quarters - 1):
        ends.append(end)
        end = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)
    return [*reversed(ends), today]


def _readiness(on: list[dt.date], facilities: Any, techniques: Any) -> list[tuple[int, int]]:
    """(assessed, ready) at each day: the final assessments swept in date order, the latest per pair kept."""
    query = (Assessment.select(Assessment.facility, Assessment.technique, Assessment.assessed_on, Assessment.ready)
             .where(Assessment.deleted == False, Assessment.status == "final", Assessment.assessed_on <= on[-1])  # noqa: E712
             .order_by(Assessment.assessed_on, Assessment.created_at))
    if facilities is not None:
        query = query.where(Assessment.facility.in_(facilities))
    if techniques is not None:
        query = query.where(Assessment.technique.in_(techniques))
    latest: dict[tuple[Any, Any], bool] = {}
    ready, out, rows, n = 0, [], raw_rows(query), 0
    for day in on:
        while n < len(rows) and (date_value(rows[n][2]) or day) <= day:
            facility, technique, _assessed, is_ready = rows[n]
            before = latest.get((facility, technique))
            ready += int(bool(is_ready)) - int(bool(before))
            latest[(facility, technique)] = bool(is_ready)
            n += 1
        out.append((len(latest), ready))
    return out


def _retention(on: list[dt.date], facilities: Any, techniques: Any) -> list[tuple[int, int]]:
    """(trained, working) at each day, summed over the retention facts in one pass."""
    retention_facts.refresh()
    columns, params = [], []
    for day in on:
        working, working_params = retention_facts.on_day(retention_facts.WORKING_ON_DAY, day)
        columns += ["SUM(f.trained_on <= ?)", f"SUM(f.trained_on <= ? AND {working})"]
        params += [day.isoformat(), day.isoformat(), *working_params]
    where = "f.first = 1"
    for column, among in (("facility", facilities), ("technique", techniques)):
        if among is not None:
            sql, ids = among.sql() if hasattr(among, "sql") else (", ".join("?" * len(among)) or "NULL", [i.hex for i in among])
            where += f" AND f.{column} IN ({sql})"
            params += list(ids)
    row = database.execute_sql(f"SELECT {', '.join(columns)} FROM retention_fact f WHERE {where}", params).fetchone()
    values = [int(v or 0) for v in row]
    return [(values[2 * k], values[2 * k + 1]) for k in range(len(on))]


def trends(facilities: Any = None, techniques: Any = None, today: dt.date | None = None, quarters: int = QUARTERS) -> list[TrendPoint]:
    """The points, oldest first; `facilities` and `techniques` are selects of ids or sets of UUIDs (None: all)."""
    authority.require("read")
    on = days(today or dt.date.today(), quarters)
    return [TrendPoint(day, assessed, ready, trained, working)
            for day, (assessed, ready), (trained, working) in zip(on, _readiness(on, facilities, techniques),
                                                                   _retention(on, facilities, techniques))]


def overview_trends(scope: Any, today: dt.date | None = None) -> list[TrendPoint]:
    """The trends for the overview's filter (overview.Scope): its facilities and its specialty's techniques."""
    from hospitaldesk.services.overview import scope_facilities, scope_techniques

    return trends(scope_facilities(scope), scope_techniques(scope), today)
