"""The printed review from plain data (reports/review_report.py): long lists are cut with a word, the day the
figures were compiled is printed, the fonts are embedded."""
from __future__ import annotations

import datetime as dt

from hospitaldesk.reports.review_data import AgreementLine, MonthCases, Period, ReviewDocument, ReviewFigures, ReviewScope, ReviewText
from hospitaldesk.reports.review_report import LISTED, build_review_report
from tests.reports.pdftext import all_text, assert_fonts_embedded

H1 = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def document(signed: int) -> ReviewDocument:
    figures = ReviewFigures(H1, H1.previous(), ReviewScope(), "Vùng Đồng bằng sông Cửu Long")
    figures.signed = [AgreementLine(f"{n:02d}/HĐ-CGKT", "BV Chợ Rẫy", f"BVĐK số {n}", "Lọc máu", dt.date(2026, 3, 1))
                      for n in range(1, signed + 1)]
    figures.case_months = [MonthCases(m, 2, 3, 4, 1) for m in H1.months()]
    text = ReviewText(issuer="SỞ Y TẾ", results="Giảm chuyển tuyến.", recipients=("Bộ Y tế (để báo cáo)",))
    return ReviewDocument(figures, text, (("Agreements signed", str(signed)),), compiled_on=dt.date(2026, 7, 2))


def test_a_long_list_is_cut_and_says_where_the_rest_is() -> None:
    data = build_review_report(document(LISTED + 5))
    text = all_text(data).replace("\u00a0", " ")
    assert f"{LISTED:02d}/HĐ-CGKT" in text and f"{LISTED + 1:02d}/HĐ-CGKT" not in text
    assert "… and 5 more: the Excel export lists them all." in text
    assert "Figures compiled from the records on 02/07/2026" in text and "Giảm chuyển tuyến." in text
    assert_fonts_embedded(data)


def test_a_short_list_is_whole() -> None:
    text = all_text(build_review_report(document(3)))
    assert "03/HĐ-CGKT" in text and "more: the Excel export" not in text
