"""The printed amendment (phụ lục hợp đồng)."""
from __future__ import annotations

import re

from hospitaldesk import i18n
from hospitaldesk.reports.contract import build_amendment
from hospitaldesk.reports.render import DocumentStamp, read_stamp
from tests.reports import samples
from tests.reports.pdftext import all_text, font_descriptor, fonts, page_text_any_angle, reader


def test_vietnamese_amendment_names_the_contract_it_amends() -> None:
    i18n.setup("vi")
    doc = samples.amendment(2)
    text = all_text(build_amendment(doc))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHỤ LỤC HỢP ĐỒNG", "Số: 01/PL-05/HĐ-CGKT",
                     "Kèm theo Hợp đồng số 05/HĐ-CGKT ký ngày 21/07/2023",
                     "Về việc: Bổ sung kỹ thuật và điều chỉnh tiến độ chuyển giao",
                     "Căn cứ Hợp đồng số 05/HĐ-CGKT ký ngày 21/07/2023 giữa Bệnh viện Chợ Rẫy và Bệnh viện Đa khoa tỉnh Sóc Trăng;",
                     "Sóc Trăng, ngày 05 tháng 02 năm 2024",
                     "BÊN CHUYỂN GIAO (BÊN A): BỆNH VIỆN CHỢ RẪY", "BÊN NHẬN CHUYỂN GIAO (BÊN B): BỆNH VIỆN ĐA KHOA TỈNH SÓC TRĂNG",
                     "Điều 1. Bổ sung kỹ thuật", "Điều 2. Gia hạn", "Điều 3. Kỹ thuật bổ sung, điều chỉnh tiến độ",
                     "Điều 4. Phụ lục này là bộ phận không tách rời của Hợp đồng số 05/HĐ-CGKT, có hiệu lực kể từ ngày ký.",
                     "ĐẠI DIỆN BÊN A", "ĐẠI DIỆN BÊN B", "Phụ lục hợp đồng số 01/PL-05/HĐ-CGKT · Mã kiểm tra: 3fa94c0e7b1d2a5f"):
        assert expected in text, expected
    for line in doc.techniques:
        assert line.name in text
    # The closing basis keeps its full stop; the contract's basis is inserted before it.
    assert text.index("Căn cứ Hợp đồng số") < text.index("Căn cứ nhu cầu và khả năng thực tế của hai bên.")


def test_contract_basis_is_not_repeated_when_the_user_already_cites_it() -> None:
    doc = samples.amendment(0, legal_bases=["Pursuant to Contract No. 05/HĐ-CGKT signed on 21/07/2023;"])
    text = all_text(build_amendment(doc))
    assert text.count("Pursuant to Contract No. 05/HĐ-CGKT") == 1


def test_articles_number_on_without_a_technique_table() -> None:
    text = all_text(build_amendment(samples.amendment(0)))
    assert [int(n) for n in re.findall(r"Article (\d+)\.", text)] == [1, 2, 3]
    assert "Techniques added or rescheduled" not in text


def test_amendment_stamp_fonts_and_draft_watermark() -> None:
    data = build_amendment(samples.amendment(1))
    assert read_stamp(data) == DocumentStamp("amendment", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "01/PL-05/HĐ-CGKT",
                                             samples.CONTENT_HASH, "en")
    for font in fonts(data):
        assert "/FontFile2" in font_descriptor(font)
    meta = reader(data).metadata
    assert meta is not None and meta.author == "HospitalDesk" and "kind=amendment" in str(meta["/Keywords"])
    assert "DRAFT" not in page_text_any_angle(data, 0)
    assert "DRAFT" in page_text_any_angle(build_amendment(samples.amendment(1, draft=True)), 0)
