"""Retention arithmetic: pure functions over plain records, no database.

- A person works at the facility on a day when that day is on or after their employment
  start and inside no absence: an absence runs from the day they left up to (not including)
  the day they came back, or for ever when they have not.
- Retention at k months: of the people whose training ended at least k months ago (eligible),
  how many were working at the facility exactly k months after their training ended.
  Someone who left and came back before that day counts as retained.
- A commitment to serve ends `years` after the training ends; leaving on a day from the start
  of training (or the signing, if earlier) up to that end breaks it, unless they came back
  before it ended.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from hospitaldesk.services.agreement_terms import add_months


@dataclass(frozen=True)
class Absence:
    left_on: dt.date
    returned_on: dt.date | None = None


@dataclass(frozen=True)
class TrainedPerson:
    key: str  # the staff id
    trained_on: dt.date  # the end of training
    employment_start: dt.date | None = None
    absences: tuple[Absence, ...] = ()


class Milestone(NamedTuple):
    """A tuple, not a frozen dataclass: the region's view builds 80,000 of them (tests/bench, h)."""

    months: int
    retained: int
    eligible: int

    @property
    def share(self) -> float | None:
        return self.retained / self.eligible if self.eligible else None


def working_on(day: dt.date, employment_start: dt.date | None, absences: Iterable[Absence]) -> bool:
    if employment_start is not None and day < employment_start:
        return False
    if not absences:  # most people never left: no generator to build (the region's view asks 600,000 times)
        return True
    return not any(a.left_on <= day and (a.returned_on is None or day < a.returned_on) for a in absences)


@lru_cache(maxsize=65536)
def milestone_day(day: dt.date, months: int) -> dt.date:
    """The day retention at `months` is read for a training that ended on `day` (add_months, remembered:
    thousands of people share a few hundred end-of-training dates)."""
    return add_months(day, months)


def milestones(people: Sequence[TrainedPerson], today: dt.date, months: Iterable[int]) -> list[Milestone]:
    result = []
    for k in months:
        eligible = retained = 0
        for person in people:
            at = milestone_day(person.trained_on, k)
            if at > today:
                continue
            eligible += 1
            retained += working_on(at, person.employment_start, person.absences)
        result.append(Milestone(k, retained, eligible))
    return result


def active_now(people: Iterable[TrainedPerson], today: dt.date) -> int:
    return sum(1 for p in people if working_on(today, p.employment_start, p.absences))


def commitment_end(trained_on: dt.date | None, years: int | None) -> dt.date | None:
    if trained_on is None or not years:
        return None
    return add_months(trained_on, 12 * years)


def commitment_start(start_on: dt.date | None, signed_on: dt.date | None) -> dt.date | None:
    """A commitment runs from the start of training or its signing, whichever came first."""
    return min((day for day in (start_on, signed_on) if day is not None), default=None)


def breaks_commitment(left_on: dt.date, start: dt.date | None, end: dt.date | None,
                      returned_on: dt.date | None = None) -> bool:
    """Whether leaving on `left_on` breaks a commitment running from `start` to `end`. Someone who
    came back before the end kept it (the absence still counts against retention)."""
    if end is None or (returned_on is not None and returned_on <= end):
        return False
    return (start is None or start <= left_on) and left_on < end
