"""The readiness checklist and report, read back from the PDF: what the ward-round team and the
director holding the paper would see."""
from __future__ import annotations

import ctypes
import dataclasses
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from hospitaldesk import i18n
from hospitaldesk.reports.readiness import build_checklist, build_readiness_report
from hospitaldesk.reports.readiness_checklist import BOX_SIZE
from hospitaldesk.reports.readiness_data import ChecklistDomain, ChecklistItem, GapLine
from hospitaldesk.reports.readiness_report import percent
from hospitaldesk.reports.render import DocumentStamp, read_stamp
from tests.reports import readiness_samples as samples
from tests.reports.pdftext import (
    paths_drawn,
    texts_drawn,
    A4, MM, all_text, assert_fonts_embedded, flat, page_text_any_angle, pages_text, reader, region_text,
)

TOP_MARGIN = 20 * MM
BOTTOM_MARGIN = 20 * MM
NBSP = "\u00a0"


def in_english(build: Callable[[], bytes], locales_copy: Path) -> bytes:
    """Module fixtures are set up before the per-test autouse one: they choose their language themselves,
    from the session's copy of the catalogs (never compiling into the checkout)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(i18n, "locales_dir", lambda: locales_copy)
        with i18n.using_language("en"):
            return build()


@pytest.fixture(scope="module")
def checklist_pdf(locales_copy: Path) -> bytes:
    return in_english(lambda: build_checklist(samples.checklist()), locales_copy)


@pytest.fixture(scope="module")
def report_pdf(locales_copy: Path) -> bytes:
    return in_english(lambda: build_readiness_report(samples.report()), locales_copy)


def every_item_text() -> list[str]:
    return [item.text for _label, items in samples.checklist_items() for item in items]


def square_boxes(data: bytes, page: int) -> int:
    """Drawn squares the size of a tick box on one page (vector paths, not characters)."""

    def tick_box(obj: Any) -> bool:
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        return abs(width - height) < 0.5 and BOX_SIZE - 1 < width < BOX_SIZE + 3

    return paths_drawn(data, page, tick_box)


def red_texts(data: bytes, page: int) -> str:
    """The text drawn in red ink on one page, joined."""

    def red(obj: Any) -> bool:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
        return r.value > 150 and g.value < 80 and b.value < 80

    return texts_drawn(data, page, red)


# --- the blank checklist -----------------------------------------------------------------------


def test_vietnamese_checklist_has_header_title_lines_to_fill_legend_and_signatures() -> None:
    i18n.setup("vi")
    data = build_checklist(samples.checklist())
    text = all_text(data)
    for expected in ("SỞ Y TẾ TỈNH CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "BẢNG KIỂM ĐÁNH GIÁ SỰ SẴN SÀNG", "Kỹ thuật: Lọc máu liên tục ở trẻ em",
                     "Chuyên khoa: Hồi sức tích cực nhi khoa", "Phiên bản bảng kiểm: 3",
                     "Cơ sở y tế: Bệnh viện Sản – Nhi Cà Mau", "Ngày đánh giá: ....../....../..........",
                     "Người đánh giá (họ và tên, chức danh, đơn vị):", "Hướng dẫn đánh giá",
                     "Số lượng yêu cầu", "Số lượng thực có", "Kết quả (đánh dấu một ô)", "Ghi chú",
                     "Có Một phần Không Không áp dụng",  # the four tick-box columns, in order
                     "Máy lọc máu liên tục (CRRT) có chế độ điều trị cho trẻ em (thiết yếu)",
                     "Tiêu chí đạt: Có tại khoa, hoạt động tốt, được kiểm định hoặc hiệu chuẩn trong 12 tháng gần nhất",
                     "Mục thiết yếu: nếu chưa có đầy đủ thì cơ sở chưa sẵn sàng triển khai kỹ thuật",
                     "I. Nhân lực", "VI. Kiểm soát nhiễm khuẩn và chất lượng",
                     "NGƯỜI ĐÁNH GIÁ", "(Ký, ghi rõ họ tên)", "ĐẠI DIỆN CƠ SỞ Y TẾ", "GIÁM ĐỐC",
                     "(Ký, ghi rõ họ tên và đóng dấu)"):
        assert expected in text, expected
    assert "Ngày 05" not in text and "ngày ....." not in text  # the form's own date line, not a header date
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == "Bảng kiểm Lọc máu liên tục ở trẻ em · phiên bản 3"


def test_sixty_items_paginate_whole_with_the_header_rows_on_every_page(checklist_pdf: bytes) -> None:
    pages = pages_text(checklist_pdf)
    assert len(pages) >= 4
    for item in every_item_text():
        # On one page, whole: a row is never split across pages.
        assert sum(flat(item) in page for page in pages) == 1, item
    for number, page in enumerate(pages, 1):
        assert page.count("Assessment (tick one box)") == 1, number  # the repeated header rows
        assert "Yes Partly No N/A" in page, number
    text = " ".join(pages)
    positions = [text.index(flat(item)) for item in every_item_text()]
    assert positions == sorted(positions)  # in the template's order
    assert "THE ASSESSORS" in pages[-1] and "FOR THE FACILITY" in pages[-1]


def test_every_item_has_four_drawn_tick_boxes(checklist_pdf: bytes) -> None:
    total = sum(square_boxes(checklist_pdf, page) for page in range(len(reader(checklist_pdf).pages)))
    assert total == 4 * samples.ITEM_COUNT + 4  # and the legend's four


def test_essential_items_are_marked_and_the_criterion_printed_under_the_item(checklist_pdf: bytes) -> None:
    text = all_text(checklist_pdf)
    critical = [item for _label, items in samples.checklist_items() for item in items if item.critical]
    assert text.count("(essential)") == len(critical) + 1  # and once in the legend
    for item in critical:
        assert f"{item.text} (essential)" in text
    assert "Counts as available: " + samples.IN_STOCK in text


def test_a_checklist_without_facility_or_issuer_leaves_lines_to_fill() -> None:
    data = build_checklist(samples.checklist(5, facility="", issuer="", specialty=""))
    text = all_text(data)
    assert re.search(r"Facility: \.{40,}", text)
    assert "Cà Mau" not in text and "Specialty" not in text
    header = region_text(data, 0, A4[1] - 40 * MM, A4[1] - TOP_MARGIN)  # the left column stays blank
    assert header == "SOCIALIST REPUBLIC OF VIET NAM Independence - Freedom - Happiness"


def test_checklist_page_numbers_and_footer_stay_in_the_margins(checklist_pdf: bytes) -> None:
    top = A4[1]
    footer = "Checklist Lọc máu liên tục ở trẻ em · version 3"
    assert region_text(checklist_pdf, 0, top - TOP_MARGIN, top) == ""
    for page in range(len(reader(checklist_pdf).pages)):
        if page:
            assert region_text(checklist_pdf, page, top - TOP_MARGIN, top) == str(page + 1)
        assert region_text(checklist_pdf, page, 0, BOTTOM_MARGIN) == footer  # nothing else runs into the margin


# --- both documents ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["checklist", "report"])
def test_fonts_are_embedded_truetype_and_pages_a4(which: str, checklist_pdf: bytes, report_pdf: bytes) -> None:
    data = checklist_pdf if which == "checklist" else report_pdf
    assert_fonts_embedded(data)
    for page in reader(data).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)
    pdf = pdfium.PdfDocument(data)
    try:
        for number in range(len(pdf)):  # the tables fit the text width: nothing in the side margins
            textpage = pdf[number].get_textpage()
            assert textpage.get_text_bounded(left=0, right=30 * MM - 1, bottom=0, top=A4[1]).strip() == ""
            assert textpage.get_text_bounded(left=A4[0] - 15 * MM + 1, right=A4[0], bottom=0, top=A4[1]).strip() == ""
    finally:
        pdf.close()


def test_decomposed_input_comes_out_composed() -> None:
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    item = ChecklistItem("X-1", nfd("Điều dưỡng được đào tạo vận hành máy"), critical=True, available_means=nfd("Có chứng chỉ"))
    form = samples.checklist(0, technique=nfd(samples.TECHNIQUE), facility=nfd(samples.FACILITY),
                             domains=[ChecklistDomain(nfd("Nhân lực"), [item])])
    report = samples.report(3, technique=nfd(samples.TECHNIQUE), facility=nfd(samples.FACILITY),
                            verdict=nfd(samples.VERDICT), critical_gaps=[nfd(t) for t in samples.CRITICAL_GAPS],
                            gaps=[GapLine(nfd("Mua máy lọc máu"), True, owner=nfd("Phòng Vật tư"), cost=1_000)])
    for data in (build_checklist(form), build_readiness_report(report)):
        text = all_text(data)
        assert unicodedata.is_normalized("NFC", text)
        assert samples.TECHNIQUE in text and samples.FACILITY in text
    assert "Điều dưỡng được đào tạo vận hành máy (essential)" in all_text(build_checklist(form))
    text = all_text(build_readiness_report(report))
    for expected in (samples.VERDICT, *samples.CRITICAL_GAPS, "Mua máy lọc máu", "Phòng Vật tư"):
        assert expected in text, expected


def test_user_markup_is_printed_literally() -> None:
    odd = 'Máy <b>lọc</b> & dây "nhi" <br/> <font size=40>x</font>'
    form = samples.checklist(1, facility="Bệnh viện A & B <i>mới</i>",
                             domains=[ChecklistDomain("Thiết bị <u>chính</u>",
                                                      [ChecklistItem("T-1", odd, available_means="<i>có</i> & chạy")])])
    text = all_text(build_checklist(form))
    for expected in (flat(odd), "Bệnh viện A & B <i>mới</i>", "Thiết bị <u>chính</u>", "<i>có</i> & chạy"):
        assert expected in text, expected
    report = samples.report(2, facility="Bệnh viện A & B <i>mới</i>", critical_gaps=[odd],
                            gaps=[GapLine(odd, True, owner="<b>Khoa</b> & Phòng", funding="UBND & <i>Sở</i>")])
    text = all_text(build_readiness_report(report))
    assert text.count(flat(odd)) == 2  # the essential items missing, and the action plan
    for expected in ("Bệnh viện A & B <i>mới</i>", "<b>Khoa</b> & Phòng", "UBND & <i>Sở</i>"):
        assert expected in text, expected


# --- the filled report -------------------------------------------------------------------------


def test_vietnamese_report_has_verdict_index_scores_gaps_and_plan() -> None:
    i18n.setup("vi")
    data = build_readiness_report(samples.report())
    text = all_text(data).replace(NBSP, " ")
    for expected in ("SỞ Y TẾ TỈNH CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Ngày 05 tháng 02 năm 2026",
                     "BÁO CÁO ĐÁNH GIÁ SỰ SẴN SÀNG TRIỂN KHAI KỸ THUẬT", "Kỹ thuật: Lọc máu liên tục ở trẻ em",
                     "Cơ sở y tế: Bệnh viện Sản – Nhi Cà Mau", "Ngày đánh giá: 05/02/2026",
                     "Người đánh giá: TS.BS. Phạm Văn Quang, BSCKII. Lê Thị Ngọc Hạnh, ĐD. Huỳnh Minh Tâm",
                     "Thuộc Hợp đồng số: 07/HĐ-CGKT", "Phiên bản bảng kiểm: 3",
                     "KẾT LUẬN: CHƯA SẴN SÀNG", samples.VERDICT, "Chỉ số sẵn sàng: 82,5 % (ngưỡng: 80 %)",
                     "Chỉ số đạt ngưỡng, nhưng còn thiếu mục thiết yếu nên cơ sở chưa sẵn sàng.",
                     "I. Kết quả theo lĩnh vực", "So với ngưỡng (80 %)", "II. Các mục thiết yếu còn thiếu",
                     "III. Kết quả đánh giá chi tiết", "IV. Kế hoạch khắc phục",
                     "I. Nhân lực (điểm: 75,0 %)", "VII. Vận chuyển người bệnh liên viện (điểm: —)",
                     "Tổng cộng 2.485.000.000 ₫", "NGƯỜI ĐÁNH GIÁ", "ĐẠI DIỆN CƠ SỞ Y TẾ"):
        assert expected in text, expected
    assert "SẴN SÀNG" in text and "KẾT LUẬN: SẴN SÀNG" not in text
    for (label, _items), score in zip(samples.DOMAINS, ("75,0 %", "70,0 %", "90,0 %", "100,0 %", "80,0 %", "80,0 %")):
        assert f"{label} {score}" in text, label  # the domain table's row: name, then score
    assert f"{samples.NOT_APPLICABLE_DOMAIN} — không áp dụng" in text
    assert "Chỉ số sẵn sàng 82,5 %" in text  # the table's last row
    for name in samples.CRITICAL_GAPS:
        assert f"– {name}" in text
    for line in samples.report().gaps:
        for value in (line.owner, line.funding, line.status):
            assert value in text, value
    assert "30/06/2026" in text and "2.150.000.000 ₫" in text and "60.000.000 ₫" in text
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == (
        "Báo cáo đánh giá sự sẵn sàng: Lọc máu liên tục ở trẻ em · Bệnh viện Sản – Nhi Cà Mau")


def test_critical_gaps_and_the_verdict_are_printed_in_red(report_pdf: bytes) -> None:
    red = red_texts(report_pdf, 0)
    assert "CONCLUSION: NOT READY" in red
    for name in samples.CRITICAL_GAPS:
        assert name in red
    assert "Có, hoạt động tốt" not in red


def test_every_answer_is_listed_with_missing_and_essential_ones_marked(report_pdf: bytes) -> None:
    text = all_text(report_pdf)
    report = samples.report()
    answers = [a for d in report.domains for a in d.answers]
    assert len(answers) == samples.ITEM_COUNT + 1
    for answer in answers:
        assert flat(answer.text) in text, answer.text
        if answer.note:
            assert answer.note in text
    critical_in_answers = sum(a.critical for a in answers)
    critical_in_plan = sum(g.critical for g in report.gaps)
    assert text.count("(essential)") == critical_in_answers + critical_in_plan
    assert "Items not met are shaded; essential items not met are also printed in bold red." in text
    # The essential items missing stand out in red in the detailed results too.
    reds = " ".join(red_texts(report_pdf, page) for page in range(len(reader(report_pdf).pages)))
    for name in samples.CRITICAL_GAPS:
        assert reds.count(name) >= 2, name


def test_english_numbers_percent_and_money(report_pdf: bytes) -> None:
    text = all_text(report_pdf)
    assert "Readiness index: 82.5% (threshold: 80%)" in text
    assert "CONCLUSION: NOT READY" in text
    assert "Total ₫2,485,000,000" in text.replace(NBSP, " ")
    assert "Under agreement No. 07/HĐ-CGKT" in text


def test_percent_rounds_halves_up_and_keeps_one_decimal() -> None:
    assert percent(0.8125) == "81.3%" and percent(1.0) == "100.0%" and percent(None) == "—"
    i18n.setup("vi")
    assert percent(0.825) == f"82,5{NBSP}%" and percent(0.0) == f"0,0{NBSP}%"
    assert percent(0.8, "#,##0.#") == f"80{NBSP}%"


def test_a_ready_facility_gets_a_clear_ready_verdict() -> None:
    text = all_text(build_readiness_report(samples.ready_report()))
    assert "CONCLUSION: READY" in text and "NOT READY" not in text
    assert "Readiness index: 91.3% (threshold: 80%)" in text
    assert "None: every essential item is available." in text
    assert "No gap needs an action plan." in text and "Total" not in text


def test_no_index_is_shown_as_a_dash() -> None:
    text = all_text(build_readiness_report(samples.report(2, index=None, gap_count=0)))
    assert "Readiness index: — (threshold: 80%)" in text


def test_draft_watermark_only_on_a_draft(report_pdf: bytes) -> None:
    draft = build_readiness_report(samples.report(draft=True))
    for page in range(len(reader(draft).pages)):
        assert "DRAFT" in page_text_any_angle(draft, page)
    for page in range(len(reader(report_pdf).pages)):
        assert "DRAFT" not in page_text_any_angle(report_pdf, page)
    i18n.setup("vi")
    assert "DỰ THẢO" in page_text_any_angle(build_readiness_report(samples.report(3, draft=True)), 0)


def test_fifteen_gaps_paginate_with_the_plan_header_repeated_and_the_total_last() -> None:
    data = build_readiness_report(samples.report(gap_count=15))
    pages = pages_text(data)
    plan_pages = [p for p in pages if "Item to remedy" in p]
    text = " ".join(pages)
    assert text.count("Item to remedy") == len(plan_pages)
    assert sum(1 for g in samples.report(gap_count=15).gaps if flat(g.text) in text) == 15
    total = sum(g.cost for g in samples.report(gap_count=15).gaps)
    assert f"Total ₫{total:,}" in plan_pages[-1].replace(NBSP, " ")
    for page in range(len(pages)):
        assert region_text(data, page, 0, BOTTOM_MARGIN) == (
            "Readiness report: Lọc máu liên tục ở trẻ em · Bệnh viện Sản – Nhi Cà Mau")


def test_signatures_carry_every_assessor_name_on_one_page(report_pdf: bytes) -> None:
    page = next(p for p in pages_text(report_pdf) if "THE ASSESSORS" in p)
    for expected in ("FOR THE FACILITY", "DIRECTOR", "(Signature and full name)", "(Signature, full name and seal)",
                     *samples.ASSESSORS):
        assert expected in page, expected


def test_stamp_and_metadata(checklist_pdf: bytes, report_pdf: bytes) -> None:
    assert read_stamp(report_pdf) == DocumentStamp("readiness_report", "b4c5d6e7-f809-4a1b-8c2d-3e4f5a6b7c8d",
                                                   "07/HĐ-CGKT", "", "en")
    assert read_stamp(checklist_pdf) == DocumentStamp("readiness_checklist", samples.RECORD_ID, "3", "", "en")
    meta = reader(report_pdf).metadata
    assert meta is not None and meta.author == "HospitalDesk"
    assert meta.title == "Readiness assessment report: Lọc máu liên tục ở trẻ em at Bệnh viện Sản – Nhi Cà Mau"
    assert reader(checklist_pdf).metadata.title == "Readiness checklist: Lọc máu liên tục ở trẻ em"  # type: ignore[union-attr]


def test_report_with_nothing_but_the_verdict_still_prints() -> None:
    report = dataclasses.replace(samples.report(0, gap_count=0), domains=[], critical_gaps=[], assessors=[],
                                 agreement_number="", assessed_on=None, issuer="")
    text = all_text(build_readiness_report(report))
    assert "Date of assessment: ....../....../.........." in text and "Assessors:" not in text
    assert "Under agreement" not in text
