"""Readiness documents to print: a paediatric CRRT checklist for a provincial hospital, and its
filled assessment. Realistic Vietnamese content, no database.

Used by tests/reports/test_readiness_pdf.py and tests/bench/readiness_pdf.py.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hospitaldesk.reports.readiness_data import (
    Answer, ChecklistDomain, ChecklistForm, ChecklistItem, DomainResult, GapLine, ReadinessReport,
)

TECHNIQUE = "Lọc máu liên tục ở trẻ em"
SPECIALTY = "Hồi sức tích cực nhi khoa"
FACILITY = "Bệnh viện Sản – Nhi Cà Mau"
ISSUER = "Sở Y tế tỉnh Cà Mau"
ASSESSORS = ["TS.BS. Phạm Văn Quang", "BSCKII. Lê Thị Ngọc Hạnh", "ĐD. Huỳnh Minh Tâm"]
RECORD_ID = "8d2e4f60-1a3b-4c5d-9e7f-0a1b2c3d4e5f"

CALIBRATED = "Có tại khoa, hoạt động tốt, được kiểm định hoặc hiệu chuẩn trong 12 tháng gần nhất"
TRAINED = "Có chứng chỉ hoặc giấy chứng nhận đào tạo, được phân công bằng văn bản"
APPROVED = "Có văn bản được Giám đốc bệnh viện ký ban hành"
IN_STOCK = "Có trong kho, còn hạn sử dụng ít nhất 6 tháng"

# (code, text, quantity, critical, available means), grouped by domain: 60 items in all.
DOMAINS: list[tuple[str, list[tuple[str, str, int, bool, str]]]] = [
    ("Nhân lực", [
        ("NL-01", "Bác sĩ hồi sức nhi đã được đào tạo chỉ định và kê đơn lọc máu liên tục", 2, True, TRAINED),
        ("NL-02", "Điều dưỡng hồi sức nhi đã được đào tạo vận hành máy lọc máu liên tục", 4, True, TRAINED),
        ("NL-03", "Bác sĩ có năng lực đặt catheter tĩnh mạch trung tâm dưới hướng dẫn siêu âm ở trẻ em", 2, False, TRAINED),
        ("NL-04", "Kỹ sư hoặc kỹ thuật viên thiết bị y tế được hãng đào tạo bảo trì máy lọc máu", 1, False, TRAINED),
        ("NL-05", "Dược sĩ lâm sàng tham gia hiệu chỉnh liều kháng sinh khi lọc máu", 1, False, ""),
        ("NL-06", "Điều dưỡng trực 24/24 giờ, tỷ lệ một điều dưỡng cho một trẻ đang lọc máu", 1, True, ""),
        ("NL-07", "Kỹ thuật viên xét nghiệm trực khí máu, điện giải đồ 24/24 giờ", 1, False, ""),
        ("NL-08", "Người phụ trách chuyên môn kỹ thuật lọc máu được Giám đốc phân công bằng văn bản", 1, False, APPROVED),
        ("NL-09", "Kíp hỗ trợ đặt catheter và xử trí biến chứng chảy máu, tràn khí màng phổi", 1, False, ""),
        ("NL-10", "Cán bộ kiểm soát nhiễm khuẩn phụ trách khoa Hồi sức tích cực", 1, False, ""),
        ("NL-11", "Bác sĩ đã hoàn thành khóa đào tạo lọc máu liên tục ở trẻ em tại bệnh viện tuyến trên "
                  "(Bệnh viện Nhi Đồng 1 hoặc Bệnh viện Nhi Trung ương), thời gian ít nhất 3 tháng, có chứng chỉ "
                  "đào tạo liên tục còn hiệu lực", 2, False, TRAINED),
        ("NL-12", "Điều dưỡng được đào tạo theo dõi chống đông bằng citrate và heparin", 2, False, TRAINED),
    ]),
    ("Trang thiết bị", [
        ("TB-01", "Máy lọc máu liên tục (CRRT) có chế độ điều trị cho trẻ em", 1, True, CALIBRATED),
        ("TB-02", "Bộ quả lọc và dây máu cỡ nhi, thể tích mồi không quá 10 % thể tích máu của trẻ", 10, True, IN_STOCK),
        ("TB-03", "Máy theo dõi người bệnh đa thông số có đo huyết áp động mạch xâm lấn", 2, False, CALIBRATED),
        ("TB-04", "Máy thở xâm nhập dùng cho trẻ em", 2, False, CALIBRATED),
        ("TB-05", "Bơm tiêm điện", 6, False, CALIBRATED),
        ("TB-06", "Máy truyền dịch", 4, False, CALIBRATED),
        ("TB-07", "Máy xét nghiệm khí máu tại khoa, hoặc kết quả trả trong vòng 30 phút", 1, False, ""),
        ("TB-08", "Máy đo thời gian đông máu hoạt hóa (ACT) tại giường", 1, False, CALIBRATED),
        ("TB-09", "Máy siêu âm có đầu dò mạch máu để hướng dẫn đặt catheter", 1, False, CALIBRATED),
        ("TB-10", "Catheter lọc máu hai nòng các cỡ từ 6,5 Fr đến 12 Fr", 6, True, IN_STOCK),
        ("TB-11", "Máy làm ấm dịch và máu", 1, False, ""),
        ("TB-12", "Cân giường bệnh hoặc cân trẻ em có độ chính xác 10 g", 1, False, CALIBRATED),
        ("TB-13", "Nguồn điện ưu tiên có máy phát dự phòng và bộ lưu điện (UPS) cho máy lọc máu", 1, True, ""),
        ("TB-14", "Xe cấp cứu có đủ thuốc và dụng cụ chống sốc", 1, False, ""),
        ("TB-15", "Tủ lạnh bảo quản thuốc có nhiệt kế và sổ theo dõi nhiệt độ", 1, False, ""),
    ]),
    ("Thuốc, dịch lọc và vật tư tiêu hao", [
        ("TV-01", "Dịch lọc và dịch thay thế bicarbonate pha sẵn", 40, False, IN_STOCK),
        ("TV-02", "Dung dịch citrate chống đông (ACD-A hoặc citrate 4 %)", 20, False, IN_STOCK),
        ("TV-03", "Heparin không phân đoạn", 10, False, IN_STOCK),
        ("TV-04", "Calci clorid hoặc calci gluconat tiêm tĩnh mạch", 20, False, IN_STOCK),
        ("TV-05", "Albumin và khối hồng cầu để mồi máy ở trẻ nhỏ khi thể tích mồi vượt 10 % thể tích máu", 2, False, ""),
        ("TV-06", "Dung dịch natri clorid 0,9 %", 50, False, IN_STOCK),
        ("TV-07", "Bộ dụng cụ đặt catheter vô khuẩn (áo, găng, săng lỗ, kim chọc mạch)", 6, False, IN_STOCK),
        ("TV-08", "Kali clorid và kali phosphat để bổ sung vào dịch lọc", 10, False, IN_STOCK),
        ("TV-09", "Hộp thuốc chống sốc phản vệ theo Thông tư 51/2017/TT-BYT", 1, False, ""),
    ]),
    ("Cơ sở hạ tầng", [
        ("HT-01", "Giường hồi sức nhi có đủ không gian đặt máy lọc máu (từ 12 m² mỗi giường)", 2, False, ""),
        ("HT-02", "Hệ thống khí y tế (oxy, khí nén, hút) tại giường", 2, False, ""),
        ("HT-03", "Ổ cắm điện riêng, có tiếp đất cho máy lọc máu", 2, False, ""),
        ("HT-04", "Bồn rửa tay và dung dịch vệ sinh tay tại buồng bệnh", 1, False, ""),
        ("HT-05", "Khu vực lưu trữ dịch lọc khô ráo, tránh ánh nắng trực tiếp", 1, False, ""),
        ("HT-06", "Điều hòa giữ nhiệt độ buồng bệnh từ 22 °C đến 26 °C", 1, False, ""),
        ("HT-07", "Buồng cách ly cho trẻ nhiễm khuẩn đa kháng", 1, False, ""),
        ("HT-08", "Nơi lưu giữ tạm thời chất thải lây nhiễm theo quy định", 1, False, ""),
    ]),
    ("Quy trình chuyên môn", [
        ("QT-01", "Quy trình kỹ thuật lọc máu liên tục ở trẻ em được Hội đồng chuyên môn thông qua", 1, True, APPROVED),
        ("QT-02", "Danh mục kỹ thuật được Sở Y tế phê duyệt có kỹ thuật lọc máu liên tục", 1, True, APPROVED),
        ("QT-03", "Phác đồ chống đông bằng citrate và theo dõi calci ion hóa", 1, False, APPROVED),
        ("QT-04", "Quy trình đặt và chăm sóc catheter lọc máu", 1, False, APPROVED),
        ("QT-05", "Phiếu theo dõi lọc máu liên tục 24 giờ", 1, False, ""),
        ("QT-06", "Quy trình xử trí sự cố: đông quả lọc, tụt huyết áp, hạ thân nhiệt, chảy máu", 1, False, APPROVED),
        ("QT-07", "Quy trình hội chẩn từ xa với bệnh viện tuyến trên", 1, False, ""),
        ("QT-08", "Hướng dẫn hiệu chỉnh liều thuốc khi lọc máu liên tục", 1, False, ""),
        ("QT-09", "Mẫu giấy cam kết đồng ý thực hiện kỹ thuật của cha mẹ hoặc người giám hộ", 1, False, ""),
        ("QT-10", "Kế hoạch bảo trì, bảo dưỡng máy lọc máu theo khuyến cáo của nhà sản xuất", 1, False, ""),
    ]),
    ("Kiểm soát nhiễm khuẩn và chất lượng", [
        ("CL-01", "Quy trình vô khuẩn khi lắp đặt và thay hệ thống dây lọc", 1, False, APPROVED),
        ("CL-02", "Giám sát nhiễm khuẩn huyết liên quan đến catheter", 1, False, ""),
        ("CL-03", "Phương tiện phòng hộ cá nhân đầy đủ cho nhân viên", 1, False, ""),
        ("CL-04", "Sổ ghi chép và báo cáo sự cố y khoa", 1, False, ""),
        ("CL-05", "Chỉ số chất lượng: tuổi thọ quả lọc, tỷ lệ thời gian lọc thực tế so với y lệnh", 1, False, ""),
        ("CL-06", "Kế hoạch đào tạo liên tục và đánh giá năng lực định kỳ hằng năm", 1, False, ""),
    ]),
]
assert sum(len(items) for _, items in DOMAINS) == 60

ITEM_COUNT = 60
CRITICAL_GAPS = ["Máy lọc máu liên tục (CRRT) có chế độ điều trị cho trẻ em",
                 "Điều dưỡng hồi sức nhi đã được đào tạo vận hành máy lọc máu liên tục"]
# The sample's domain scores; their mean, the index, is 0.825 ("82,5 %" in Vietnamese).
DOMAIN_SCORES = [0.75, 0.7, 0.9, 1.0, 0.8, 0.8]
# A seventh domain where nothing applies: no score, shown as "—".
NOT_APPLICABLE_DOMAIN = "Vận chuyển người bệnh liên viện"
VERDICT = "Chưa sẵn sàng: còn thiếu 2 mục thiết yếu"

YES, PARTLY, NO, NA = "Có, hoạt động tốt", "Một phần", "Không có", "Không áp dụng"

GAP_PLAN: list[tuple[str, bool, str, dt.date | None, int, str, str]] = [
    ("Máy lọc máu liên tục (CRRT) có chế độ điều trị cho trẻ em", True, "Phòng Vật tư – Thiết bị y tế",
     dt.date(2026, 6, 30), 2_150_000_000, "UBND tỉnh", "Đang xử lý"),
    ("Điều dưỡng hồi sức nhi đã được đào tạo vận hành máy lọc máu liên tục", True, "Phòng Điều dưỡng",
     dt.date(2026, 4, 15), 60_000_000, "Ngân sách bệnh viện", "Đang xử lý"),
    ("Bơm tiêm điện", False, "Khoa Hồi sức tích cực – Chống độc Nhi", dt.date(2026, 3, 31), 90_000_000,
     "Ngân sách bệnh viện", "Chưa bắt đầu"),
    ("Máy đo thời gian đông máu hoạt hóa (ACT) tại giường", False, "Phòng Vật tư – Thiết bị y tế", dt.date(2026, 5, 31),
     185_000_000, "Đề án 1816", "Chưa bắt đầu"),
    ("Buồng cách ly cho trẻ nhiễm khuẩn đa kháng", False, "Phòng Hành chính quản trị", None, 0, "", "Chưa bắt đầu"),
]


def checklist_items() -> list[tuple[str, list[ChecklistItem]]]:
    return [(label, [ChecklistItem(code, text, qty, critical, means) for code, text, qty, critical, means in items])
            for label, items in DOMAINS]


def checklist(count: int = ITEM_COUNT, **overrides: Any) -> ChecklistForm:
    """The blank form with the first `count` items (at most 60), in their domains."""
    domains: list[ChecklistDomain] = []
    taken = 0
    for label, items in checklist_items():
        chosen = items[:max(0, count - taken)]
        taken += len(chosen)
        if chosen:
            domains.append(ChecklistDomain(label, chosen))
    values: dict[str, Any] = dict(technique=TECHNIQUE, specialty=SPECIALTY, facility=FACILITY, template_version=3,
                                  domains=domains, issuer=ISSUER, record_id=RECORD_ID)
    values.update(overrides)
    return ChecklistForm(**values)


def _answer(item: ChecklistItem, position: int) -> Answer:
    """A believable mix: critical gaps missing, every seventh item partly there, every eleventh not applicable."""
    if item.text in CRITICAL_GAPS:
        found = 0 if item.code.startswith("TB") else 2
        return Answer(item.code, item.text, item.quantity, found, NO if found == 0 else PARTLY, False, item.critical,
                      "Máy cũ hỏng bo mạch, hãng báo ngừng sửa" if found == 0 else "2 điều dưỡng đang học tại BV Nhi Đồng 1")
    if position % 11 == 10:
        return Answer(item.code, item.text, item.quantity, None, NA, None, item.critical, "")
    if position % 7 == 6 and not item.critical:  # an essential item missing is one of CRITICAL_GAPS, nothing else
        if item.quantity > 1:
            return Answer(item.code, item.text, item.quantity, item.quantity - 1, PARTLY, False, item.critical,
                          "Thiếu, đã đề xuất bổ sung")
        return Answer(item.code, item.text, item.quantity, 1, PARTLY, False, item.critical,
                      "Có nhưng chưa đạt đủ tiêu chí, đang hoàn thiện")
    return Answer(item.code, item.text, item.quantity, item.quantity, YES, True, item.critical, "")


def report(count: int = ITEM_COUNT, gap_count: int = len(GAP_PLAN), **overrides: Any) -> ReadinessReport:
    """The filled assessment of `checklist(count)`, with `gap_count` lines in the action plan."""
    form = checklist(count)
    results: list[DomainResult] = []
    position = 0
    for i, domain in enumerate(form.domains):
        answers = []
        for item in domain.items:
            answers.append(_answer(item, position))
            position += 1
        results.append(DomainResult(domain.label, DOMAIN_SCORES[i % len(DOMAIN_SCORES)], answers))
    results.append(DomainResult(NOT_APPLICABLE_DOMAIN, None, [
        Answer("VC-01", "Xe cứu thương có máy thở vận chuyển cho trẻ em", 1, None, NA, None, False,
               "Bệnh viện không chuyển người bệnh đang lọc máu")]))
    plan = []
    for i in range(gap_count):
        text, critical, owner, due, cost, funding, status = GAP_PLAN[i % len(GAP_PLAN)]
        if i >= len(GAP_PLAN):
            text = f"{text} (đợt {i // len(GAP_PLAN) + 1})"
        plan.append(GapLine(text, critical, owner, due, cost, funding, status))
    values: dict[str, Any] = dict(
        facility=FACILITY, technique=TECHNIQUE, assessed_on=dt.date(2026, 2, 5), assessors=list(ASSESSORS),
        template_version=3, index=0.825, threshold=0.8, ready=False, verdict=VERDICT, domains=results,
        critical_gaps=list(CRITICAL_GAPS), gaps=plan, agreement_number="07/HĐ-CGKT", draft=False, issuer=ISSUER,
        record_id="b4c5d6e7-f809-4a1b-8c2d-3e4f5a6b7c8d",
    )
    values.update(overrides)
    return ReadinessReport(**values)


def ready_report() -> ReadinessReport:
    """The same hospital after the plan was carried out: every critical item there, index 91,25 %."""
    base = report()
    scores = [0.9, 0.85, 0.95, 1.0, 0.85, 0.925, None]  # mean of the six scored: 0.9125
    domains = [dataclasses.replace(d, score=score, answers=[
        dataclasses.replace(a, available=True, answer=YES, quantity_found=a.quantity_required, note="")
        if a.available is False else a for a in d.answers]) for d, score in zip(base.domains, scores)]
    return dataclasses.replace(base, index=0.9125, ready=True, verdict="Sẵn sàng triển khai kỹ thuật",
                               domains=domains, critical_gaps=[], gaps=[])
