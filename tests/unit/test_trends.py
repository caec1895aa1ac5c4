"""Readiness and retention over time (services/trends.py) on test_review's hand-built half-year: Cà Mau's CRRT
assessed not ready on 01/11/2023 and ready on 01/04/2024; Đức trained until 30/10/2023, left on 01/05/2024;
Hạnh trained until 30/03/2024 and still working."""
from __future__ import annotations

import datetime as dt

from hospitaldesk.db.models import Facility
from hospitaldesk.services import trends
from tests.unit.conftest import facility_by_code
from tests.unit.test_review import half_year  # noqa: F401  (the fixture)

D = dt.date


def test_the_days_are_quarter_ends_then_today() -> None:
    assert trends.days(D(2024, 6, 30), 4) == [D(2023, 9, 30), D(2023, 12, 31), D(2024, 3, 31), D(2024, 6, 30)]
    assert trends.days(D(2024, 1, 1), 3) == [D(2023, 9, 30), D(2023, 12, 31), D(2024, 1, 1)]


def test_readiness_and_retention_at_each_day(half_year: dict[str, str]) -> None:  # noqa: F811
    points = trends.trends(today=D(2024, 6, 30), quarters=4)
    assert [p.day for p in points] == [D(2023, 9, 30), D(2023, 12, 31), D(2024, 3, 31), D(2024, 6, 30)]
    # Readiness: nothing assessed by 30/09/2023; then one pair, not ready until the April assessment.
    assert [(p.assessed, p.ready) for p in points] == [(0, 0), (1, 0), (1, 0), (1, 1)]
    # Retention: Đức from 30/10/2023; Hạnh from 30/03/2024; Đức gone by 30/06/2024.
    assert [(p.trained, p.working) for p in points] == [(0, 0), (1, 1), (2, 2), (2, 1)]
    assert (points[0].readiness_share, points[-1].readiness_share, points[-1].retention_share) == (None, 1.0, 0.5)


def test_narrowed_to_other_facilities_nothing_counts(half_year: dict[str, str]) -> None:  # noqa: F811
    soc_trang = Facility.select(Facility.id).where(Facility.id == facility_by_code("ST-BVDK").id)
    points = trends.trends(soc_trang, today=D(2024, 6, 30), quarters=2)
    assert [(p.assessed, p.trained) for p in points] == [(0, 0), (0, 0)]
    by_set = trends.trends({facility_by_code("CM-SANNHI").id}, today=D(2024, 6, 30), quarters=2)
    assert [(p.assessed, p.ready, p.trained, p.working) for p in by_set] == [(1, 0, 2, 2), (1, 1, 2, 1)]
