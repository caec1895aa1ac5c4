"""Demo networks and case logs from the articles' stories.

- Cardiology (hubs Chợ Rẫy and Đại học Y Dược): Sóc Trăng's centre offers open-heart surgery and
  coronary intervention and plans electrophysiology; Cần Thơ and An Giang offer intervention; Bạc Liêu
  and Cà Mau, neighbours, both plan coronary intervention: the one duplication warning.
- Paediatric intensive care (hub Nhi Đồng 1): Cà Mau's obstetrics–paediatrics hospital offers continuous
  blood filtration (CRRT) and plans high-frequency ventilation; Cần Thơ's children's hospital offers CRRT.
- 18 months of case logs for Sóc Trăng's coronary intervention and Cà Mau's CRRT: referrals to HCMC
  falling once the transfer starts (the demo agreements' lines), independent cases overtaking supported ones.

Deterministic ids: a second run finds every row and adds nothing.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from hospitaldesk.db.models import CaseLog, Facility, Network, NetworkHub, NetworkMember, Specialty, Technique, reference_id
from hospitaldesk.months import month_after

NETWORKS: list[dict[str, Any]] = [
    {"key": "cardiology", "specialty": "TM-CAN-THIEP", "name": "Mạng lưới Tim mạch vùng Đồng bằng sông Cửu Long",
     "notes": "Trung tâm chuyên sâu Tim mạch tại Bệnh viện Đa khoa tỉnh Sóc Trăng với sự hỗ trợ toàn diện của Bệnh viện Đại học Y Dược "
              "TP.HCM (hội thảo Sở Y tế TP.HCM và 13 tỉnh ĐBSCL, 13–14/7/2023).",
     "hubs": ["HCM-CHORAY", "HCM-DHYD"],
     "members": [("ST-BVDK", "PT-TIM-HO", "offers", None), ("ST-BVDK", "TM-PCI", "offers", None),
                 ("ST-BVDK", "TM-DIEN-SINH-LY", "plans", 2025), ("CT-BVDKTW", "TM-PCI", "offers", None),
                 ("AG-TIMMACH", "TM-PCI", "offers", None), ("BL-BVDK", "TM-PCI", "plans", 2026),
                 ("CM-BVDK", "TM-PCI", "plans", 2026)]},
    {"key": "paediatric-icu", "specialty": "HSTC-NHI", "name": "Mạng lưới Hồi sức tích cực Nhi vùng Đồng bằng sông Cửu Long",
     "notes": "Bệnh viện Sản – Nhi Cà Mau lọc máu liên tục cứu sống bệnh nhi tay chân miệng nặng với tư vấn từ xa của Bệnh viện Nhi Đồng 1.",
     "hubs": ["HCM-NHIDONG1"],
     "members": [("CM-SANNHI", "NHI-LOC-MAU-LIEN-TUC", "offers", None), ("CM-SANNHI", "NHI-THO-MAY-CAO-TAN", "plans", 2025),
                 ("CT-NHIDONG", "NHI-LOC-MAU-LIEN-TUC", "offers", None)]},
]

# (with support, independently, referred to HCMC) per month from the first month; 18 months each.
CASE_LOGS: list[dict[str, Any]] = [
    {"facility": "ST-BVDK", "technique": "TM-PCI", "first": dt.date(2023, 2, 1),  # transfer from 08/2023
     "months": [(0, 0, 16), (0, 0, 18), (0, 0, 15), (0, 0, 17), (0, 0, 19), (0, 0, 16), (6, 0, 12), (9, 0, 10), (11, 1, 8),
                (12, 3, 7), (10, 6, 5), (9, 8, 4), (8, 7, 3), (5, 14, 3), (4, 16, 2), (3, 18, 2), (2, 19, 1), (2, 21, 1)]},
    {"facility": "CM-SANNHI", "technique": "NHI-LOC-MAU-LIEN-TUC", "first": dt.date(2023, 10, 1),  # transfer from 04/2024
     "months": [(0, 0, 5), (0, 0, 6), (0, 0, 4), (0, 0, 7), (0, 0, 5), (0, 0, 6), (2, 0, 4), (3, 0, 3), (3, 0, 3),
                (4, 1, 2), (3, 1, 2), (3, 2, 2), (3, 2, 1), (3, 2, 1), (1, 4, 1), (1, 4, 0), (0, 5, 1), (0, 5, 0)]},
]


def _code_id(model: Any, code: str) -> Any:
    return model.get(model.code == code).id


def _networks() -> int:
    added = 0
    for spec in NETWORKS:
        network_id = reference_id("demo-network", spec["key"])
        if Network.get_or_none(Network.id == network_id) is None:
            Network.create(id=network_id, specialty=_code_id(Specialty, spec["specialty"]), name=spec["name"], notes=spec["notes"])
            added += 1
        for code in spec["hubs"]:
            hub_id = reference_id("demo-network-hub", f"{spec['key']}:{code}")
            if NetworkHub.get_or_none(NetworkHub.id == hub_id) is None:
                NetworkHub.create(id=hub_id, network=network_id, facility=_code_id(Facility, code))
                added += 1
        for facility, technique, status, year in spec["members"]:
            member_id = reference_id("demo-network-member", f"{spec['key']}:{facility}:{technique}")
            if NetworkMember.get_or_none(NetworkMember.id == member_id) is None:
                NetworkMember.create(id=member_id, network=network_id, facility=_code_id(Facility, facility),
                                     technique=_code_id(Technique, technique), status=status, planned_year=year)
                added += 1
    return added


def _case_logs() -> int:
    added = 0
    for spec in CASE_LOGS:
        facility, technique = _code_id(Facility, spec["facility"]), _code_id(Technique, spec["technique"])
        for offset, (supported, independent, referred) in enumerate(spec["months"]):
            month = month_after(spec["first"], offset)
            row_id = reference_id("demo-case-log", f"{spec['facility']}:{spec['technique']}:{month.isoformat()}")
            if CaseLog.get_or_none(CaseLog.id == row_id) is None:
                CaseLog.create(id=row_id, facility=facility, technique=technique, month=month, cases_with_support=supported,
                               cases_independent=independent, referred_to_hcmc=referred)
                added += 1
    return added


def demo_networks() -> int:
    """Add the demo networks, hubs, members and case logs that are missing."""
    return _networks() + _case_logs()
