"""Retention facts: what retention_math says about each trained person, kept ready for the region's view.

Triggers (migration 6) put a person in `retention_stale` whenever their trainings, employment or
departures change, by whatever path (a form, an import, sync, a restore of an older file brings its
own facts). `refresh()` rebuilds the stale people's facts with retention_math's rules, so the rules
live in Python once and the view only sums (services/retention.py).

Beside them, `retention_pair` (migration 18) keeps how many people each facility has trained in each
technique (the facts with `first`) and how many of them are not working on one day (the day in
`retention_pair_day`), recounted by refresh() for the pairs its people touched and, when the day changes,
for the pairs someone starts, leaves or comes back to in between: the overview's staff below need reads
27,000 counts instead of grouping 160,000 facts and looking up the 10,000 people away.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from hospitaldesk.db.connection import database
from hospitaldesk.db.models import RetentionFact
from hospitaldesk.db.rows import CHUNK, date_value
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.retention_math import Absence, milestone_day, working_on

MILESTONE_COLUMNS = {6: ("at6", "kept6"), 12: ("at12", "kept12"), 24: ("at24", "kept24")}  # terms.MILESTONE_MONTHS

_COLUMNS = ["staff", "technique", "agreement", "facility", "first", "started", "trained_on", "moved",
            *(column for k in terms.MILESTONE_MONTHS for column in MILESTONE_COLUMNS[k])]
_INSERT = (f'INSERT INTO "{RetentionFact._meta.table_name}" ({", ".join(_COLUMNS)}) '
           f'VALUES ({", ".join("?" for _c in _COLUMNS)})')


def stale_count() -> int:
    return int(database.execute_sql("SELECT COUNT(*) FROM retention_stale").fetchone()[0])


# The people away on :day (left, not back yet).
_AWAY = ("(SELECT d.staff_id FROM staff_departure d WHERE d.deleted = 0 AND d.left_on <= :day "
         "AND (d.returned_on IS NULL OR :day < d.returned_on))")
# A retention fact `f` working at its facility on :day: after employment began and, for the few who ever
# left, not away that day. Written once for every sum over the facts (retention, the review, the trends,
# the pairs' counts).
WORKING_ON_DAY = f"((f.started IS NULL OR f.started <= :day) AND CASE WHEN f.moved THEN f.staff NOT IN {_AWAY} ELSE 1 END)"


def on_day(sql: str, day: dt.date) -> tuple[str, list[str]]:
    """`sql` with each :day a parameter, and the parameters (the day, as many times as it appears)."""
    return sql.replace(":day", "?"), [day.isoformat()] * sql.count(":day")


# Pairs beyond which every pair is recounted at once: on the benchmark's 27,000 pairs, 1,000 listed take 80 ms,
# 2,000 take 130 and all of them 140.
PAIRS_RECOUNTED_ALL = 1_500
_PAIRS_OF = "SELECT DISTINCT facility, technique FROM retention_fact WHERE first = 1 AND staff IN ({marks})"


def refresh() -> int:
    """Rebuild the facts of every stale person, and recount the pairs they were or are counted in, in one
    transaction; returns how many people."""
    if not database.execute_sql("SELECT 1 FROM retention_stale LIMIT 1").fetchone():
        return 0
    with database.atomic():
        stale = [row[0] for row in database.execute_sql("SELECT staff FROM retention_stale").fetchall()]
        touched: set[tuple[Any, Any]] = set()
        for start in range(0, len(stale), CHUNK):
            chunk = stale[start:start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            touched.update(database.execute_sql(_PAIRS_OF.format(marks=marks), chunk).fetchall())
            database.execute_sql(f"DELETE FROM retention_fact WHERE staff IN ({marks})", chunk)
            database.cursor().executemany(_INSERT, _facts_of(chunk, marks))
            touched.update(database.execute_sql(_PAIRS_OF.format(marks=marks), chunk).fetchall())
            database.execute_sql(f"DELETE FROM retention_stale WHERE staff IN ({marks})", chunk)
        recount(touched)
    return len(stale)


def counted_day() -> dt.date | None:
    """The day the pairs' `absent` counts are for; None: not counted yet."""
    found = database.execute_sql("SELECT day FROM retention_pair_day").fetchone()
    return date_value(found[0]) if found else None


def count_absent_on(day: dt.date) -> None:
    """The pairs' counts of people not working, as of `day`, when they were for another day (the first
    overview of a day): only the pairs someone starts in, leaves or comes back to between the two days;
    all of them (0.1 s for a region) when never counted or when that is most of them."""
    before = counted_day()
    if before == day:
        return
    with database.atomic():
        database.execute_sql("INSERT OR REPLACE INTO retention_pair_day (id, day) VALUES (1, ?)", [day.isoformat()])
        recount(None if before is None else pairs_changing_between(before, day))


# WORKING_ON_DAY differs between two days only for a fact whose start, or (moved) whose person's departure
# or return, falls after the earlier day and on or before the later one; deleted departures too (harmless).
_PAIRS_CHANGING = (
    "SELECT facility, technique FROM retention_fact WHERE first = 1 AND started > :lo AND started <= :hi "
    # The few departures in between drive (CROSS JOIN), each one seek of the facts' index of the moved.
    "UNION SELECT f.facility, f.technique FROM (SELECT DISTINCT staff_id FROM staff_departure "
    "WHERE (left_on > :lo AND left_on <= :hi) OR (returned_on > :lo AND returned_on <= :hi)) d "
    "CROSS JOIN retention_fact f WHERE f.first = 1 AND f.moved = 1 AND f.staff = d.staff_id")


def pairs_changing_between(one: dt.date, other: dt.date) -> set[tuple[Any, Any]]:
    """The (facility, technique) pairs whose count of people not working may differ between these days."""
    lo, hi = sorted((one, other))
    return set(database.execute_sql(_PAIRS_CHANGING, {"lo": lo.isoformat(), "hi": hi.isoformat()}).fetchall())


def recount(pairs: set[tuple[Any, Any]] | None = None) -> None:
    """The counts of these (facility, technique) pairs (stored ids) from the facts: trained, and not working on
    the day counted for (0 before any); None or very many: all of them. A pair nobody is counted in any more
    has no row."""
    day = counted_day()
    absent, absent_params = ("0", []) if day is None else on_day(f"SUM(NOT {WORKING_ON_DAY})", day)
    count = f"INSERT INTO retention_pair (facility, technique, trained, absent) SELECT f.facility, f.technique, COUNT(*), {absent} FROM"
    if pairs is None or len(pairs) > PAIRS_RECOUNTED_ALL:
        database.execute_sql("DELETE FROM retention_pair")
        database.execute_sql(f"{count} retention_fact f WHERE f.first = 1 GROUP BY f.facility, f.technique", absent_params)
        return
    ordered = sorted(pairs)
    for start in range(0, len(ordered), CHUNK // 2):
        chunk = ordered[start:start + CHUNK // 2]
        listed = f"VALUES {', '.join('(?, ?)' for _p in chunk)}"
        flat = [value for pair in chunk for value in pair]
        database.execute_sql(f"DELETE FROM retention_pair WHERE (facility, technique) IN ({listed})", flat)
        # The listed pairs drive (CROSS JOIN keeps them outside), each one range of the facts' index, where
        # `(facility, technique) IN (VALUES ...)` walked all 160,000 first facts (60 ms for 30 pairs).
        database.execute_sql(f"{count} ({listed}) p CROSS JOIN retention_fact f WHERE f.first = 1 AND f.facility = p.column1 "
                             "AND f.technique = p.column2 GROUP BY f.facility, f.technique", [*absent_params, *flat])


def _facts_of(people: Sequence[str], marks: str) -> list[tuple[Any, ...]]:
    """The fact rows of `people` (stored ids), read from their current records."""
    employed = {person: (facility, date_value(started)) for person, facility, started in database.execute_sql(
        f"SELECT id, facility_id, employment_start FROM staff WHERE id IN ({marks}) AND deleted = 0", people).fetchall()}
    absences: dict[str, list[Absence]] = defaultdict(list)
    for person, left, back in database.execute_sql(
            f"SELECT staff_id, left_on, returned_on FROM staff_departure WHERE staff_id IN ({marks}) AND deleted = 0",
            people).fetchall():
        absences[person].append(Absence(_day(left), date_value(back)))
    trained = ", ".join("?" * len(terms.TRAINED_STATUSES))
    # The end of each person's training per technique and agreement: the earliest, when trained twice.
    ends: dict[tuple[str, str, str | None], dt.date] = {}
    for person, technique, agreement, ended in database.execute_sql(
            f"SELECT staff_id, technique_id, agreement_id, MIN(COALESCE(end_on, certificate_date)) FROM enrollment "
            f"WHERE staff_id IN ({marks}) AND deleted = 0 AND status IN ({trained}) "
            f"GROUP BY staff_id, technique_id, agreement_id", [*people, *terms.TRAINED_STATUSES]).fetchall():
        if ended is not None and person in employed:
            ends[(person, technique, agreement)] = _day(ended)
    earliest: dict[tuple[str, str], tuple[dt.date, str]] = {}
    for (person, technique, agreement), day in ends.items():
        candidate = (day, agreement or "")
        if (person, technique) not in earliest or candidate < earliest[(person, technique)]:
            earliest[(person, technique)] = candidate
    rows = []
    for (person, technique, agreement), day in ends.items():
        facility, started = employed[person]
        away = tuple(absences.get(person, ()))
        stones: list[Any] = []
        for k in terms.MILESTONE_MONTHS:
            at = milestone_day(day, k)
            stones += [at.isoformat(), working_on(at, started, away)]
        rows.append((person, technique, agreement, facility, earliest[(person, technique)] == (day, agreement or ""),
                     started.isoformat() if started else None, day.isoformat(), bool(away), *stones))
    return rows


def _day(value: Any) -> dt.date:
    day = date_value(value)
    assert day is not None  # a NOT NULL column
    return day
