"""Demo agreements from the articles' stories, across every status.

- Sóc Trăng's cardiology centre with Bệnh viện Đại học Y Dược TP.HCM (open-heart
  surgery, coronary intervention, electrophysiology), running, with an amendment;
- Cà Mau's obstetrics–paediatrics hospital with Nhi Đồng 1 (paediatric continuous
  blood filtration and intensive care, remote consultation);
- a few others: accepted, signed with an overdue review, a draft, one terminated
  because the equipment was not there.

Built through the same services as the GUI, with deterministic ids so a second
run finds them and adds nothing. The people's names are invented.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from hospitaldesk.db import stamping
from hospitaldesk.db.models import Agreement, Facility, Site, Technique, reference_id
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreements, amendments

DEMO_SITE_FACILITY = "ST-BVDK"


def _facility(code: str) -> str:
    return str(Facility.get(Facility.code == code).id)


def _line(code: str, start: str, end: str, trainees: int, place: str, duration: str, mode: str, cost: int, payer: str) -> dict[str, Any]:
    return {"technique": str(Technique.get(Technique.code == code).id), "start": start, "end": end,
            "trainees_planned": str(trainees), "training_place": place, "duration": duration,
            "support_mode": mode, "cost": str(cost), "payer": payer}


AGREEMENTS: list[dict[str, Any]] = [
    {
        "key": "st-cardiology", "number": "12/HĐ-CGKT", "year": 2023, "level": "1",
        "title": "Phát triển Trung tâm Tim mạch: phẫu thuật tim hở, can thiệp tim mạch và điện sinh lý tim",
        "a": "HCM-DHYD", "b": "ST-BVDK", "a_rep": ("Nguyễn Văn An", "Giám đốc"), "b_rep": ("Trần Thị Bình", "Giám đốc"),
        "place": "Sóc Trăng", "term_end": "31/12/2025",
        "lines": [
            ("PT-TIM-HO", "01/08/2023", "31/07/2024", 8, "Bệnh viện Đại học Y Dược TP.HCM và tại Bên B", "12 tháng", "at_a", 2_400_000_000, "b"),
            ("TM-PCI", "01/08/2023", "31/01/2024", 6, "Phòng can thiệp tim mạch Bên B", "6 tháng", "onsite", 950_000_000, "b"),
            ("TM-DIEN-SINH-LY", "01/02/2024", "31/10/2024", 4, "Bệnh viện Đại học Y Dược TP.HCM", "9 tháng", "at_a", 780_000_000, "shared"),
        ],
        "path": [("signed", "21/07/2023", ""), ("in_progress", "01/08/2023", "")],
        "reviews": ["20/01/2024", "22/07/2024", "21/01/2025", "21/07/2025", "20/01/2026", "21/07/2026"],
        "progress": {"TM-PCI": ("independent", "15/03/2024"), "PT-TIM-HO": ("supported", "10/09/2024")},
        "amendment": {
            "subject": "Điều chỉnh tiến độ chuyển giao kỹ thuật điện sinh lý tim",
            "clauses": "Kéo dài thời gian đào tạo kỹ thuật thăm dò điện sinh lý tim và triệt đốt rối loạn nhịp đến hết ngày 30/06/2025 do Bên B lắp đặt hệ thống định vị ba chiều chậm.\n"
                       "Các điều khoản khác của Hợp đồng giữ nguyên hiệu lực.",
            "replace": "TM-DIEN-SINH-LY", "end": "30/06/2025", "signed": "15/10/2024",
        },
    },
    {
        "key": "cm-paediatrics", "number": "03/HĐ-CGKT", "year": 2024, "level": "1",
        "title": "Lọc máu liên tục và hồi sức tích cực nhi khoa",
        "a": "HCM-NHIDONG1", "b": "CM-SANNHI", "a_rep": ("Lê Minh Châu", "Giám đốc"), "b_rep": ("Phạm Quốc Dũng", "Giám đốc"),
        "place": "Cà Mau", "term_end": "",
        "lines": [
            ("NHI-LOC-MAU-LIEN-TUC", "01/04/2024", "30/09/2024", 6, "Khoa Hồi sức tích cực Bên B; hội chẩn từ xa", "6 tháng", "remote", 420_000_000, "b"),
            ("NHI-THO-MAY-CAO-TAN", "01/06/2024", "30/11/2024", 6, "Bệnh viện Nhi Đồng 1", "3 tháng", "at_a", 260_000_000, "b"),
            ("NHI-ECMO", "01/01/2025", "31/12/2025", 4, "Bệnh viện Nhi Đồng 1 và tại Bên B", "12 tháng", "at_a", 1_100_000_000, "other"),
        ],
        "path": [("signed", "15/03/2024", ""), ("in_progress", "01/04/2024", "")],
        "reviews": ["16/09/2024", "17/03/2025", "15/09/2025", "16/03/2026", "15/09/2026"],
        "progress": {"NHI-LOC-MAU-LIEN-TUC": ("independent", "20/12/2024"), "NHI-THO-MAY-CAO-TAN": ("supported", "05/02/2025"),
                     "NHI-ECMO": ("training", "10/03/2025")},
    },
    {
        "key": "st-obstetrics", "number": "05/HĐ-CGKT", "year": 2023, "level": "2",
        "title": "Xử trí băng huyết sau sinh trong mạng lưới sản khoa",
        "a": "HCM-TUDU", "b": "ST-SANNHI", "a_rep": ("Hoàng Thị Em", "Giám đốc"), "b_rep": ("Võ Thanh Giang", "Giám đốc"),
        "place": "Sóc Trăng", "term_end": "30/06/2024",
        "lines": [
            ("SAN-BONG-CHEN", "01/05/2023", "31/08/2023", 6, "Tại Bên B", "4 tháng", "onsite", 180_000_000, "a"),
            ("SAN-B-LYNCH", "01/05/2023", "31/10/2023", 4, "Bệnh viện Từ Dũ", "2 tháng", "at_a", 150_000_000, "shared"),
        ],
        "path": [("signed", "12/04/2023", ""), ("in_progress", "01/05/2023", ""), ("accepted", "28/06/2024", "")],
        "reviews": ["12/10/2023"],
        "progress": {"SAN-BONG-CHEN": ("accepted", "28/06/2024"), "SAN-B-LYNCH": ("accepted", "28/06/2024")},
    },
    {
        "key": "bl-stroke", "number": "08/HĐ-CGKT", "year": 2025, "level": "2",
        "title": "Điều trị đột quỵ não cấp: tiêu sợi huyết và lấy huyết khối cơ học",
        "a": "HCM-115", "b": "BL-BVDK", "a_rep": ("Đặng Hữu Hạnh", "Phó Giám đốc"), "b_rep": ("Bùi Thị Kim", "Giám đốc"),
        "place": "Bạc Liêu", "term_end": "31/12/2026",
        "lines": [
            ("DQ-TIEU-SOI-HUYET", "01/05/2025", "31/07/2025", 6, "Tại Bên B", "3 tháng", "onsite", 120_000_000, "b"),
            ("DQ-LAY-HUYET-KHOI", "01/08/2025", "31/05/2026", 3, "Bệnh viện Nhân dân 115", "10 tháng", "at_a", 650_000_000, "b"),
        ],
        "path": [("signed", "10/04/2025", "")],
        "reviews": [],  # the October 2025 review was never held: shows as overdue
        "progress": {},
    },
    {
        "key": "hg-ercp", "number": "02/HĐ-CGKT", "year": 2026, "level": "1",
        "title": "Nội soi mật tụy ngược dòng can thiệp",
        "a": "HCM-CHORAY", "b": "HG-BVDK", "a_rep": ("", ""), "b_rep": ("", "Giám đốc"),
        "place": "Hậu Giang", "term_end": "",
        "lines": [("TH-ERCP", "01/03/2027", "31/08/2027", 4, "Bệnh viện Chợ Rẫy", "6 tháng", "at_a", 300_000_000, "b")],
        "path": [], "reviews": [], "progress": {},
    },
    {
        "key": "tv-radiotherapy", "number": "09/HĐ-CGKT", "year": 2024, "level": "1",
        "title": "Xạ trị ngoài bằng máy gia tốc tuyến tính",
        "a": "HCM-UNGBUOU", "b": "TV-BVDK", "a_rep": ("Đỗ Văn Long", "Giám đốc"), "b_rep": ("Thạch Thị Mai", "Giám đốc"),
        "place": "Trà Vinh", "term_end": "31/12/2025",
        "lines": [("XT-GIA-TOC", "01/10/2024", "30/06/2025", 5, "Bệnh viện Ung Bướu TP.HCM", "9 tháng", "at_a", 850_000_000, "b")],
        "path": [("signed", "20/08/2024", ""),
                 ("terminated", "15/01/2025", "Bên B chưa hoàn thành boongke và chưa được cấp phép máy gia tốc; hai bên thống nhất chấm dứt, ký lại khi đủ điều kiện.")],
        "reviews": [], "progress": {},
    },
]


def _day(value: str) -> dt.date:
    day, month, year = (int(part) for part in value.split("/"))
    return dt.date(year, month, day)


def _header(spec: dict[str, Any]) -> dict[str, Any]:
    values = agreements.new_agreement(spec["level"])
    values.update(
        number=spec["number"], title=spec["title"], party_a=_facility(spec["a"]), party_b=_facility(spec["b"]),
        a_representative=spec["a_rep"][0], a_position=spec["a_rep"][1],
        b_representative=spec["b_rep"][0], b_position=spec["b_rep"][1],
        sign_place=spec["place"], term_end=spec["term_end"],
    )
    values.update(agreements.party_details("a", values["party_a"]))
    values.update(agreements.party_details("b", values["party_b"]))
    return values


def _add(spec: dict[str, Any]) -> None:
    agreement_id = reference_id("demo-agreement", spec["key"])
    agreements.save_draft(_header(spec), [_line(*line) for line in spec["lines"]], new_id=agreement_id)
    Agreement.update(year=spec["year"]).where(Agreement.id == agreement_id).execute()  # numbered in its own year
    # Status changes, reviews and progress in the order they happened.
    by_code = {line.technique.code: line for line in agreements.contract_lines(agreement_id)}
    steps: list[tuple[dt.date, int, Callable[[], object]]] = []
    for target, day, reason in spec["path"]:
        steps.append((_day(day), 0, partial(life.change_status, agreement_id, target, day, reason)))
    for day in spec["reviews"]:
        steps.append((_day(day), 1, partial(life.record_review, agreement_id, day, "Sơ kết 6 tháng giữa Giám đốc hai bệnh viện.")))
    for code, (progress, day) in spec["progress"].items():
        steps.append((_day(day), 2, partial(life.set_progress, by_code[code].id, progress, day)))
    for _when, _order, step in sorted(steps, key=lambda s: (s[0], s[1])):
        step()
    if "amendment" in spec:
        change = spec["amendment"]
        values = dict(amendments.new_amendment(agreement_id), subject=change["subject"], clauses=change["clauses"])
        old = by_code[change["replace"]]
        replaced = agreements.line_values(old)
        replaced.update(id="", end=change["end"], replaces=str(old.id))
        amendment_id = amendments.save_amendment(agreement_id, values, [replaced])
        amendments.sign_amendment(amendment_id, change["signed"])


def demo_agreements() -> int:
    """Add the demo agreements that are missing; the demo site works for Sóc Trăng's general hospital."""
    site = Site.get_or_none(Site.id == stamping.local_site_id_or_none())
    if site is not None and site.facility_id is None:
        site.facility_id = Facility.get(Facility.code == DEMO_SITE_FACILITY).id
        site.save()
    added = 0
    for spec in AGREEMENTS:
        if Agreement.get_or_none(Agreement.id == reference_id("demo-agreement", spec["key"])) is None:
            _add(spec)
            added += 1
    return added

