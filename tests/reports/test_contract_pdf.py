"""The printed contract, read back from the PDF: what a person holding the paper would see."""
from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest

from hospitaldesk import i18n
from hospitaldesk.reports.contract import build_contract
from hospitaldesk.reports.contract_data import TechniqueLine
from tests.reports import samples
from tests.reports.pdftext import A4, MM, all_text, assert_fonts_embedded, flat, page_text_any_angle, pages_text, reader, region_text

TOP_MARGIN = 20 * MM
BOTTOM_MARGIN = 20 * MM


@pytest.fixture(scope="module")
def long_contract() -> bytes:
    """30 techniques with very long names: the annex runs over several pages."""
    return build_contract(samples.contract(30, long_names=True))


def test_vietnamese_contract_carries_header_parties_techniques_number_and_hash() -> None:
    i18n.setup("vi")
    doc = samples.contract(3)
    text = all_text(build_contract(doc))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "HỢP ĐỒNG TRÁCH NHIỆM",
                     "Về việc chuyển giao kỹ thuật", "Sóc Trăng, ngày 21 tháng 7 năm 2023", "Số: 05/HĐ-CGKT",
                     "BỘ Y TẾ", "BỆNH VIỆN CHỢ RẪY",
                     "BÊN CHUYỂN GIAO (BÊN A): BỆNH VIỆN CHỢ RẪY",
                     "BÊN NHẬN CHUYỂN GIAO (BÊN B): BỆNH VIỆN ĐA KHOA TỈNH SÓC TRĂNG",
                     "Đại diện: PGS.TS.BS. Nguyễn Tri Thức – Chức vụ: Giám đốc", "Mã số thuế: 0301234567",
                     "Điều 1. Đối tượng của Hợp đồng", "ĐẠI DIỆN BÊN A", "ĐẠI DIỆN BÊN B",
                     "(Ký, ghi rõ họ tên và đóng dấu)", "Nơi nhận:", "PHỤ LỤC: DANH MỤC KỸ THUẬT CHUYỂN GIAO",
                     "Mã kiểm tra: " + samples.CONTENT_HASH[:16]):
        assert expected in text, expected
    for line in doc.techniques:
        assert line.name in text
    assert samples.CONTENT_HASH[16:] not in text  # only the short form is printed


def test_empty_party_details_are_left_out() -> None:
    """Party B has no tax code or account: no bare 'Tax code:' label for it."""
    text = all_text(build_contract(samples.contract(1)))
    assert text.count("Tax code:") == 1 and text.count("Account:") == 1


def test_every_font_is_embedded_truetype_and_none_is_base14(long_contract: bytes) -> None:
    assert_fonts_embedded(long_contract)


def test_every_page_is_a4(long_contract: bytes) -> None:
    for page in reader(long_contract).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)


def test_thirty_long_techniques_paginate_with_the_header_row_on_every_annex_page(long_contract: bytes) -> None:
    doc = samples.contract(30, long_names=True)
    pages = pages_text(long_contract)
    text = " ".join(pages)
    assert len(pages) >= 5
    for line in doc.techniques:
        assert flat(line.name) in text, line.name
    annex_start = next(i for i, page in enumerate(pages) if "ANNEX: LIST OF TECHNIQUES TRANSFERRED" in page)
    annex_pages = pages[annex_start:]
    assert len(annex_pages) >= 3
    for page in annex_pages:
        assert page.count("Training place and duration") == 1  # the repeated header row
    assert "Total" in annex_pages[-1]


def test_no_page_number_on_page_one_and_arabic_numbers_in_the_top_margin_after(long_contract: bytes) -> None:
    top = A4[1]
    assert region_text(long_contract, 0, top - TOP_MARGIN, top) == ""
    assert region_text(long_contract, 1, top - TOP_MARGIN, top) == "2"
    assert region_text(long_contract, 4, top - TOP_MARGIN, top) == "5"


def test_footer_stays_in_the_bottom_margin_on_every_page(long_contract: bytes) -> None:
    footer = "Contract No. 05/HĐ-CGKT · Verification code: " + samples.CONTENT_HASH[:16]
    for page in range(len(reader(long_contract).pages)):
        # Only the footer lives below the text block: no body line ran into the margin.
        assert region_text(long_contract, page, 0, BOTTOM_MARGIN) == footer


def test_the_audit_log_head_is_printed_small_above_the_footer_on_every_page() -> None:
    pdf = build_contract(dataclasses.replace(samples.contract(30), audit_head="685:8b41393c387d7f51" + "0" * 48))
    head = "entry 685, 8b41 393c 387d 7f51"
    footer = "Contract No. 05/HĐ-CGKT · Verification code: " + samples.CONTENT_HASH[:16]
    for page in range(len(reader(pdf).pages)):
        below = region_text(pdf, page, 0, BOTTOM_MARGIN)
        assert sorted([footer, "Audit log when printed: " + head]) == sorted(below.replace(" Audit", "\nAudit").splitlines()), below
    assert "Audit log" not in all_text(build_contract(samples.contract(2)))  # none given: none printed


def test_draft_carries_the_watermark_and_its_warnings_a_signed_copy_neither() -> None:
    warning = "Party B has not confirmed the ECMO machine."
    draft = build_contract(samples.contract(2, draft=True, signed_on=None, warnings=[warning]))
    signed = build_contract(samples.contract(2, draft=False, warnings=[warning]))
    for page in range(len(reader(draft).pages)):
        assert "DRAFT" in page_text_any_angle(draft, page)
    assert warning in all_text(draft)
    assert "DRAFT" not in page_text_any_angle(signed, 0)
    assert warning not in all_text(signed)


def test_vietnamese_draft_says_du_thao_and_leaves_the_date_to_fill_by_hand() -> None:
    i18n.setup("vi")
    data = build_contract(samples.contract(1, draft=True, signed_on=None))
    assert "DỰ THẢO" in page_text_any_angle(data, 0)
    text = all_text(data)
    assert "Sóc Trăng, ngày ..... tháng ..... năm ......" in text
    assert "Hôm nay, ngày ..... tháng ..... năm ......, tại Sóc Trăng, chúng tôi gồm:" in text


def test_user_markup_is_printed_literally() -> None:
    odd = 'Kỹ thuật <b>mới</b> & "đặc biệt" <br/> <font size=40>x</font>'
    doc = samples.contract(1)
    doc = dataclasses.replace(doc, techniques=[dataclasses.replace(doc.techniques[0], name=odd)],
                              obligations_a=["Bên A <i>cam kết</i> & bảo đảm"])
    text = all_text(build_contract(doc))
    assert text.count(flat(odd)) >= 2  # Article 1 and the annex
    assert "Bên A <i>cam kết</i> & bảo đảm" in text


def test_decomposed_input_comes_out_composed() -> None:
    name = "Nội soi ổ bụng chẩn đoán ở trẻ em"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    doc = samples.contract(0, techniques=[TechniqueLine(name=decomposed, cost=1_000_000)],
                           party_b=dataclasses.replace(samples.PARTY_B, representative=unicodedata.normalize("NFD", "Lê Thị Hằng")))
    text = all_text(build_contract(doc))
    assert name in text and "Lê Thị Hằng" in text
    assert unicodedata.is_normalized("NFC", text)


def test_articles_are_numbered_without_gaps_when_some_are_empty() -> None:
    doc = samples.contract(0, obligations_a=[], acceptance_criteria=[], retention=[], general=[])
    text = all_text(build_contract(doc))
    numbers = [int(n) for n in re.findall(r"Article (\d+)\.", text)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "Obligations of Party A" not in text and "Costs" not in text  # nothing to say: left out
    # General provisions have computed content (the 6-monthly review) even when the list is empty.
    assert "Every 6 months, the directors of the two hospitals review the progress of this contract." in text


def test_costs_total_and_share_per_payer() -> None:
    lines = [TechniqueLine(name="A", cost=100_000_000, payer="Party A"), TechniqueLine(name="B", cost=50_000_000, payer="Party B"),
             TechniqueLine(name="C", cost=25_000_000, payer="Party A")]
    text = all_text(build_contract(samples.contract(0, techniques=lines)))
    assert "Total cost of the transfer: ₫175,000,000." in text
    assert "Party A bears: ₫125,000,000." in text and "Party B bears: ₫50,000,000." in text


def test_signatures_are_never_split_across_pages() -> None:
    """Whatever the length of the text before them, both signature blocks land on one page, with the last clause."""
    for extra in range(0, 40, 3):
        doc = samples.contract(1, general=[f"Điều khoản chung số {i}." for i in range(1, extra + 2)])
        pages = pages_text(build_contract(doc))
        page = next(p for p in pages if "FOR PARTY A" in p)
        for expected in ("FOR PARTY B", "Nguyễn Tri Thức", "Trần Văn Dũng", f"Điều khoản chung số {extra + 1}."):
            assert expected in page, (extra, expected)


def test_trainee_annex_only_when_there_are_trainees() -> None:
    without = all_text(build_contract(samples.contract(2)))
    with_trainees = build_contract(samples.contract(2, trainee_count=5))
    assert "PLANNED TRAINEES" not in without
    text = all_text(with_trainees)
    assert "PLANNED TRAINEES" in text
    for trainee in samples.contract(2, trainee_count=5).trainees:
        assert trainee.name in text


def test_pdf_metadata_carries_title_author_and_the_stamp() -> None:
    meta = reader(build_contract(samples.contract(1))).metadata
    assert meta is not None
    assert meta.author == "HospitalDesk"
    assert meta.title is not None and "05/HĐ-CGKT" in meta.title
    assert meta.subject == "Responsibility contract on technique transfer"
    assert meta["/Keywords"] == (
        "hospitaldesk;kind=contract;id=6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f;number=05/HĐ-CGKT;hash=" + samples.CONTENT_HASH
        + ";lang=en")  # the tests print in English: the stamp says so, for verify-pdf to rebuild the same pages


def test_an_unnumbered_draft_leaves_the_number_to_write_in() -> None:
    text = all_text(build_contract(samples.contract(1, number="", draft=True, content_hash="")))
    assert "No.: ......" in text and "Contract No. ......" in text
    assert "Verification code" not in text  # nothing to verify against yet: no code, no QR
