"""The review being written (services/review_drafts.py), its workbook and `print review` on the command line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hospitaldesk.db.models import Review
from hospitaldesk.errors import ValidationError
from hospitaldesk.reports.review_data import Period, ReviewScope
from hospitaldesk.services import provinces, review_drafts, review_print
from tests.reports.pdftext import all_text
from tests.unit.conftest import facility_by_code
from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)
from tests.unit.test_review import H1, half_year  # noqa: F401  (the fixture)

CA_MAU = "Cà Mau"


def ca_mau() -> ReviewScope:
    found = provinces.resolve(CA_MAU)
    assert found is not None
    return ReviewScope(province=str(found.id))


def test_a_province_review_starts_from_its_department_of_health(site_store: Path) -> None:
    values = review_drafts.load(H1, ca_mau())
    assert values["id"] == ""
    assert (values["issuer_parent"], values["issuer"], values["place"]) == ("PEOPLE'S COMMITTEE OF PROVINCE CÀ MAU",
                                                                            "DEPARTMENT OF HEALTH", "Cà Mau")
    assert values["recipients"].splitlines() == ["People's Committee of province Cà Mau (to report)", "Ministry of Health (to report)",
                                                 "Archives"]
    hospital = review_drafts.load(H1, ReviewScope(facility=str(facility_by_code("CM-SANNHI").id)))
    assert hospital["issuer"] == "BỆNH VIỆN SẢN – NHI CÀ MAU" and hospital["issuer_parent"] == "DEPARTMENT OF HEALTH OF PROVINCE CÀ MAU"


def test_one_review_per_period_and_scope_is_kept_and_found_again(site_store: Path) -> None:
    scope = ca_mau()
    first = review_drafts.save(H1, scope, {**review_drafts.defaults(scope), "number": "15/BC-SYT", "issued_on": "05/07/2024",
                                           "results": "Kết quả 1.\nKết quả 2.", "difficulties": "Thiếu điều dưỡng."})
    again = review_drafts.save(H1, scope, {**review_drafts.load(H1, scope), "plans": "Đào tạo thêm."})
    assert again == first and Review.select().count() == 1
    loaded = review_drafts.load(H1, scope)
    assert (loaded["id"], loaded["number"], loaded["issued_on"], loaded["plans"]) == (first, "15/BC-SYT", dt.date(2024, 7, 5), "Đào tạo thêm.")
    # Another period, or the region, is another review.
    review_drafts.save(Period(dt.date(2024, 7, 1), dt.date(2024, 12, 31)), scope, {"issuer": "SỞ Y TẾ"})
    review_drafts.save(H1, ReviewScope(), {"issuer": "BỆNH VIỆN"})
    assert [(r["start"], r["scope_label"]) for r in review_drafts.listing()] == [
        (dt.date(2024, 7, 1), "province Cà Mau"), (dt.date(2024, 1, 1), "The Mekong Delta region"), (dt.date(2024, 1, 1), "province Cà Mau")]
    review_drafts.delete(first)
    assert review_drafts.load(H1, scope)["id"] == ""


@pytest.mark.parametrize("values, field", [({"issuer": ""}, "issuer"), ({"issuer": "SỞ Y TẾ", "issued_on": "31/02/2024"}, "issued_on"),
                                           ({"issuer": "SỞ Y TẾ", "issued_on": "01/06/2024"}, "issued_on")])
def test_a_bad_field_is_named_and_nothing_is_written(site_store: Path, values: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        review_drafts.save(H1, ca_mau(), values)
    assert [e.field for e in caught.value.errors] == [field] and Review.select().count() == 0


def test_the_printed_review_carries_the_figures_and_the_text(half_year: dict[str, str]) -> None:  # noqa: F811
    scope = ca_mau()
    review_drafts.save(H1, scope, {**review_drafts.defaults(scope), "number": "15/BC-SYT", "signer_name": "Lê Văn Tâm",
                                   "difficulties": "Điều dưỡng nghỉ việc sang bệnh viện tư.",
                                   "proposals_ministry": "Hỗ trợ kinh phí đào tạo lại."})
    text = all_text(review_print.review_pdf(H1, scope)).replace("\u00a0", " ")
    for expected in ("REPORT", "Review of technique transfer over the period from 01/01/2024 to 30/06/2024", "Scope: province Cà Mau",
                     "No.: 15/BC-SYT", "02/HĐ-CGKT",  # accepted in the period
                     "Điều dưỡng nghỉ việc sang bệnh viện tư.", "Hỗ trợ kinh phí đào tạo lại.", "Lê Văn Tâm",
                     "People trained in the period: 1, of whom 1 still working at its end",
                     "Done independently from this period on (case logs): BV Sản – Nhi Cà Mau – Lọc máu liên tục ở trẻ em (03/2024)"):
        assert expected in text, expected
    # Unsaved text from the form prints as given.
    draft = all_text(review_print.review_pdf(H1, scope, {"issuer": "SỞ Y TẾ", "results": "Chưa lưu."}))
    assert "Chưa lưu." in draft and "Lê Văn Tâm" not in draft


def test_the_workbook_has_a_sheet_per_table(half_year: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    path = review_print.export_review(H1, ReviewScope(), tmp_path / "so-ket.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Main figures", "Agreements", "Techniques", "Training", "Readiness", "Cases", "Cases per month"]
    main = {row[0]: row[1] for row in book["Main figures"].iter_rows(min_row=2, values_only=True)}
    assert (main["Scope"], main["Agreements signed"], main["Patients referred to HCMC (the period before)"]) == (
        "The Mekong Delta region", "1", "8 (7)")
    cases = {row[0]: row[1:] for row in book["Cases"].iter_rows(min_row=2, values_only=True)}
    assert cases["Lọc máu liên tục ở trẻ em"] == (1, 3, 3, 3, 7, 2, 2)  # numbers, not text
    readiness = list(book["Readiness"].iter_rows(min_row=2, values_only=True))
    assert readiness[0][4] == 1.0 and book["Readiness"].cell(2, 5).number_format == "0.0%"
    assert [row[0] for row in book["Cases per month"].iter_rows(min_row=2, values_only=True)] == [
        "01/2024", "02/2024", "03/2024", "04/2024", "05/2024", "06/2024"]


def test_print_review_on_the_command_line(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "so-ket.pdf"
    result = run("--lang", "en", "--db", str(demo_db), "print", "review", "--from", "01/01/2024", "--to", "30/06/2024",
                 "--province", CA_MAU, "-o", str(out))
    assert result.code == 0, result.err
    assert f"Review written to {out}." in result.out and "Scope: province Cà Mau" in all_text(out.read_bytes())
    missing = run("--lang", "en", "--db", str(demo_db), "print", "review", "-o", str(tmp_path / "x.pdf"))
    assert missing.code == 1 and "Say which period" in missing.err and not (tmp_path / "x.pdf").exists()
    no_id = run("--lang", "en", "--db", str(demo_db), "print", "contract", "-o", str(tmp_path / "y.pdf"))
    assert no_id.code == 1 and "Say which contract to print" in no_id.err
