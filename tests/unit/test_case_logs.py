"""Case logs (services/case_logs.py) and their outcomes (services/case_outcomes.py). Every expected figure
below was worked out by hand from the rows written in the test."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.errors import ValidationError
from hospitaldesk.services import case_logs, case_outcomes
from hospitaldesk.services.case_outcomes import MonthCount, summarise
from tests.unit.conftest import facility_by_code, technique_id

D = dt.date


def months(first: D, rows: list[tuple[int, int, int]]) -> list[MonthCount]:
    out = []
    for n, (supported, independent, referred) in enumerate(rows):
        index = first.month - 1 + n
        out.append(MonthCount(D(first.year + index // 12, index % 12 + 1, 1), supported, independent, referred))
    return out


# Nov 2023 .. Jun 2024: two months of referrals only, then the transfer.
HAND_BUILT = months(D(2023, 11, 1), [(0, 0, 9), (0, 0, 7), (3, 0, 6), (4, 1, 5), (4, 2, 4), (3, 3, 2), (2, 5, 1), (1, 6, 2)])


def test_indicators_with_the_agreement_start() -> None:
    result = summarise(HAND_BUILT, D(2024, 1, 15))  # starts mid-January: January is the first month after
    assert result.first_month == D(2024, 1, 1)  # 3 supported cases
    assert result.independence_month == D(2024, 4, 1)  # 3 independent ≥ 3 supported, the first such month
    assert result.transfer_start == D(2024, 1, 1) and result.start_from_agreement
    assert (result.with_support, result.independent, result.referred) == (17, 17, 36)
    # before: 9 + 7 = 16 in 2 months; after: 6+5+4+2+1+2 = 20 in 6 months
    assert (result.before.months, result.before.total, result.before.per_month) == (2, 16, 8.0)
    assert (result.after.months, result.after.total, result.after.per_month) == (6, 20, 3.33)
    assert result.referrals_falling is True


def test_without_an_agreement_the_first_month_with_cases_is_the_start() -> None:
    result = summarise(list(reversed(HAND_BUILT)))  # order does not matter
    assert result.transfer_start == D(2024, 1, 1) and not result.start_from_agreement
    assert (result.before.total, result.after.total) == (16, 20)


def test_independence_needs_an_independent_case_and_not_a_quiet_month() -> None:
    rows = months(D(2024, 1, 1), [(0, 0, 4), (2, 1, 3), (0, 0, 3), (2, 2, 1)])
    assert summarise(rows).independence_month == D(2024, 4, 1)  # an empty month (0 ≥ 0) is not independence
    assert summarise(months(D(2024, 1, 1), [(2, 1, 0), (3, 2, 0)])).independence_month is None


def test_referrals_rising_and_periods_without_logs() -> None:
    rows = months(D(2024, 1, 1), [(0, 0, 2), (1, 0, 3), (1, 0, 5)])
    result = summarise(rows, D(2024, 2, 1))
    assert (result.before.per_month, result.after.per_month, result.referrals_falling) == (2.0, 4.0, False)
    late = summarise(rows, D(2025, 1, 1))  # nothing logged since the start
    assert late.after.months == 0 and late.after.per_month is None and late.referrals_falling is None
    assert summarise([]).first_month is None and summarise([]).before.per_month is None


def row(month: Any, facility: str = "ST-BVDK", technique: str = "TM-PCI", **counts: Any) -> dict[str, Any]:
    return {"facility": str(facility_by_code(facility).id), "technique": technique_id(technique), "month": month,
            "cases_with_support": "3", "cases_independent": "1", "referred_to_hcmc": "4", **counts}


def test_the_month_is_written_as_people_write_it() -> None:
    for text in ("07/2024", "7/2024", "2024-07", "15/07/2024", "2024-07-31", D(2024, 7, 9)):
        assert case_logs.parse_month(text) == D(2024, 7, 1), text
    for text in ("13/2024", "2024", "July", "", "00/2024"):
        assert case_logs.parse_month(text) is None, text


def test_one_case_log_per_facility_technique_and_month(site_store: Path) -> None:
    first = case_logs.save(row("03/2024"))
    with pytest.raises(ValidationError) as caught:
        case_logs.save(row("2024-03", cases_independent="9"))
    assert caught.value.for_field("month") == ("Bệnh viện Đa khoa tỉnh Sóc Trăng already has a case log for "
                                               "Chụp và can thiệp động mạch vành qua da in 03/2024. Change that one instead.")
    case_logs.save(row("03/2024", facility="CT-BVDKTW"))  # another facility, the same month: fine
    case_logs.save(row("03/2024", technique="PT-TIM-HO"))  # another technique: fine
    case_logs.save(row("03/2024", cases_independent="5"), first)  # changing the row itself: fine
    assert [r["cases_independent"] for r in case_logs.listing(facility_by_code("ST-BVDK").id, technique_id("TM-PCI"))] == [5]
    case_logs.delete(first)
    case_logs.save(row("03/2024"))  # a deleted month may be written again


def test_the_form_shows_a_month_as_it_was_saved_and_logged_facilities_come_first(site_store: Path) -> None:
    saved = case_logs.save(row("03/2024", facility="CT-BVDKTW"))
    assert case_logs.form_values(saved) == {**row("03/2024", facility="CT-BVDKTW")}
    choices = case_logs.logged_facility_choices()
    assert choices[0].value == str(facility_by_code("CT-BVDKTW").id)
    assert len(choices) == len({c.value for c in choices}) > 1  # every facility, once
    specs = {spec.name: spec for spec in case_logs.form_fields()}
    assert specs["facility"].kind == "choice" and specs["technique"].kind == "choice" and specs["month"].kind == "text"


def test_many_rows_are_all_or_nothing_and_each_problem_names_its_row(site_store: Path) -> None:
    case_logs.save(row("01/2024"))
    rows = [row("02/2024"), row("01/2024"), row("03/2024", cases_with_support="-1"), row("04/2024", facility="CT-BVDKTW"),
            row("04/2024", facility="CT-BVDKTW"), {**row("05/2024"), "technique": "nothing"}]
    with pytest.raises(ValidationError) as caught:
        case_logs.save_many(rows)
    found = [(e.row, e.field, e.message) for e in caught.value.errors]
    assert [(r, f) for r, f, _m in found] == [(2, "month"), (3, "cases_with_support"), (5, "month"), (6, "technique")]
    assert found[1][2] == "A count cannot be negative."
    assert "Row 6, Technique: Choose one of the values in the list." in caught.value.message
    assert len(case_logs.listing()) == 1  # nothing was written
    assert len(case_logs.save_many([row("02/2024"), row("03/2024", cases_with_support="")])) == 2
    assert [r["cases_with_support"] for r in case_logs.listing(month_from="03/2024", month_to="03/2024")] == [0]


def test_outcome_reads_the_transfer_start_from_a_signed_agreement(draft_id: str) -> None:
    from hospitaldesk.services import agreement_lifecycle

    facility, technique = facility_by_code("ST-BVDK").id, technique_id("TM-PCI")
    case_logs.save_many([row("07/2025", cases_with_support="0", cases_independent="0", referred_to_hcmc="10"),
                         row("08/2025", cases_with_support="2", cases_independent="0", referred_to_hcmc="6"),
                         row("09/2025", cases_with_support="1", cases_independent="2", referred_to_hcmc="2")])
    assert case_outcomes.outcome(facility, technique)["start_from_agreement"] is False  # a draft does not count
    agreement_lifecycle.change_status(draft_id, "signed", "21/07/2025")  # its TM-PCI line starts 01/08/2025
    [found] = case_outcomes.outcomes(facility)
    assert (found["transfer_start"], found["start_from_agreement"], found["first_month"]) == ("2025-08", True, "2025-08")
    assert found["independence_month"] == "2025-09"
    assert found["referrals_before"] == {"months": 1, "total": 10, "per_month": 10.0}
    assert found["referrals_after"] == {"months": 2, "total": 8, "per_month": 4.0}
    assert [m["label"] for m in found["months"]] == ["07/2025", "08/2025", "09/2025"]


def test_independence_months_in_sql_follow_summarise_and_the_last_changed_twin(site_store: Path) -> None:
    import uuid

    from hospitaldesk.db.models import CaseLog, Facility

    st, pci, crrt = facility_by_code("ST-BVDK").id, uuid.UUID(technique_id("TM-PCI")), uuid.UUID(technique_id("NHI-LOC-MAU-LIEN-TUC"))
    # PCI at Sóc Trăng: 01/2024 (3, 0), 02/2024 (2, 2) -> independent from 02/2024 (2 >= 2 and > 0).
    for month, counts in (("01/2024", (3, 0, 4)), ("02/2024", (2, 2, 3)), ("03/2024", (0, 5, 1))):
        case_logs.save(row(month, **dict(zip(case_logs.COUNTS, map(str, counts)))))
    # CRRT: 01/2024 (0, 0) a quiet month, then 02/2024 twice (two sites before a sync): (1, 1) changed first,
    # (3, 1) changed last -> February does not count; 03/2024 (1, 2) -> independent from 03/2024.
    for month, supported, independent, updated in ((D(2024, 1, 1), 0, 0, 1), (D(2024, 2, 1), 1, 1, 2), (D(2024, 2, 1), 3, 1, 3),
                                                    (D(2024, 3, 1), 1, 2, 4)):
        record = CaseLog.create(facility=st, technique=crrt, month=month, cases_with_support=supported, cases_independent=independent,
                                referred_to_hcmc=0)
        CaseLog.update(updated_at=dt.datetime(2024, 5, updated)).where(CaseLog.id == record.id).execute()
    found = {(uuid.UUID(f), uuid.UUID(t)): m for (f, t), m in case_outcomes.independence_months(D(2024, 12, 1)).items()}
    assert found == {(st, pci): D(2024, 2, 1), (st, crrt): D(2024, 3, 1)}
    by_summarise = summarise(case_outcomes.month_counts(st, crrt)).independence_month
    assert by_summarise == D(2024, 3, 1)  # the same rule, row by row in Python
    # Up to January nothing is independent; another facility's logs are left out when asked.
    assert case_outcomes.independence_months(D(2024, 1, 31)) == {}
    cm = Facility.select(Facility.id).where(Facility.id == facility_by_code("CM-SANNHI").id)
    assert case_outcomes.independence_months(D(2024, 12, 1), cm) == {}


def test_twins_made_by_moving_or_restoring_a_row_count_once(site_store: Path) -> None:
    """Migration 17's triggers note a twin month however it is made: a row moved onto a month already
    logged, a deleted row restored beside a live one, a row written by another program (plain SQL)."""
    import uuid

    from hospitaldesk.db.connection import database
    from hospitaldesk.db.models import CaseLog

    st, crrt = facility_by_code("ST-BVDK").id, uuid.UUID(technique_id("NHI-LOC-MAU-LIEN-TUC"))

    def log(month: dt.date, supported: int, changed: int, deleted: bool = False) -> CaseLog:
        record = CaseLog.create(facility=st, technique=crrt, month=month, cases_with_support=supported, cases_independent=0,
                                referred_to_hcmc=0, deleted=deleted)
        CaseLog.update(updated_at=dt.datetime(2024, 5, changed)).where(CaseLog.id == record.id).execute()
        return record

    def supported() -> dict[str, int]:
        return {str(m)[:7]: s for m, _f, s, *_rest in case_outcomes.sums_by("month", D(2024, 1, 1), D(2024, 12, 1))}

    log(D(2024, 1, 1), 1, 1)
    moved = log(D(2024, 2, 1), 5, 2)
    log(D(2024, 3, 1), 2, 3)
    gone = log(D(2024, 3, 1), 7, 1, deleted=True)
    assert supported() == {"2024-01": 1, "2024-02": 5, "2024-03": 2}
    # February's row moved onto January, changed last: January is 5 (not 1 + 5), February empty.
    CaseLog.update(month=D(2024, 1, 1), updated_at=dt.datetime(2024, 6, 1)).where(CaseLog.id == moved.id).execute()
    # March's deleted row restored, changed last: March is 7 (not 2 + 7).
    CaseLog.update(deleted=False, updated_at=dt.datetime(2024, 6, 2)).where(CaseLog.id == gone.id).execute()
    assert supported() == {"2024-01": 5, "2024-03": 7}
    # Another program's row for April beside ours, changed later: April is 9.
    log(D(2024, 4, 1), 4, 1)
    database.execute_sql("INSERT INTO case_log (id, created_at, updated_at, last_site, change_seq, deleted, facility_id, technique_id, "
                         "month, cases_with_support, cases_independent, referred_to_hcmc) "
                         "VALUES (?, '2024-05-09', '2024-07-01', NULL, 0, 0, ?, ?, '2024-04-01', 9, 0, 0)",
                         [uuid.uuid4().hex, st.hex, crrt.hex])
    assert supported() == {"2024-01": 5, "2024-03": 7, "2024-04": 9}
    noted = database.execute_sql("SELECT month FROM case_log_twin ORDER BY month").fetchall()
    assert [str(m)[:7] for (m,) in noted] == ["2024-01", "2024-03", "2024-04"]
