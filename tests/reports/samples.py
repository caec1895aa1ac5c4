"""Plain documents to print: realistic Vietnamese names, long technique names, no database.

Used by the report tests and by tests/bench/contract_pdf.py.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from hospitaldesk.reports.contract_data import AmendmentDocument, ContractDocument, Party, TechniqueLine, TraineeLine

CONTENT_HASH = "3fa94c0e7b1d2a5f8c6e9b0d4a7f1e2c5b8d0a3f6e9c2b5d8a1f4e7c0b3d6a9f"

PARTY_A = Party(
    role="A", name="Bệnh viện Chợ Rẫy",
    address="201B Nguyễn Chí Thanh, phường Chợ Lớn, Thành phố Hồ Chí Minh",
    phone="028 3855 4137", tax_code="0301234567", bank_account="1234 5678 9012 tại Kho bạc Nhà nước Thành phố Hồ Chí Minh",
    representative="PGS.TS.BS. Nguyễn Tri Thức", position="Giám đốc",
)
PARTY_B = Party(
    role="B", name="Bệnh viện Đa khoa tỉnh Sóc Trăng",
    address="378 Lê Duẩn, phường Phú Lợi, thành phố Cần Thơ", phone="0299 3825 251",
    representative="BSCKII. Trần Văn Dũng", position="Giám đốc",
)

TECHNIQUES = [
    ("Phẫu thuật nội soi cắt toàn bộ đại tràng có nạo vét hạch trong điều trị ung thư đại tràng", "Ngoại tiêu hóa"),
    ("Can thiệp động mạch vành qua da đặt stent phủ thuốc dưới hướng dẫn siêu âm trong lòng mạch (IVUS)", "Tim mạch can thiệp"),
    ("Lọc máu liên tục (CRRT) ở người bệnh sốc nhiễm khuẩn có suy đa tạng", "Hồi sức tích cực"),
    ("Nội soi mật tụy ngược dòng (ERCP) lấy sỏi ống mật chủ", "Nội soi tiêu hóa"),
    ("Phẫu thuật thay khớp háng toàn phần không xi măng", "Chấn thương chỉnh hình"),
    ("Tán sỏi thận qua da bằng laser dưới hướng dẫn siêu âm", "Tiết niệu"),
    ("Trao đổi oxy qua màng ngoài cơ thể (ECMO) ở người bệnh viêm cơ tim cấp", "Hồi sức tích cực"),
    ("Phẫu thuật nội soi cắt thùy phổi điều trị ung thư phổi không tế bào nhỏ giai đoạn sớm", "Ngoại lồng ngực"),
    ("Sinh thiết gan dưới hướng dẫn siêu âm", "Chẩn đoán hình ảnh"),
    ("Đặt máy tạo nhịp tim vĩnh viễn hai buồng", "Tim mạch can thiệp"),
]
SUPPORT = ["Đào tạo tại chỗ tại Bên B", "Học viên đến Bên A", "Hội chẩn từ xa"]
PAYERS = ["Bên A", "Bên B", "Cả hai bên", "Nguồn khác (đề án, tỉnh)"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Hữu", "Thu", "Kim", "Phước"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Khoa", "Linh", "Lộc", "Nhung", "Phúc", "Quyên", "Sơn",
         "Trâm", "Tuấn", "Uyên", "Vy", "Yến", "Đức", "Thảo", "Nghĩa", "Hằng"]
PROFESSIONS = ["Bác sĩ", "Bác sĩ chuyên khoa I", "Điều dưỡng", "Kỹ thuật viên", "Thạc sĩ, bác sĩ"]
DEPARTMENTS = ["Khoa Ngoại tổng hợp", "Khoa Hồi sức tích cực - Chống độc", "Khoa Nội tim mạch", "Khoa Chẩn đoán hình ảnh",
               "Khoa Gây mê hồi sức", "Khoa Chấn thương chỉnh hình"]


def technique_lines(count: int, *, long_names: bool = False, seed: int = 1) -> list[TechniqueLine]:
    rng = random.Random(seed)
    lines = []
    for i in range(count):
        name, specialty = TECHNIQUES[i % len(TECHNIQUES)]
        if long_names:
            name = f"{name} ở người bệnh có bệnh lý phối hợp, kèm theo theo dõi và đánh giá sau can thiệp (đợt {i + 1})"
        start = dt.date(2024, 1, 8) + dt.timedelta(days=14 * i)
        lines.append(TechniqueLine(
            name=name, specialty=specialty, start=start, end=start + dt.timedelta(days=rng.choice([30, 60, 90])),
            trainees_planned=rng.randint(2, 6), training_place=rng.choice(["Tại Bên B", "Tại Bên A"]),
            duration=f"{rng.choice([2, 4, 6, 8])} tuần", support_mode=rng.choice(SUPPORT),
            cost=rng.choice([45, 120, 250, 480]) * 1_000_000, payer=rng.choice(PAYERS),
        ))
    return lines


def trainee_lines(count: int, techniques: list[TechniqueLine], seed: int = 2) -> list[TraineeLine]:
    rng = random.Random(seed)
    return [
        TraineeLine(
            name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            profession=rng.choice(PROFESSIONS), department=rng.choice(DEPARTMENTS),
            technique=techniques[i % len(techniques)].name if techniques else "",
        )
        for i in range(count)
    ]


def contract(technique_count: int = 3, trainee_count: int = 0, *, long_names: bool = False, **overrides: Any) -> ContractDocument:
    lines = technique_lines(technique_count, long_names=long_names)
    doc = ContractDocument(
        number="05/HĐ-CGKT",
        title="Chuyển giao kỹ thuật ngoại khoa và hồi sức cho Bệnh viện Đa khoa tỉnh Sóc Trăng",
        place="Sóc Trăng",
        signed_on=dt.date(2023, 7, 21),
        draft=False,
        party_a=PARTY_A,
        party_b=PARTY_B,
        level_text="Cấp độ 1: theo nhu cầu của bệnh viện nhận chuyển giao",
        programme_text="Đề án 1816 luân phiên cán bộ",
        issuer_parent="Bộ Y tế",
        legal_bases=[
            "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
            "Căn cứ Luật Khám bệnh, chữa bệnh số 15/2023/QH15 ngày 09 tháng 01 năm 2023;",
            "Căn cứ nhu cầu và khả năng thực tế của hai bên.",
        ],
        techniques=lines,
        obligations_a=["Cử cán bộ có đủ trình độ chuyên môn đào tạo, chuyển giao kỹ thuật theo đúng tiến độ.",
                       "Hỗ trợ chuyên môn, hội chẩn từ xa trong và sau thời gian chuyển giao."],
        obligations_b=["Bảo đảm trang thiết bị, cơ sở hạ tầng, thuốc, vật tư và nhân lực trước khi bắt đầu đào tạo.",
                       "Cử đúng số lượng học viên có đủ tiêu chuẩn tham gia đào tạo đầy đủ, đúng thời gian."],
        acceptance_criteria=["Học viên thực hiện độc lập thành công tối thiểu 10 ca cho mỗi kỹ thuật."],
        retention=["Bên B cam kết bố trí học viên sau đào tạo làm việc tại đơn vị tối thiểu 3 năm."],
        term=["Hợp đồng có hiệu lực kể từ ngày ký đến ngày 31/12/2024."],
        general=["Định kỳ 6 tháng một lần, Giám đốc hai bên tổ chức sơ kết, đánh giá tiến độ thực hiện Hợp đồng.",
                 "Hợp đồng được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản."],
        recipients=["Như trên;", "Sở Y tế tỉnh (để báo cáo);", "Lưu: VT, KHTH."],
        trainees=trainee_lines(trainee_count, lines),
        content_hash=CONTENT_HASH,
        record_id="6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    )
    return dataclasses.replace(doc, **overrides)


def amendment(technique_count: int = 1, **overrides: Any) -> AmendmentDocument:
    doc = AmendmentDocument(
        number="01/PL-05/HĐ-CGKT",
        contract_number="05/HĐ-CGKT",
        contract_signed_on=dt.date(2023, 7, 21),
        title="Bổ sung kỹ thuật và điều chỉnh tiến độ chuyển giao",
        place="Sóc Trăng",
        signed_on=dt.date(2024, 2, 5),
        draft=False,
        party_a=PARTY_A,
        party_b=PARTY_B,
        issuer_parent="Bộ Y tế",
        legal_bases=["Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
                     "Căn cứ nhu cầu và khả năng thực tế của hai bên."],
        clauses=["Bổ sung kỹ thuật tại Điều 2 dưới đây vào Phụ lục của Hợp đồng.",
                 "Gia hạn thời hạn Hợp đồng đến ngày 30/6/2025."],
        techniques=technique_lines(technique_count),
        recipients=["Như trên;", "Lưu: VT, KHTH."],
        content_hash=CONTENT_HASH,
        record_id="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    )
    return dataclasses.replace(doc, **overrides)
