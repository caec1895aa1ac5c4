"""A demo 6-monthly review being written: Sóc Trăng general hospital's review of the first half of 2024,
when its cardiology centre reached independence in coronary intervention (the demo case logs) while
trained nurses were being drawn to private hospitals. Deterministic id: a second run adds nothing."""
from __future__ import annotations

import datetime as dt

from hospitaldesk.db.models import Facility, Review, reference_id

TEXT = {
    "issuer_parent": "SỞ Y TẾ THÀNH PHỐ CẦN THƠ",
    "issuer": "BỆNH VIỆN ĐA KHOA TỈNH SÓC TRĂNG",
    "number": "",
    "place": "Sóc Trăng",
    "results": "Trung tâm Tim mạch của Bệnh viện đã tự thực hiện chụp và can thiệp động mạch vành qua da từ tháng 3/2024, "
               "với sự hỗ trợ của Bệnh viện Đại học Y Dược TP.HCM; số người bệnh phải chuyển lên TP.HCM giảm rõ rệt.\n"
               "Kíp can thiệp gồm 2 bác sĩ và 6 điều dưỡng, kỹ thuật viên đã được cấp chứng nhận.",
    "difficulties": "Một số điều dưỡng đã được đào tạo chuyển sang bệnh viện tư nhân; chế độ đãi ngộ chưa đủ để giữ chân nhân lực.\n"
                    "Chỉ có một hệ thống chụp mạch số hóa xóa nền (DSA): khi bảo trì, người bệnh cấp cứu vẫn phải chuyển tuyến.",
    "plans": "Chuẩn bị trang thiết bị và nhân lực để nhận chuyển giao kỹ thuật thăm dò điện sinh lý tim trong năm 2025.\n"
             "Đánh giá lại mức sẵn sàng trước mỗi đợt đào tạo.",
    "proposals_committee": "Ban hành chính sách hỗ trợ, thu hút nhân lực y tế chất lượng cao làm việc lâu dài tại tỉnh.",
    "proposals_ministry": "Hướng dẫn thanh toán bảo hiểm y tế cho các kỹ thuật mới được chuyển giao ngay khi bệnh viện được phê duyệt.",
    "signer_title": "Giám đốc",
    "signer_name": "",
    "recipients": "Sở Y tế thành phố Cần Thơ (để báo cáo)\nBệnh viện Đại học Y Dược TP.HCM (để phối hợp)\nLưu: VT, KHTH",
}


def demo_review() -> int:
    """Add the demo review if it is missing."""
    review_id = reference_id("demo-review", "ST-BVDK:2024-H1")
    if Review.get_or_none(Review.id == review_id) is not None:
        return 0
    facility = Facility.get(Facility.code == "ST-BVDK")
    Review.create(id=review_id, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 6, 30), facility=facility.id,
                  issued_on=dt.date(2024, 7, 5), **TEXT)
    return 1
