"""The trainee documents read back from the PDF: the certificate, the commitment to serve and the
retention report, as the trainee, the director and the Sở Y tế would read them on paper."""
from __future__ import annotations

import ctypes
import dataclasses
import unicodedata
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from hospitaldesk import i18n
from hospitaldesk.reports.page import QR_BOTTOM, QR_SIZE
from hospitaldesk.reports.readiness_report import MISSING_FILL
from hospitaldesk.reports.render import DocumentStamp, read_stamp
from hospitaldesk.reports.retention_report import milestone_text
from hospitaldesk.reports.trainee_data import DepartureLine, Milestone, TechniqueRetention
from hospitaldesk.reports.trainee_docs import build_certificate, build_commitment, build_retention_report
from tests.reports import trainee_samples as samples
from tests.reports.pdftext import A4, MM, all_text, assert_fonts_embedded, flat, reader, paths_drawn, region_text, texts_drawn
from tests.reports.test_readiness_pdf import red_texts

BOTTOM_MARGIN = 20 * MM
NBSP = "\u00a0"


def text_of(data: bytes) -> str:
    return all_text(data).replace(NBSP, " ")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def sized_text(data: bytes, page: int, min_size: float) -> str:
    """The text drawn at `min_size` points or larger on one page, joined."""

    def large(obj: Any) -> bool:
        size = ctypes.c_float()
        pdfium_c.FPDFTextObj_GetFontSize(obj.raw, size)
        return size.value >= min_size

    return texts_drawn(data, page, large)


def word_heights(data: bytes, page: int, *words: str) -> list[float]:
    """The baseline height (PDF points) of the first occurrence of each word on a page."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[page].get_textpage()
        heights = []
        for word in words:
            searcher = textpage.search(word, match_case=True)
            found = searcher.get_next()
            assert found is not None, word
            heights.append(textpage.get_charbox(found[0])[1])
        return heights
    finally:
        pdf.close()


def filled_rects(data: bytes, page: int, colour: tuple[int, int, int]) -> int:
    """Path objects filled with `colour` (RGB 0–255) on one page: shaded cells and rows."""

    def filled(obj: Any) -> bool:
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
        return all(abs(v.value - c) <= 1 for v, c in zip((r, g, b), colour))

    return paths_drawn(data, page, filled)


def qr_paths(data: bytes, page: int) -> int:
    """Filled paths inside the footer's QR square (bottom right, in the margin)."""
    left, right = A4[0] - 15 * MM - QR_SIZE - 1, A4[0] - 15 * MM + 1

    def in_square(obj: Any) -> bool:
        x0, y0, x1, y1 = obj.get_bounds()
        return x0 >= left and x1 <= right and y0 >= QR_BOTTOM - 1 and y1 <= QR_BOTTOM + QR_SIZE + 1

    return paths_drawn(data, page, in_square)


def assert_a4_with_empty_side_margins(data: bytes) -> None:
    for page in reader(data).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)
    pdf = pdfium.PdfDocument(data)
    try:
        for number in range(len(pdf)):
            textpage = pdf[number].get_textpage()
            assert textpage.get_text_bounded(left=0, right=30 * MM - 1, bottom=0, top=A4[1]).strip() == "", number
            assert textpage.get_text_bounded(left=A4[0] - 15 * MM + 1, right=A4[0], bottom=0, top=A4[1]).strip() == "", number
    finally:
        pdf.close()


MISSING_RGB = tuple(round(v * 255) for v in (MISSING_FILL.red, MISSING_FILL.green, MISSING_FILL.blue))


# --- the certificate ---------------------------------------------------------------------------


def test_vietnamese_certificate_has_header_title_name_training_and_signature() -> None:
    i18n.setup("vi")
    data = build_certificate(samples.certificate())
    assert len(reader(data).pages) == 1
    text = text_of(data)
    for expected in ("SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH", "BỆNH VIỆN NHI ĐỒNG 1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 125/CN-NĐ1",
                     "Thành phố Hồ Chí Minh, ngày 10 tháng 4 năm 2026",
                     "GIẤY CHỨNG NHẬN", "HOÀN THÀNH KHÓA ĐÀO TẠO CHUYỂN GIAO KỸ THUẬT",
                     "CHỨNG NHẬN ÔNG/BÀ: Nguyễn Thị Ngọc Trâm", "Ngày sinh: 12/03/1992", "Chức danh: Điều dưỡng",
                     "Trình độ chuyên môn: Cử nhân Điều dưỡng", f"Khoa/Phòng: {samples.DEPARTMENT}",
                     "Đơn vị công tác: Bệnh viện Sản – Nhi Cà Mau",
                     "Đã hoàn thành khóa đào tạo chuyển giao kỹ thuật: Lọc máu liên tục ở trẻ em",
                     "Thời gian đào tạo: từ ngày 05/01/2026 đến ngày 03/04/2026",
                     "Hình thức đào tạo: Học viên học tại Bên A", "Theo Hợp đồng số: 07/HĐ-CGKT",
                     "Kết quả: Đạt – loại Giỏi", "Ảnh 3 × 4", "GIÁM ĐỐC", "(Ký, ghi rõ họ tên và đóng dấu)",
                     "TS.BS. Lê Hoàng Phúc"):
        assert expected in text, expected
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == "Giấy chứng nhận số 125/CN-NĐ1 · Mã kiểm tra: 5be0c1d2e3f40718"


def test_the_name_and_technique_are_printed_large() -> None:
    data = build_certificate(samples.certificate())
    assert sized_text(data, 0, 24) == "CERTIFICATE"
    large = sized_text(data, 0, 20)
    assert samples.TRAINEE in large and samples.TECHNIQUE not in large
    assert samples.TECHNIQUE in sized_text(data, 0, 15)
    assert "Date of birth" not in sized_text(data, 0, 14)  # the details stay at body size


def test_english_certificate_and_its_stamp() -> None:
    data = build_certificate(samples.certificate(signer_title=""))
    text = text_of(data)
    for expected in ("SOCIALIST REPUBLIC OF VIET NAM", "No.: 125/CN-NĐ1", "Thành phố Hồ Chí Minh, 10 April 2026",
                     "CERTIFICATE", "OF COMPLETION OF TECHNIQUE TRANSFER TRAINING", "THIS IS TO CERTIFY THAT",
                     "Date of birth: 12/03/1992", "Profession: Điều dưỡng", "Workplace: Bệnh viện Sản – Nhi Cà Mau",
                     "has completed the technique transfer training in: Lọc máu liên tục ở trẻ em",
                     "Training period: from 05/01/2026 to 03/04/2026", "Under contract No.: 07/HĐ-CGKT",
                     "Result: Đạt – loại Giỏi", "DIRECTOR", "(Signature, full name and seal)", "Photo 3 × 4"):
        assert expected in text, expected
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == "Certificate No. 125/CN-NĐ1 · Verification code: 5be0c1d2e3f40718"
    assert qr_paths(data, 0) == 1
    assert read_stamp(data) == DocumentStamp("certificate", "3c1d9e2a-7b4f-4e61-9a0c-5d8e7f6a1b2c", "125/CN-NĐ1",
                                             samples.HASH, "en")
    meta = reader(data).metadata
    assert meta is not None and meta.title == "Certificate No. 125/CN-NĐ1: Nguyễn Thị Ngọc Trâm, Lọc máu liên tục ở trẻ em"


def test_certificate_leaves_out_empty_details_and_numbers_by_hand() -> None:
    data = build_certificate(samples.certificate(number="", content_hash="", birth_date=None, result="",
                                                 agreement_number="", qualification="", issued_on=None))
    text = text_of(data)
    for absent in ("Date of birth", "Result", "Under contract", "Qualification", "Verification code"):
        assert absent not in text, absent
    assert "No.: ......" in text and "Thành phố Hồ Chí Minh, day ..... month ..... year ......" in text
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == "Certificate No. ......"
    assert qr_paths(data, 0) == 0  # nothing to verify against: no QR code


def test_a_long_name_and_technique_wrap_on_one_page() -> None:
    data = build_certificate(samples.certificate(full_name=samples.LONG_NAME, technique=samples.LONG_TECHNIQUE))
    assert len(reader(data).pages) == 1
    text = text_of(data)
    assert samples.LONG_NAME in text and samples.LONG_TECHNIQUE in text
    first, last = word_heights(data, 0, "Tôn Nữ", "Minh Châu")
    assert first - last > 15  # the name goes on over a second line
    first, last = word_heights(data, 0, "Đặt catheter", "hồi sức sơ sinh")
    assert first - last > 15
    assert_a4_with_empty_side_margins(data)


# --- the commitment ----------------------------------------------------------------------------


def test_vietnamese_commitment_has_the_person_the_training_and_what_they_commit_to() -> None:
    i18n.setup("vi")
    data = build_commitment(samples.commitment())
    assert len(reader(data).pages) == 1
    text = text_of(data)
    for expected in ("SỞ Y TẾ TỈNH CÀ MAU", "BỆNH VIỆN SẢN – NHI CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Cà Mau, ngày 22 tháng 12 năm 2025", "BẢN CAM KẾT", "Về việc phục vụ sau đào tạo",
                     "Kính gửi: Ban Giám đốc Bệnh viện Sản – Nhi Cà Mau", "Tôi, người ký tên dưới đây:",
                     "Họ và tên: Nguyễn Thị Ngọc Trâm", "Ngày sinh: 12/03/1992", "Số CCCD: 096192001234",
                     "Chức danh: Điều dưỡng", "Trình độ chuyên môn: Cử nhân Điều dưỡng",
                     "Được đơn vị cử đi đào tạo chuyển giao kỹ thuật như sau:", "Kỹ thuật: Lọc máu liên tục ở trẻ em",
                     "Cơ sở đào tạo (Bên A): Bệnh viện Nhi Đồng 1",
                     "Thời gian đào tạo: từ ngày 05/01/2026 đến ngày 03/04/2026",
                     "Hình thức đào tạo: Học viên học tại Bên A", "Theo Hợp đồng số: 07/HĐ-CGKT",
                     "Kinh phí đào tạo: 45.000.000 ₫", "Tôi xin cam kết:",
                     "1. Phục vụ tại Bệnh viện Sản – Nhi Cà Mau ít nhất 3 năm kể từ ngày kết thúc khóa đào tạo "
                     "(03/04/2026), tức là đến hết ngày 03/04/2029.",
                     "2. Không tự ý nghỉ việc, xin thôi việc hoặc chuyển công tác trước thời hạn trên khi chưa được "
                     "Giám đốc Bệnh viện Sản – Nhi Cà Mau đồng ý bằng văn bản.",
                     f"3. {samples.REIMBURSEMENT}",
                     "4. Chấp hành nghiêm túc nội quy, quy chế đào tạo của Bệnh viện Nhi Đồng 1",
                     "5. Ứng dụng kỹ thuật đã học", "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "NGƯỜI CAM KẾT",
                     "(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên và đóng dấu)"):
        assert expected in text, expected
    assert text.rstrip().endswith("Nguyễn Thị Ngọc Trâm")  # the signer's name closes the letter
    assert region_text(data, 0, 0, BOTTOM_MARGIN) == (
        "Bản cam kết phục vụ sau đào tạo: Nguyễn Thị Ngọc Trâm · Mã kiểm tra: " + samples.HASH[::-1][:16])


def test_unsigned_commitment_leaves_the_date_and_missing_details_to_fill_in() -> None:
    i18n.setup("vi")
    blank = samples.commitment(signed_on=None, national_id="", birth_date=None, reimbursement="", cost=None)
    text = text_of(build_commitment(blank))
    assert "Cà Mau, ngày ..... tháng ..... năm ......" in text
    assert "ngày 22 tháng 12" not in text
    assert "Ngày sinh: ....../....../.........." in text and "Số CCCD: ....." in text
    assert "Kinh phí đào tạo" not in text
    assert ("3. Nếu nghỉ việc hoặc chuyển công tác trước thời hạn trên, tôi xin bồi hoàn chi phí đào tạo tương ứng "
            "với thời gian chưa phục vụ, theo quy định của Bệnh viện Sản – Nhi Cà Mau.") in text


def test_english_commitment_default_clause_and_singular_year() -> None:
    data = build_commitment(samples.commitment(reimbursement="", years=1, ends_on=samples.END.replace(year=2027)))
    text = text_of(data)
    for expected in ("COMMITMENT", "To serve after training", "To: The Board of Directors of Bệnh viện Sản – Nhi Cà Mau",
                     "Citizen ID No.: 096192001234", "Trained at (Party A): Bệnh viện Nhi Đồng 1",
                     "Training cost: ₫45,000,000", "Cà Mau, 22 December 2025",
                     "1. To work at Bệnh viện Sản – Nhi Cà Mau for at least 1 year from the end of the training "
                     "(03/04/2026), that is until 03/04/2027.",
                     "3. If I leave before that date, to repay the training costs in proportion to the time not "
                     "served, as the rules of Bệnh viện Sản – Nhi Cà Mau provide.",
                     "CONFIRMED BY THE HEAD OF THE FACILITY", "THE UNDERSIGNED", "(Signature and full name)"):
        assert expected in text, expected
    assert "1 years" not in text
    assert "at least 3 years" in text_of(build_commitment(samples.commitment()))
    assert read_stamp(data) == DocumentStamp("commitment", "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "07/HĐ-CGKT",
                                             samples.HASH[::-1], "en")
    assert qr_paths(data, 0) == 1


# --- the retention report ----------------------------------------------------------------------


def test_vietnamese_retention_report_has_techniques_departures_and_commitments_ending() -> None:
    i18n.setup("vi")
    data = build_retention_report(samples.retention())
    text = text_of(data)
    for expected in ("SỞ Y TẾ TỈNH CÀ MAU", "BỆNH VIỆN SẢN – NHI CÀ MAU", "Cà Mau, ngày 31 tháng 3 năm 2026",
                     "BÁO CÁO DUY TRÌ NHÂN LỰC ĐƯỢC ĐÀO TẠO", "Tính đến ngày 31/03/2026",
                     "Các khóa đào tạo kết thúc từ 01/01/2023 đến 31/03/2026",
                     "Theo dõi 5 kỹ thuật, trong đó 2 kỹ thuật có nguy cơ.",
                     "4 người nghỉ việc, chuyển công tác, trong đó 2 người chưa hết thời hạn cam kết phục vụ.",
                     "I. Duy trì nhân lực theo kỹ thuật", "Còn làm việc sau", "6 tháng 12 tháng 24 tháng",
                     "1 Lọc máu liên tục ở trẻ em 8 4 6/8 (75 %) 4/6 (67 %) 2/3 (67 %) 6 Có nguy cơ",
                     f"2 {samples.HFO} 5 3 5/5 (100 %) 3/5 (60 %) — 4 Có nguy cơ",
                     f"3 {samples.COOLING} 6 6 6/6 (100 %) 6/6 (100 %) 4/4 (100 %) 4 Ổn định",
                     "4/4 (100 %) — — — Ổn định",
                     "II. Nhân lực được đào tạo đã nghỉ việc, chuyển công tác", "Vi phạm cam kết",
                     "Còn thực hiện kỹ thuật trong vùng", "BS. Trần Văn Hiếu", "15/09/2025", "Thu nhập",
                     "Bệnh viện Quốc tế City (Thành phố Hồ Chí Minh) Có Có", "Bệnh viện Đa khoa tỉnh Bạc Liêu Có Chưa rõ",
                     "Nghỉ hưu — Không Không",
                     "III. Cam kết phục vụ hết hạn trong 90 ngày tới", "BS. Nguyễn Hoàng Nam", "15/04/2026 15 ngày",
                     "29/06/2026 90 ngày", "NGƯỜI LẬP BÁO CÁO", "ĐẠI DIỆN CƠ SỞ Y TẾ", "GIÁM ĐỐC",
                     "CN. Lý Thị Bích Ngọc", "BSCKII. Trần Văn Dũng", "Nơi nhận:", "- Lưu: VT, TCCB."):
        assert expected in text, expected
    assert text.count("Có nguy cơ") == 2
    footer = "Báo cáo duy trì nhân lực · Bệnh viện Sản – Nhi Cà Mau · tính đến ngày 31/03/2026"
    for page in range(len(reader(data).pages)):
        assert region_text(data, page, 0, BOTTOM_MARGIN) == footer


def test_techniques_at_risk_and_broken_commitments_stand_out() -> None:
    data = build_retention_report(samples.retention())
    pages = len(reader(data).pages)
    reds = " ".join(red_texts(data, page) for page in range(pages))
    assert reds.count("At risk") == 2
    for name in (samples.TECHNIQUE, samples.HFO):
        assert name in reds
    for name in (samples.COOLING, samples.BRONCHOSCOPY, "Stable", "Trần Văn Hiếu"):
        assert name not in reds
    assert reds.count("Yes") == 2  # the two broken commitments
    shaded = sum(filled_rects(data, page, MISSING_RGB) for page in range(pages))
    assert shaded == 2 + 2  # the rows of the techniques at risk and of the commitments broken
    calm = dataclasses.replace(samples.retention(), techniques=[dataclasses.replace(t, at_risk=False)
                                                                for t in samples.TECHNIQUES], departures=[])
    data = build_retention_report(calm)
    assert "At risk" not in all_text(data)
    assert sum(filled_rects(data, page, MISSING_RGB) for page in range(len(reader(data).pages))) == 0


def test_english_retention_report_numbers_plurals_and_stamp() -> None:
    data = build_retention_report(samples.retention())
    text = text_of(data)
    for expected in ("RETENTION REPORT OF TRAINED STAFF", "As of 31/03/2026", "Cà Mau, 31 March 2026",
                     "5 techniques followed, 2 at risk.", "4 departures, 2 of them before the end of the commitment",
                     "Still working after", "6 months 12 months 24 months",
                     "1 Lọc máu liên tục ở trẻ em 8 4 6/8 (75%) 4/6 (67%) 2/3 (67%) 6 At risk", "Not known",
                     "III. Commitments to serve ending within 90 days", "15/04/2026 15 days", "PREPARED BY",
                     "FOR THE FACILITY", "(Signature and full name)"):
        assert expected in text, expected
    assert read_stamp(data) == DocumentStamp("retention_report", samples.RETENTION_ID, "2026-03-31", "", "en")
    meta = reader(data).metadata
    assert meta is not None and meta.title == "Retention report of trained staff: Bệnh viện Sản – Nhi Cà Mau, as of 31/03/2026"
    one = samples.retention(window_days=1, techniques=samples.TECHNIQUES[:1], departures=samples.DEPARTURES[:1],
                            commitments_ending=[dataclasses.replace(samples.ENDING[0], days_left=1)])
    text = text_of(build_retention_report(one))
    for expected in ("1 technique followed, 1 at risk.", "1 departure, 1 of them", "ending within 1 day", "15/04/2026 1 day"):
        assert expected in text, expected


def test_milestones_print_counts_share_and_a_dash_when_nobody_is_eligible() -> None:
    assert milestone_text(Milestone(12, 4, 6)) == "4/6<br/>(67%)"
    assert milestone_text(Milestone(24, 0, 0)) == "—" and milestone_text(None) == "—"
    i18n.setup("vi")
    assert milestone_text(Milestone(6, 1_234, 2_000)) == f"1.234/2.000<br/>(62{NBSP}%)"


def test_empty_retention_report_says_so_instead_of_empty_tables() -> None:
    data = build_retention_report(samples.retention(techniques=[], departures=[], commitments_ending=[], recipients=[],
                                                    period=""))
    text = text_of(data)
    for expected in ("No technique has trained staff yet.", "No trained staff member has left.",
                     "No commitment ends in this period.", "0 techniques followed, 0 at risk."):
        assert expected in text, expected
    for absent in ("Working now", "n/m:", "Commitment broken", "Days left", "Recipients", "Các khóa"):
        assert absent not in text, absent


def test_long_names_wrap_inside_the_tables() -> None:
    long = samples.LONG_TECHNIQUE + " và các biến chứng liên quan"
    data = build_retention_report(samples.retention(
        techniques=[TechniqueRetention(long, 12_345, 9_876, 10_000, True, [Milestone(6, 1_000, 1_000)])],
        departures=[DepartureLine(samples.LONG_NAME, None, "Bác sĩ chuyên khoa cấp II Nhi khoa", [long, samples.HFO],
                                  "Chuyển công tác theo quyết định của cơ quan có thẩm quyền", samples.LONG_NAME, True)],
    ))
    text = text_of(data)
    assert flat(long) in text and samples.LONG_NAME in text
    assert "12,345 9,876 1,000/ 1,000 (100%)" in text  # a wide count breaks after the slash, not inside a number
    assert_a4_with_empty_side_margins(data)


# --- all three ---------------------------------------------------------------------------------


BUILDERS: dict[str, Callable[[], bytes]] = {
    "certificate": lambda: build_certificate(samples.certificate()),
    "certificate-long": lambda: build_certificate(samples.certificate(full_name=samples.LONG_NAME,
                                                                      technique=samples.LONG_TECHNIQUE)),
    "commitment": lambda: build_commitment(samples.commitment()),
    "retention": lambda: build_retention_report(samples.retention()),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("which", sorted(BUILDERS))
def test_fonts_embedded_a4_and_nothing_in_the_side_margins(which: str, language: str) -> None:
    i18n.setup(language)
    data = BUILDERS[which]()
    assert_fonts_embedded(data)
    assert_a4_with_empty_side_margins(data)
    for page in range(len(reader(data).pages)):
        if page:  # page numbers from the second page on, nothing else in the top margin
            assert region_text(data, page, A4[1] - 20 * MM, A4[1]) == str(page + 1)


def test_decomposed_input_comes_out_composed() -> None:
    i18n.setup("vi")
    certificate = samples.certificate(full_name=nfd(samples.TRAINEE), technique=nfd(samples.TECHNIQUE),
                                      issuer=nfd(samples.ISSUER), workplace=nfd(samples.FACILITY),
                                      signer_title=nfd("Giám đốc"))
    commitment = samples.commitment(full_name=nfd(samples.TRAINEE), facility=nfd(samples.FACILITY),
                                    transferring=nfd(samples.ISSUER), reimbursement="")
    retention = samples.retention(facility=nfd(samples.FACILITY), techniques=[
        dataclasses.replace(t, technique=nfd(t.technique)) for t in samples.TECHNIQUES],
        departures=[dataclasses.replace(d, name=nfd(d.name)) for d in samples.DEPARTURES])
    for data in (build_certificate(certificate), build_commitment(commitment), build_retention_report(retention)):
        text = all_text(data)
        assert unicodedata.is_normalized("NFC", text)
        meta = reader(data).metadata
        assert meta is not None and unicodedata.is_normalized("NFC", str(meta.title))
        assert unicodedata.is_normalized("NFC", region_text(data, 0, 0, BOTTOM_MARGIN))
    text = all_text(build_certificate(certificate))
    for expected in ("BỆNH VIỆN NHI ĐỒNG 1", samples.TRAINEE, samples.TECHNIQUE, "GIÁM ĐỐC"):
        assert expected in text, expected
    assert "tôi xin bồi hoàn chi phí đào tạo tương ứng với thời gian chưa phục vụ, theo quy định của " \
           "Bệnh viện Sản – Nhi Cà Mau." in all_text(build_commitment(commitment))
    text = all_text(build_retention_report(retention))
    for expected in (samples.TECHNIQUE, samples.HFO, "BS. Trần Văn Hiếu", "BỆNH VIỆN SẢN – NHI CÀ MAU"):
        assert expected in text, expected


def test_user_markup_is_printed_literally() -> None:
    odd = 'Lọc <b>máu</b> & "nhi" <font size=40>x</font>'
    text = all_text(build_certificate(samples.certificate(full_name="Trâm <i>A</i> & B", technique=odd,
                                                          result="<u>Đạt</u>")))
    for expected in ("Trâm <i>A</i> & B", odd, "<u>Đạt</u>"):
        assert expected in text, expected
    text = all_text(build_commitment(samples.commitment(reimbursement="Bồi hoàn <b>toàn bộ</b> & lãi", technique=odd)))
    assert "3. Bồi hoàn <b>toàn bộ</b> & lãi" in text and odd in text
    text = all_text(build_retention_report(samples.retention(
        techniques=[TechniqueRetention(odd, 1, 1)], commitments_ending=[], departures=[
            DepartureLine("A <b>B</b>", None, techniques=[odd], destination="<i>C</i> & D")])))
    assert text.count(odd) == 2 and "A <b>B</b>" in text and "<i>C</i> & D" in text
