"""The overview (services/overview.py) on hand-built data: three agreements, one assessment with a gap, one
trained nurse, case logs at two hospitals and one duplicated plan. Every expected figure is worked out by
hand in the comments, from the rows written here; "today" is 20/09/2024."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import Technique
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreements, assessments, case_logs, gaps, networks, overview, readiness_terms
from hospitaldesk.services.overview import CaseMonth, Scope
from tests.unit.conftest import agreement_line, facility_by_code, province, technique_id
from tests.unit.test_readiness import CRRT, STARTER, answer_all
from tests.unit.test_trainees import add, trained

TODAY = dt.date(2024, 9, 20)
PCI = "TM-PCI"


def fid(code: str) -> str:
    return str(facility_by_code(code).id)


def specialty_of(code: str) -> str:
    return str(Technique.get(Technique.code == code).specialty_id)


@pytest.fixture
def region(site_store: Path, agreement_form: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)
    # A1: ĐHYD → Sóc Trăng, open-heart surgery, signed 15/03/2024: review due 15/09/2024, overdue on the 20th.
    a1 = agreements.save_draft(agreement_form(), [agreement_line("PT-TIM-HO")])
    life.change_status(a1, "signed", "15/03/2024")
    # A2: Nhi Đồng 1 → Cà Mau's obstetrics-paediatrics hospital, CRRT, signed 01/04/2024 and running:
    # review due 01/10/2024, 11 days after today.
    a2 = agreements.save_draft(agreement_form(party_a=fid("HCM-NHIDONG1"), party_b=fid("CM-SANNHI"), number="02/HĐ-CGKT",
                                              title="Lọc máu liên tục"), [agreement_line(CRRT)])
    life.change_status(a2, "signed", "01/04/2024")
    life.change_status(a2, "in_progress", "02/04/2024")
    # A3: a draft, ĐHYD → Sóc Trăng, open-heart surgery again (a draft with training planned is watched too).
    a3 = agreements.save_draft(agreement_form(number="03/HĐ-CGKT"), [agreement_line("PT-TIM-HO")])
    # Cà Mau assessed for CRRT: trained nurses missing (critical) → not ready, and one gap, due 01/06/2024.
    assessment = assessments.start(technique_id(CRRT), {"facility": fid("CM-SANNHI"), "assessed_on": "01/05/2024", "assessors": "BS. A"})
    answer_all(assessment, {"HR-01": "no"})
    assessments.finalise(assessment)
    [gap] = gaps.listing()
    gaps.update(gap["id"], {"owner": "Phòng TCCB", "due": "01/06/2024", "status": "open"})
    # One nurse trained in CRRT at Cà Mau (the checklist asks for 4): commitment of 1 year from 30/10/2023,
    # ending 30/10/2024, 40 days after today.
    nurse = add()
    trained(nurse, end="30/10/2023", certificate_date="30/10/2023", commitment_years="1")
    # Case logs: PCI at Sóc Trăng in 07/2024 and 08/2024, CRRT at Cà Mau in 08/2024.
    for facility, technique, month, counts in (("ST-BVDK", PCI, "07/2024", (2, 0, 5)), ("ST-BVDK", PCI, "08/2024", (3, 1, 4)),
                                               ("CM-SANNHI", CRRT, "08/2024", (1, 0, 2))):
        case_logs.save({"facility": fid(facility), "technique": technique_id(technique), "month": month,
                        **dict(zip(case_logs.COUNTS, map(str, counts)))})
    # Sóc Trăng and Bạc Liêu (bordering) both plan PCI: one duplication warning.
    network = networks.save_network({"specialty": specialty_of(PCI), "name": "Mạng lưới Tim mạch", "notes": ""})
    for code in ("ST-BVDK", "BL-BVDK"):
        networks.save_member(network, {"facility": fid(code), "technique": technique_id(PCI), "status": "plans", "planned_year": "2026"})
    return {"a1": a1, "a2": a2, "a3": a3, "nurse": nurse, "gap": gap["id"]}


def test_the_whole_region(region: dict[str, str]) -> None:
    o = overview.compile_overview(today=TODAY)
    assert o.statuses == {"draft": 1, "signed": 1, "in_progress": 1, "accepted": 0, "closed": 0, "terminated": 0}
    [late] = o.reviews_overdue.items
    assert (late.screen, late.record_id, late.title, late.day, late.late) == ("agreements", region["a1"].replace("-", ""), "01/HĐ-CGKT",
                                                                             dt.date(2024, 9, 15), True)
    assert late.detail == "BV ĐHYD TP.HCM → BVĐK tỉnh Sóc Trăng"  # the parties, by their short names
    [soon] = o.reviews_due.items
    assert (soon.record_id, soon.day, soon.late) == (region["a2"].replace("-", ""), dt.date(2024, 10, 1), False)
    # Training ahead of readiness: A1 and A3 (Sóc Trăng never assessed for open-heart surgery), A2 (Cà Mau not ready).
    assert o.not_ready.total == 3
    assert {i.record_id for i in o.not_ready.items} == {region[k].replace("-", "") for k in ("a1", "a2", "a3")}
    crrt = next(i for i in o.not_ready.items if i.record_id == region["a2"].replace("-", ""))
    assert "not ready (80 %)" in crrt.detail and crrt.day == dt.date(2024, 5, 1)
    # Staff below need: 1 nurse working, 4 needed.
    [below] = o.below_need.items
    assert (below.screen, below.record_id) == ("retention", facility_by_code("CM-SANNHI").id.hex)
    assert "1 working of 4 needed" in below.detail
    [ending] = o.commitments.items
    assert (ending.screen, ending.record_id, ending.day) == ("staff", region["nurse"].replace("-", ""), dt.date(2024, 10, 30))
    assert "40 days left" in ending.detail
    [gap] = o.gaps_overdue.items
    assert (gap.screen, gap.record_id, gap.day) == ("readiness", region["gap"].replace("-", ""), dt.date(2024, 6, 1))
    assert o.at_risk == 3 + 1 + 1
    assert o.duplications.total == 1 and "both plan" in o.duplications.items[0].detail
    assert o.conflicts == 0
    # 18 months ending 08/2024 (the latest logged): 03/2023 … 08/2024.
    assert len(o.cases) == 18 and o.cases[0].month == dt.date(2023, 3, 1) and o.cases[-1].month == dt.date(2024, 8, 1)
    july, august = o.cases[-2], o.cases[-1]
    assert (july.with_support, july.independent, july.referred, july.logs) == (2, 0, 5, 1)
    assert (august.with_support, august.independent, august.referred, august.logs) == (3 + 1, 1 + 0, 4 + 2, 2)
    assert all(m.logs == 0 for m in o.cases[:-2])
    # Months later, the chart still ends at 08/2024: read at once up to 30/11/2024 (three months more are
    # searched), through the latest month logged from 01/12/2024 on; before 08/2024, it ends at that month.
    case_logs.save({"facility": fid("ST-BVDK"), "technique": technique_id("TM-PCI"), "month": "04/2023", "cases_with_support": "7"})
    shown = overview.cases_per_month(Scope(), TODAY)
    assert shown[1] == CaseMonth(dt.date(2023, 4, 1), 7, 0, 0, 1) and shown[2:] == o.cases[2:]
    for later in (dt.date(2024, 11, 30), dt.date(2024, 12, 1), dt.date(2026, 1, 15)):
        assert overview.cases_per_month(Scope(), later) == shown, later
    assert overview.cases_per_month(Scope(), dt.date(2024, 7, 31))[-1] == CaseMonth(dt.date(2024, 7, 1), 2, 0, 5, 1)


def test_a_province_narrows_everything(region: dict[str, str]) -> None:
    ca_mau = str(province("Cà Mau").id)
    o = overview.compile_overview(Scope(province=ca_mau), today=TODAY)
    # Only A2 is in Cà Mau; Bạc Liêu (merged into Cà Mau) keeps the duplication warning.
    assert o.statuses["in_progress"] == 1 and sum(o.statuses.values()) == 1
    assert (o.reviews_overdue.total, o.reviews_due.total, o.not_ready.total) == (0, 1, 1)
    assert (o.below_need.total, o.commitments.total, o.gaps_overdue.total, o.duplications.total) == (1, 1, 1, 1)
    assert (o.cases[-1].month, o.cases[-1].referred, o.cases[-2].logs) == (dt.date(2024, 8, 1), 2, 0)
    # Former Sóc Trăng: A1 and A3, no staff, gap or commitment; its cases are PCI's.
    o = overview.compile_overview(Scope(province=str(province("Sóc Trăng", former=True).id)), today=TODAY)
    assert (o.statuses["signed"], o.statuses["draft"], sum(o.statuses.values())) == (1, 1, 2)
    assert (o.reviews_overdue.total, o.reviews_due.total, o.not_ready.total) == (1, 0, 2)
    assert (o.below_need.total, o.commitments.total, o.gaps_overdue.total, o.duplications.total) == (0, 0, 0, 1)
    assert [(m.with_support, m.referred) for m in o.cases[-2:]] == [(2, 5), (3, 4)]


def test_province_ids_go_both_ways(site_store: Path) -> None:
    can_tho, soc_trang = province("Cần Thơ"), province("Sóc Trăng", former=True)
    assert soc_trang.id in overview.province_ids(can_tho.id)
    assert can_tho.id in overview.province_ids(soc_trang.id)
    assert province("Hậu Giang", former=True).id in overview.province_ids(can_tho.id)


def test_specialty_and_partner(region: dict[str, str]) -> None:
    paediatric = Scope(specialty=specialty_of(CRRT))
    o = overview.compile_overview(paediatric, today=TODAY)
    assert sum(o.statuses.values()) == 1 and o.not_ready.total == 1
    assert (o.below_need.total, o.commitments.total, o.gaps_overdue.total, o.duplications.total) == (1, 1, 1, 0)
    assert sum(m.with_support for m in o.cases) == 1  # CRRT's one supported case
    # Partner Nhi Đồng 1: its agreement A2, and what happens at Cà Mau, which it trains.
    o = overview.compile_overview(Scope(partner=fid("HCM-NHIDONG1")), today=TODAY)
    assert sum(o.statuses.values()) == 1 and o.reviews_due.total == 1 and o.reviews_overdue.total == 0
    assert (o.below_need.total, o.commitments.total, o.gaps_overdue.total, o.duplications.total) == (1, 1, 1, 0)
    # Partner ĐHYD and Cà Mau's province together: nothing.
    o = overview.compile_overview(Scope(partner=fid("HCM-DHYD"), province=str(province("Cà Mau").id)), today=TODAY)
    assert sum(o.statuses.values()) == 0 and o.at_risk == 0 and o.gaps_overdue.total == 0
    assert all(m.logs == 0 for m in o.cases)


def test_a_closed_gap_and_a_held_review_leave_the_lists(region: dict[str, str]) -> None:
    gaps.update(region["gap"], {"owner": "Phòng TCCB", "status": "done"}, today=TODAY)
    life.record_review(region["a1"], "18/09/2024")  # the next is 15/03/2025
    o = overview.compile_overview(today=TODAY)
    assert o.gaps_overdue.total == 0 and o.reviews_overdue.total == 0 and o.reviews_due.total == 1
