"""Trainee documents to print: Bệnh viện Sản – Nhi Cà Mau sends nurses and doctors to Bệnh viện
Nhi Đồng 1 to learn paediatric continuous renal replacement therapy (CRRT); the certificate one
of them receives, her commitment to serve, and the hospital's retention report. Realistic
Vietnamese content, no database.

Used by tests/reports/test_trainee_pdf.py.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from hospitaldesk.reports.trainee_data import (
    CertificateData, CommitmentData, CommitmentLine, DepartureLine, Milestone, RetentionReportData, TechniqueRetention,
)

TECHNIQUE = "Lọc máu liên tục ở trẻ em"
ISSUER = "Bệnh viện Nhi Đồng 1"
ISSUER_PARENT = "Sở Y tế Thành phố Hồ Chí Minh"
FACILITY = "Bệnh viện Sản – Nhi Cà Mau"
FACILITY_PARENT = "Sở Y tế tỉnh Cà Mau"
TRAINEE = "Nguyễn Thị Ngọc Trâm"
DEPARTMENT = "Khoa Hồi sức tích cực – Chống độc Nhi"
AGREEMENT = "07/HĐ-CGKT"
CERTIFICATE_NUMBER = "125/CN-NĐ1"
AT_PARTY_A = "Học viên học tại Bên A"
START, END = dt.date(2026, 1, 5), dt.date(2026, 4, 3)
HASH = "5be0c1d2e3f40718293a4b5c6d7e8f90112233445566778899aabbccddeeff00"
LONG_NAME = "Tôn Nữ Hoàng Thị Phương Thảo Nguyên Khánh Linh Bảo Ngọc Quỳnh Như Ý Minh Châu"
LONG_TECHNIQUE = ("Đặt catheter tĩnh mạch trung tâm dưới hướng dẫn siêu âm và theo dõi huyết động xâm lấn "
                  "ở trẻ sơ sinh non tháng cực nhẹ cân tại đơn vị hồi sức sơ sinh")
REIMBURSEMENT = ("Nếu nghỉ việc hoặc chuyển công tác trước thời hạn, tôi xin bồi hoàn chi phí đào tạo theo Quy chế "
                 "chi tiêu nội bộ của Bệnh viện: hoàn trả toàn bộ nếu chưa phục vụ đủ một phần ba thời gian cam kết, "
                 "hoàn trả theo tỷ lệ thời gian chưa phục vụ trong các trường hợp còn lại.")


def certificate(**overrides: Any) -> CertificateData:
    values: dict[str, Any] = dict(
        issuer=ISSUER, issuer_parent=ISSUER_PARENT, number=CERTIFICATE_NUMBER, issued_on=dt.date(2026, 4, 10),
        place="Thành phố Hồ Chí Minh", full_name=TRAINEE, birth_date=dt.date(1992, 3, 12), profession="Điều dưỡng",
        qualification="Cử nhân Điều dưỡng", workplace=FACILITY, department=DEPARTMENT, technique=TECHNIQUE,
        agreement_number=AGREEMENT, training_place=AT_PARTY_A, start_on=START, end_on=END,
        result="Đạt – loại Giỏi", signer_title="Giám đốc", signer_name="TS.BS. Lê Hoàng Phúc",
        record_id="3c1d9e2a-7b4f-4e61-9a0c-5d8e7f6a1b2c", content_hash=HASH,
    )
    values.update(overrides)
    return CertificateData(**values)


def commitment(**overrides: Any) -> CommitmentData:
    values: dict[str, Any] = dict(
        full_name=TRAINEE, birth_date=dt.date(1992, 3, 12), national_id="096192001234", profession="Điều dưỡng",
        qualification="Cử nhân Điều dưỡng", department=DEPARTMENT, facility=FACILITY, facility_parent=FACILITY_PARENT,
        technique=TECHNIQUE, agreement_number=AGREEMENT, transferring=ISSUER, training_place=AT_PARTY_A,
        start_on=START, end_on=END, years=3, ends_on=dt.date(2029, 4, 3), reimbursement=REIMBURSEMENT,
        cost=45_000_000, place="Cà Mau", signed_on=dt.date(2025, 12, 22),
        record_id="9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", content_hash=HASH[::-1],
    )
    values.update(overrides)
    return CommitmentData(**values)


HFO = "Thở máy cao tần dao động (HFO) ở trẻ sơ sinh"
COOLING = "Hạ thân nhiệt điều trị cho trẻ sơ sinh ngạt"
BRONCHOSCOPY = "Nội soi phế quản ống mềm ở trẻ em"


def _milestones(*pairs: tuple[int, int]) -> list[Milestone]:
    return [Milestone(months, retained, eligible) for months, (retained, eligible) in zip((6, 12, 24), pairs)]


# At risk first, as the service sorts them.
TECHNIQUES = [
    TechniqueRetention(TECHNIQUE, 8, 4, 6, True, _milestones((6, 8), (4, 6), (2, 3))),
    TechniqueRetention(HFO, 5, 3, 4, True, _milestones((5, 5), (3, 5), (0, 0))),
    TechniqueRetention(COOLING, 6, 6, 4, False, _milestones((6, 6), (6, 6), (4, 4))),
    TechniqueRetention(BRONCHOSCOPY, 3, 3, 2, False, _milestones((3, 3), (2, 2), (0, 0))),
    TechniqueRetention(LONG_TECHNIQUE, 4, 4, None, False, _milestones((4, 4), (0, 0), (0, 0))),
]
DEPARTURES = [
    DepartureLine("BS. Trần Văn Hiếu", dt.date(2025, 9, 15), "Bác sĩ", [TECHNIQUE], "Thu nhập",
                  "Bệnh viện Quốc tế City (Thành phố Hồ Chí Minh)", True, True),
    DepartureLine("ĐD. Lê Thị Mỹ Duyên", dt.date(2026, 1, 2), "Điều dưỡng", [TECHNIQUE, HFO], "Gia đình",
                  "Bệnh viện Đa khoa tỉnh Bạc Liêu", True, None),
    DepartureLine("ĐD. Phạm Thị Kim Oanh", dt.date(2025, 5, 20), "Điều dưỡng", [HFO], "Nghỉ hưu", "", False, False),
    DepartureLine("KTV. Huỳnh Văn Lộc", dt.date(2024, 11, 10), "Kỹ thuật viên", [TECHNIQUE], "Đi học nâng cao",
                  "Trường Đại học Y Dược Cần Thơ", False, False),
]
ENDING = [
    CommitmentLine("BS. Nguyễn Hoàng Nam", COOLING, dt.date(2026, 4, 15), 15),
    CommitmentLine("ĐD. Võ Thị Thu Hà", TECHNIQUE, dt.date(2026, 5, 30), 60),
    CommitmentLine("ĐD. Đặng Minh Thư", BRONCHOSCOPY, dt.date(2026, 6, 29), 90),
]
RETENTION_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def retention(**overrides: Any) -> RetentionReportData:
    values: dict[str, Any] = dict(
        facility=FACILITY, facility_parent=FACILITY_PARENT, as_of=dt.date(2026, 3, 31), place="Cà Mau",
        period="Các khóa đào tạo kết thúc từ 01/01/2023 đến 31/03/2026", techniques=list(TECHNIQUES),
        departures=list(DEPARTURES), commitments_ending=list(ENDING), prepared_by="CN. Lý Thị Bích Ngọc",
        signer_title="Giám đốc", signer_name="BSCKII. Trần Văn Dũng",
        recipients=["Sở Y tế tỉnh Cà Mau (để báo cáo);", "Bệnh viện Nhi Đồng 1 (để phối hợp);", "Lưu: VT, TCCB."],
        record_id=RETENTION_ID,
    )
    values.update(overrides)
    return RetentionReportData(**values)
