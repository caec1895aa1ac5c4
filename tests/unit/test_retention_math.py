"""Retention arithmetic on hand-built cases (services/retention_math.py): no database."""
from __future__ import annotations

import datetime as dt

from hospitaldesk.services.retention_math import (
    Absence,
    TrainedPerson,
    active_now,
    breaks_commitment,
    commitment_end,
    milestones,
    working_on,
)

D = dt.date


def test_working_on_respects_the_start_and_every_absence() -> None:
    absences = [Absence(D(2024, 3, 1), D(2024, 9, 1)), Absence(D(2025, 6, 1))]
    assert not working_on(D(2020, 1, 1), D(2021, 1, 1), absences)  # before they started
    assert working_on(D(2024, 2, 29), D(2021, 1, 1), absences)
    assert not working_on(D(2024, 3, 1), D(2021, 1, 1), absences)  # the day they left
    assert working_on(D(2024, 9, 1), D(2021, 1, 1), absences)  # the day they came back
    assert not working_on(D(2026, 1, 1), D(2021, 1, 1), absences)  # gone again, for good


def test_milestones_count_only_people_trained_long_enough_ago() -> None:
    today = D(2025, 1, 15)
    people = [
        TrainedPerson("stayed", D(2023, 1, 10)),
        TrainedPerson("left after 8 months", D(2023, 1, 10), absences=(Absence(D(2023, 9, 10)),)),
        # Left at 5 months, came back at 10: away at 6 months, back by 12 and 24.
        TrainedPerson("left and came back", D(2023, 1, 10), absences=(Absence(D(2023, 6, 10), D(2023, 11, 10)),)),
        TrainedPerson("trained 9 months ago", D(2024, 4, 15)),
        TrainedPerson("trained last month", D(2024, 12, 15)),
    ]
    six, twelve, twenty_four = milestones(people, today, (6, 12, 24))
    assert (six.retained, six.eligible) == (3, 4)  # the one away at 6 months is not retained then
    assert (twelve.retained, twelve.eligible) == (2, 3)
    assert (twenty_four.retained, twenty_four.eligible) == (2, 3)
    assert twelve.share == 2 / 3
    assert active_now(people, today) == 4


def test_nobody_eligible_has_no_share() -> None:
    [m] = milestones([TrainedPerson("new", D(2024, 12, 1))], D(2025, 1, 1), (6,))
    assert (m.retained, m.eligible, m.share) == (0, 0, None)


def test_a_milestone_on_the_31st_falls_on_the_last_day_of_a_short_month() -> None:
    # Trained on 31 August: six months later is 28 February; leaving on 1 March is after it.
    person = TrainedPerson("p", D(2024, 8, 31), absences=(Absence(D(2025, 3, 1)),))
    [m] = milestones([person], D(2025, 6, 1), (6,))
    assert (m.retained, m.eligible) == (1, 1)


def test_commitment_end_and_breach() -> None:
    end = commitment_end(D(2024, 6, 30), 3)
    assert end == D(2027, 6, 30)
    assert commitment_end(None, 3) is None and commitment_end(D(2024, 6, 30), None) is None
    start = D(2024, 1, 2)
    assert breaks_commitment(D(2025, 2, 1), start, end)  # left within the commitment
    assert breaks_commitment(D(2024, 3, 1), start, end)  # left during the training itself
    assert not breaks_commitment(D(2027, 6, 30), start, end)  # served it to the last day
    assert not breaks_commitment(D(2023, 12, 1), start, end)  # left before the training began
    assert not breaks_commitment(D(2025, 2, 1), start, None)  # no commitment signed


def test_coming_back_before_the_end_keeps_the_commitment() -> None:
    end = D(2027, 6, 30)
    assert not breaks_commitment(D(2025, 2, 1), D(2024, 1, 2), end, returned_on=D(2025, 8, 1))
    assert breaks_commitment(D(2025, 2, 1), D(2024, 1, 2), end, returned_on=D(2027, 8, 1))  # came back too late
