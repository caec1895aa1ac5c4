"""The 6-monthly review's figures (services/review.py) on hand-built data. The period is the first half of
2024; every expected figure is worked out by hand in the comments, from the rows written here."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import AgreementTechnique, Province
from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.errors import ValidationError
from hospitaldesk.reports.review_data import Period
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreements, assessments, case_logs, gaps, provinces, readiness_terms, review, staff
from hospitaldesk.services.review import ReviewScope
from tests.unit.conftest import agreement_line, facility_by_code, technique_id
from tests.unit.test_readiness import CRRT, STARTER, answer_all
from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)
from tests.unit.test_trainees import add, trained

H1 = Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
PCI = "TM-PCI"


def fid(code: str) -> str:
    return str(facility_by_code(code).id)


def ca_mau_province() -> str:
    """Cà Mau as it is today (with Bạc Liêu since 2025), as the province list offers it first."""
    found = provinces.resolve("Cà Mau")
    assert found is not None and found.valid_to is None
    return str(found.id)


def log(code: str, technique: str, month: str, counts: tuple[int, int, int]) -> None:
    case_logs.save({"facility": fid(code), "technique": technique_id(technique), "month": month,
                    **dict(zip(case_logs.COUNTS, map(str, counts)))})


@pytest.fixture
def half_year(site_store: Path, agreement_form: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)
    # A1: ĐHYD → Sóc Trăng, open-heart surgery and PCI, signed 15/03/2024 (in the period); a review held 10/06/2024.
    a1 = agreements.save_draft(agreement_form(), [agreement_line("PT-TIM-HO"), agreement_line(PCI)])
    life.change_status(a1, "signed", "15/03/2024")
    life.record_review(a1, "10/06/2024")
    # A2: Nhi Đồng 1 → Cà Mau, CRRT, signed 01/10/2023 (before), running from 02/10/2023; its line performed
    # independently from 01/02/2024 and accepted 15/05/2024; the agreement accepted 20/05/2024 (in the period).
    a2 = agreements.save_draft(agreement_form(party_a=fid("HCM-NHIDONG1"), party_b=fid("CM-SANNHI"), number="02/HĐ-CGKT",
                                              title="Lọc máu liên tục"), [agreement_line(CRRT, start="01/10/2023", end="31/03/2024")])
    life.change_status(a2, "signed", "01/10/2023")
    life.change_status(a2, "in_progress", "02/10/2023")
    line = AgreementTechnique.get(AgreementTechnique.agreement == a2).id
    life.set_progress(line, "independent", "01/02/2024")
    life.set_progress(line, "accepted", "15/05/2024")
    life.change_status(a2, "accepted", "20/05/2024")
    # A3: ĐHYD → Sóc Trăng signed 01/12/2023, terminated 01/07/2024: still running on 30/06/2024.
    a3 = agreements.save_draft(agreement_form(number="03/HĐ-CGKT"), [agreement_line("PT-TIM-HO")])
    life.change_status(a3, "signed", "01/12/2023")
    life.change_status(a3, "terminated", "01/07/2024", "Thiếu kinh phí")
    # A4: a draft: counted nowhere.
    agreements.save_draft(agreement_form(number="04/HĐ-CGKT"), [agreement_line("PT-TIM-HO")])
    # Cà Mau's CRRT readiness: on 01/11/2023 nurses (critical) and the procedure missing → not ready, two gaps;
    # the nurses' gap closed (done) on 15/03/2024, cost 20,000,000; the procedure's still open, due 01/06/2024.
    first = assessments.start(technique_id(CRRT), {"facility": fid("CM-SANNHI"), "assessed_on": "01/11/2023", "assessors": "BS. A"})
    answer_all(first, {"HR-01": "no", "PR-01": "no"})
    assessments.finalise(first)
    found = {g["item"]: g["id"] for g in gaps.listing()}
    nurses = next(i for name, i in found.items() if "Điều dưỡng" in name)
    procedure = next(i for name, i in found.items() if "Quy trình" in name)
    gaps.update(nurses, {"owner": "Phòng TCCB", "cost": "20.000.000", "status": "done"}, today=dt.date(2024, 3, 15))
    gaps.update(procedure, {"owner": "Phòng KHTH", "due": "01/06/2024", "status": "open"})
    # Reassessed on 01/04/2024 with everything in place: ready. (The procedure's gap stays open: nobody closed it.)
    second = assessments.start(technique_id(CRRT), {"facility": fid("CM-SANNHI"), "assessed_on": "01/04/2024", "assessors": "BS. A"})
    answer_all(second, {})
    assessments.finalise(second)
    # Trainees at Cà Mau: Hạnh trained in CRRT until 30/03/2024 (in the period), still working;
    # Đức trained until 30/10/2023 with 2 years to serve, left on 01/05/2024 for a private hospital: commitment broken.
    hanh = add()
    trained(hanh, end="30/03/2024", start_on="02/01/2024", certificate_date="30/03/2024", commitment_signed_on="28/12/2023")
    duc = add(full_name="Trần Văn Đức", national_id="", birth_date="", profession="doctor")
    trained(duc, end="30/10/2023", start_on="02/08/2023", certificate_date="30/10/2023", commitment_years="2",
            commitment_signed_on="28/07/2023")
    staff.record_departure(duc, {"left_on": "01/05/2024", "reason": "income", "destination_kind": "private",
                                 "destination_name": "Bệnh viện tư X"})
    # Case logs. CRRT at Cà Mau: 11/2023 (2, 0, 3) and 12/2023 (1, 0, 4) are the period before;
    # 02/2024 (2, 1, 2) and 03/2024 (1, 2, 1) in it: independence reached in 03/2024 (2 independent ≥ 1 supported).
    # PCI at Sóc Trăng: 05/2024 (3, 0, 5). Outside both periods: 07/2024 (9, 9, 9).
    for facility, technique, month, counts in (
        ("CM-SANNHI", CRRT, "11/2023", (2, 0, 3)), ("CM-SANNHI", CRRT, "12/2023", (1, 0, 4)),
        ("CM-SANNHI", CRRT, "02/2024", (2, 1, 2)), ("CM-SANNHI", CRRT, "03/2024", (1, 2, 1)),
        ("ST-BVDK", PCI, "05/2024", (3, 0, 5)), ("ST-BVDK", PCI, "07/2024", (9, 9, 9)),
    ):
        log(facility, technique, month, counts)
    return {"a1": a1, "a2": a2, "a3": a3, "hanh": hanh, "duc": duc, "line": str(line)}


def test_the_region(half_year: dict[str, str]) -> None:
    f = review.compile_review(H1)
    assert f.previous == Period(dt.date(2023, 7, 1), dt.date(2023, 12, 31))
    assert f.scope_label == "The Mekong Delta region"
    # Agreements: A1 signed; A2 accepted; none terminated (A3's is in July); running at the end: A1 and A3.
    [signed] = f.signed
    assert (signed.number, signed.party_a, signed.party_b, signed.day) == ("01/HĐ-CGKT", "BV ĐHYD TP.HCM", "BVĐK tỉnh Sóc Trăng",
                                                                            dt.date(2024, 3, 15))
    assert signed.techniques == "Phẫu thuật tim hở với tuần hoàn ngoài cơ thể; Chụp và can thiệp động mạch vành qua da"
    assert [(a.number, a.day) for a in f.accepted] == [("02/HĐ-CGKT", dt.date(2024, 5, 20))]
    assert f.terminated == [] and f.running_at_end == 2 and f.reviews_held == 1
    # The CRRT line: independent 01/02/2024, accepted 15/05/2024.
    assert [(s.agreement, s.technique, s.day, s.progress) for s in f.technique_steps] == [
        ("02/HĐ-CGKT", "Lọc máu liên tục ở trẻ em", dt.date(2024, 2, 1), "independent"),
        ("02/HĐ-CGKT", "Lọc máu liên tục ở trẻ em", dt.date(2024, 5, 15), "accepted")]
    assert (f.techniques_independent, f.techniques_accepted) == (1, 1)
    # Training: Hạnh trained in the period and still working; by the end two trained, one working (Đức left).
    assert [(t.technique, t.trained, t.retained) for t in f.training] == [("Lọc máu liên tục ở trẻ em", 1, 1)]
    assert (f.trained_by_end, f.working_at_end) == (2, 1)
    assert (f.departures, f.departures_breaking, f.departures_private) == (1, 1, 1)
    # Readiness: one assessment in the period; CRRT at Cà Mau went from not ready to ready.
    assert f.assessments == 1
    [change] = f.readiness
    assert (change.facility, change.before_ready, change.after_ready, change.after, change.assessed_on) == (
        "BV Sản – Nhi Cà Mau", False, True, 1.0, dt.date(2024, 4, 1))
    assert change.before is not None and change.before < 0.8 and change.became_ready
    # Gaps: the nurses' closed in the period (20,000,000 VND); the procedure's open and overdue at the end.
    assert (f.gaps_closed, f.gaps_closed_cost, f.gaps_open, f.gaps_overdue, f.gaps_open_critical) == (1, 20_000_000, 1, 1, 0)
    # Cases in the period: CRRT 3 supported, 3 independent, 3 referred over 2 months (7 over 2 months before);
    # PCI 3, 0, 5 over one month (nothing before).
    by_name = {c.technique: c for c in f.cases}
    crrt = by_name["Lọc máu liên tục ở trẻ em"]
    assert (crrt.facilities, crrt.with_support, crrt.independent, crrt.referred, crrt.referred_before, crrt.months, crrt.months_before) == (
        1, 3, 3, 3, 7, 2, 2)
    assert (crrt.referred_per_month, crrt.referred_per_month_before) == (1.5, 3.5)
    pci = by_name["Chụp và can thiệp động mạch vành qua da"]
    assert (pci.with_support, pci.independent, pci.referred, pci.referred_before, pci.referred_per_month_before) == (3, 0, 5, 0, None)
    # The months of the period: January empty (unknown), February 2+1+2, March 1+2+1, May 3+0+5.
    assert [(m.month.month, m.with_support, m.independent, m.referred, m.logs) for m in f.case_months] == [
        (1, 0, 0, 0, 0), (2, 2, 1, 2, 1), (3, 1, 2, 1, 1), (4, 0, 0, 0, 0), (5, 3, 0, 5, 1), (6, 0, 0, 0, 0)]
    [reached] = f.independence
    assert (reached.facility, reached.month) == ("BV Sản – Nhi Cà Mau", dt.date(2024, 3, 1))
    totals = f.as_dict()["totals"]
    assert (totals["cases_with_support"], totals["cases_independent"], totals["referred_to_hcmc"], totals["referred_to_hcmc_before"]) == (
        6, 3, 8, 7)


def test_a_province_covers_its_hospitals_only(half_year: dict[str, str]) -> None:
    f = review.compile_review(H1, ReviewScope(province=ca_mau_province()))
    assert f.scope_label == "province Cà Mau"
    # Cà Mau: A2 only (accepted); nothing signed, nothing running at the end; PCI at Sóc Trăng left out.
    assert (f.signed, [a.number for a in f.accepted], f.running_at_end, f.reviews_held) == ([], ["02/HĐ-CGKT"], 0, 0)
    assert [c.technique for c in f.cases] == ["Lọc máu liên tục ở trẻ em"]
    assert (f.trained, f.departures, f.gaps_closed, f.became_ready) == (1, 1, 1, 1)


def test_a_former_province_covers_its_own_hospitals_and_says_what_it_became(half_year: dict[str, str]) -> None:
    soc_trang = Province.get_by_id(facility_by_code("ST-BVDK").province_id)  # abolished on 30/06/2025
    former = review.compile_review(H1, ReviewScope(province=str(soc_trang.id)))
    assert former.scope_label == "province Sóc Trăng (now part of city Cần Thơ)"
    assert [a.number for a in former.signed] == ["01/HĐ-CGKT"] and former.accepted == [] and former.trained == 0
    # Cần Thơ today covers the units merged into it, Sóc Trăng among them.
    today = review.compile_review(H1, ReviewScope(province=str(soc_trang.current().id)))
    assert today.scope_label == "city Cần Thơ" and [a.number for a in today.signed] == ["01/HĐ-CGKT"]
    old_ca_mau = Province.get_by_id(facility_by_code("CM-SANNHI").province_id)
    assert review.scope_label(ReviewScope(province=str(old_ca_mau.id))) == "province Cà Mau (to 30/06/2025)"


def test_one_hospital(half_year: dict[str, str]) -> None:
    soc_trang = review.compile_review(H1, ReviewScope(facility=fid("ST-BVDK")))
    assert [a.number for a in soc_trang.signed] == ["01/HĐ-CGKT"] and soc_trang.running_at_end == 2
    assert (soc_trang.trained, soc_trang.assessments, soc_trang.gaps_open) == (0, 0, 0)
    assert [(c.technique, c.referred) for c in soc_trang.cases] == [("Chụp và can thiệp động mạch vành qua da", 5)]
    # The transferring hospital sees the agreements it gives.
    nhi_dong = review.compile_review(H1, ReviewScope(facility=fid("HCM-NHIDONG1")))
    assert [a.number for a in nhi_dong.accepted] == ["02/HĐ-CGKT"] and nhi_dong.signed == []


def test_a_transferring_hospital_counts_its_partners_results(half_year: dict[str, str]) -> None:
    # Nhi Đồng 1 transfers CRRT to Cà Mau (A2): its review counts what happened at Cà Mau.
    nhi_dong = review.compile_review(H1, ReviewScope(facility=fid("HCM-NHIDONG1")))
    assert (nhi_dong.trained, nhi_dong.departures, nhi_dong.became_ready, nhi_dong.gaps_closed) == (1, 1, 1, 1)
    assert [c.technique for c in nhi_dong.cases] == ["Lọc máu liên tục ở trẻ em"] and len(nhi_dong.independence) == 1
    assert nhi_dong.running_at_end == 0  # its own agreements only: A2, accepted


def test_an_odd_period_counts_whole_months_once(half_year: dict[str, str]) -> None:
    # 15/02–14/05/2024: the months starting in it are March, April and May; the period before: December to February.
    odd = Period(dt.date(2024, 2, 15), dt.date(2024, 5, 14))
    assert odd.previous() == Period(dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    f = review.compile_review(odd)
    by_name = {c.technique: c for c in f.cases}
    crrt = by_name["Lọc máu liên tục ở trẻ em"]
    assert (crrt.with_support, crrt.independent, crrt.referred, crrt.months) == (1, 2, 1, 1)  # March only
    assert (crrt.referred_before, crrt.months_before) == (6, 2)  # December 4 and February 2
    assert [m.month.month for m in f.case_months] == [3, 4, 5]
    # The next one (15/05–14/08) starts with June: May is not counted twice.
    after = review.compile_review(Period(dt.date(2024, 5, 15), dt.date(2024, 8, 14)))
    assert [(c.technique, c.referred, c.referred_before) for c in after.cases] == [
        ("Chụp và can thiệp động mạch vành qua da", 9, 5), ("Lọc máu liên tục ở trẻ em", 0, 1)]
    # A period inside one month holds no month's log.
    assert review.compile_review(Period(dt.date(2024, 3, 10), dt.date(2024, 3, 19))).cases == []


def test_each_line_counts_once_per_step_however_its_progress_moves(half_year: dict[str, str]) -> None:
    life.set_progress(half_year["line"], "supported", "01/06/2024")
    life.set_progress(half_year["line"], "independent", "10/06/2024")
    f = review.compile_review(H1)
    assert [(s.day, s.progress) for s in f.technique_steps] == [(dt.date(2024, 2, 1), "independent"), (dt.date(2024, 5, 15), "accepted")]


def test_people_are_counted_once(half_year: dict[str, str]) -> None:
    # Hạnh also trained in high-frequency ventilation, ending 15/04/2024: two lines in the table, one person.
    trained(half_year["hanh"], technique=technique_id("NHI-THO-MAY-CAO-TAN"), end="15/04/2024", start_on="02/02/2024",
            certificate_date="15/04/2024", certificate_number="16/CN-NĐ1", commitment_signed_on="01/02/2024")
    # Đức came back on 10/05/2024 and left again on 01/06/2024: one person who left.
    staff.record_return(half_year["duc"], {"returned_on": "10/05/2024"})
    staff.record_departure(half_year["duc"], {"left_on": "01/06/2024", "reason": "family"})
    f = review.compile_review(H1)
    assert sorted((t.technique, t.trained) for t in f.training) == [("Lọc máu liên tục ở trẻ em", 1), ("Thở máy rung tần số cao (HFOV) ở trẻ em", 1)]
    assert (f.trained, f.retained, f.trained_by_end, f.working_at_end) == (1, 1, 2, 1)
    assert (f.departures, f.departures_breaking, f.departures_private) == (1, 1, 1)


def test_the_next_half_year_counts_the_termination_and_nothing_twice(half_year: dict[str, str]) -> None:
    h2 = review.compile_review(Period(dt.date(2024, 7, 1), dt.date(2024, 12, 31)))
    assert (h2.signed, [a.number for a in h2.terminated], h2.running_at_end) == ([], ["03/HĐ-CGKT"], 1)
    assert h2.technique_steps == [] and h2.trained == 0
    # PCI at Sóc Trăng in 07/2024: 9 independent ≥ 9 supported: independence reached then.
    assert [(i.facility, i.month) for i in h2.independence] == [("BVĐK tỉnh Sóc Trăng", dt.date(2024, 7, 1))]
    assert [(c.with_support, c.referred, c.referred_before) for c in h2.cases if c.technique.startswith("Chụp")] == [(9, 9, 5)]


def test_periods() -> None:
    assert review.half_year(dt.date(2026, 12, 3)) == Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert review.half_year(dt.date(2026, 3, 3)) == Period(dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    # A quarter's previous is the quarter before; a period of loose days, the same number of days before.
    assert Period(dt.date(2024, 4, 1), dt.date(2024, 6, 30)).previous() == Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert Period(dt.date(2024, 3, 10), dt.date(2024, 3, 19)).previous() == Period(dt.date(2024, 2, 29), dt.date(2024, 3, 9))
    assert review.period_of("01/01/2024", "30/06/2024") == H1


@pytest.mark.parametrize("start, end, field", [("", "30/06/2024", "start"), ("01/01/2024", "31/02/2024", "end"),
                                               ("01/07/2024", "30/06/2024", "end"), ("01/01/2020", "30/06/2024", "end")])
def test_a_bad_period_names_its_field(start: str, end: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        review.period_of(start, end)
    assert [e.field for e in caught.value.errors] == [field]


# --- the command line -------------------------------------------------------------------------------


def test_report_review_prints_the_compiled_figures(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "report", "review", "--from", "01/01/2024", "--to", "2024-06-30",
                 "--province", "ca mau", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["period"] == {"start": "2024-01-01", "end": "2024-06-30"} and data["scope_label"] == "province Cà Mau"
    open_store(demo_db)
    expected = review.compile_review(H1, ReviewScope(province=str(provinces.resolve("Cà Mau").id))).as_dict()  # type: ignore[union-attr]
    close_store()
    assert data == expected and data["totals"]["referred_to_hcmc"] > 0
    text = run("--lang", "en", "--db", str(demo_db), "report", "review", "--from", "01/01/2024", "--to", "30/06/2024")
    assert text.code == 0 and "Review of The Mekong Delta region, 01/01/2024 – 30/06/2024" in text.out
    assert "Agreements signed\t" in text.out


@pytest.mark.parametrize("args, message", [
    ((), "Say which period: --from DATE --to DATE."),
    (("--from", "01/01/2024", "--to", "31/02/2024"), "To: Write a date as dd/mm/yyyy"),
    (("--from", "01/01/2024", "--to", "30/06/2024", "--province", "Atlantis"), "No province with the code or name Atlantis."),
])
def test_report_review_refuses_a_bad_request(run: Runner, demo_db: Path, args: tuple[str, ...], message: str) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "report", "review", *args)
    assert result.code == 1 and message in result.err
