"""Demo readiness data for the demo agreements: one site ready, one with a critical gap
(the CRRT machine is there, the trained nurses are not), one improving over two
assessments, plus the inventory rows the equipment answers are prefilled from.

Answers are chosen by rule (domain, critical), not by item code, so the demo follows
the shipped checklists as they are edited. Idempotent: an assessment of the same
facility, technique and date is never added twice.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hospitaldesk.db.models import Assessment, EquipmentItem, Facility, Technique, reference_id
from hospitaldesk.i18n import parse_date
from hospitaldesk.services import assessments, gaps
from hospitaldesk.services.readiness_templates import current_template, items_of
from hospitaldesk.services.readiness_terms import starter_templates

Rule = Callable[[dict[str, Any]], str]


def _all_yes(_item: dict[str, Any]) -> str:
    return "yes"


def _first_try(item: dict[str, Any]) -> str:
    """A first visit: the critical equipment only partly there, protocols and a room missing."""
    if item["critical"] and item["domain"] == "equipment":
        return "partly"
    if item["domain"] in ("procedures", "infrastructure") and item["critical"]:
        return "no"
    return "yes"


def _no_trained_nurses(item: dict[str, Any]) -> str:
    return "no" if item["critical"] and item["domain"] == "human_resources" else "yes"


ASSESSMENTS: list[dict[str, Any]] = [
    {"facility": "ST-BVDK", "technique": "PT-TIM-HO", "agreement": "st-cardiology", "date": "05/07/2023", "rule": _all_yes,
     "assessors": "ThS.BS. Lê Hoàng Phúc – Bệnh viện Đại học Y Dược TP.HCM\nBS.CKII. Trần Văn Sang – Phòng Kế hoạch tổng hợp"},
    {"facility": "ST-BVDK", "technique": "TM-PCI", "agreement": "st-cardiology", "date": "10/07/2023", "rule": _first_try,
     "assessors": "ThS.BS. Lê Hoàng Phúc – Bệnh viện Đại học Y Dược TP.HCM"},
    {"facility": "ST-BVDK", "technique": "TM-PCI", "agreement": "st-cardiology", "date": "20/01/2024", "rule": _all_yes,
     "assessors": "ThS.BS. Lê Hoàng Phúc – Bệnh viện Đại học Y Dược TP.HCM"},
    {"facility": "CM-SANNHI", "technique": "NHI-LOC-MAU-LIEN-TUC", "agreement": "cm-paediatrics", "date": "05/03/2024",
     "rule": _no_trained_nurses, "gap_owner": "Phòng Tổ chức cán bộ",
     "assessors": "BS.CKII. Phạm Minh Tuấn – Bệnh viện Nhi Đồng 1\nĐD. Nguyễn Thị Hạnh – Phòng Điều dưỡng"},
]
# The devices each demo facility recorded before its assessment (categories of the critical equipment items).
INVENTORY = {"ST-BVDK": ["PT-TIM-HO", "TM-PCI"], "CM-SANNHI": ["NHI-LOC-MAU-LIEN-TUC"]}


def _inventory() -> int:
    added = 0
    categories = starter_templates().get("equipment_categories", {})
    for facility_code, technique_codes in INVENTORY.items():
        facility = Facility.get(Facility.code == facility_code)
        for code in technique_codes:
            template = current_template(Technique.get(Technique.code == code).id)
            for item in items_of(template.id) if template else []:
                if not (item.critical and item.equipment_category):
                    continue
                for n in range(item.quantity):
                    row_id = reference_id("demo-equipment", f"{facility_code}:{item.equipment_category}:{n}")
                    if EquipmentItem.get_or_none(EquipmentItem.id == row_id) is not None:
                        continue
                    # Named as an inventory names a device (its kind), not as the checklist words the need.
                    name = categories.get(item.equipment_category, {}).get("vi") or item.text
                    device = EquipmentItem(id=row_id, facility=facility.id, name=name[:300], category=item.equipment_category,
                                           last_maintenance=dt.date(2024, 1, 15),
                                           department="Khoa Hồi sức tích cực" if facility_code == "CM-SANNHI" else "Trung tâm Tim mạch",
                                           year=2023, funding_source="province", status="working")
                    device.refresh_search_key()
                    device.save(force_insert=True)
                    added += 1
    return added


def demo_readiness() -> int:
    added = _inventory()
    for spec in ASSESSMENTS:
        facility = Facility.get(Facility.code == spec["facility"])
        technique = Technique.get(Technique.code == spec["technique"])
        day = parse_date(spec["date"])
        exists = Assessment.live().where(Assessment.facility == facility.id, Assessment.technique == technique.id,
                                         Assessment.assessed_on == day).exists()
        if exists:
            continue
        agreement_id = reference_id("demo-agreement", spec["agreement"])
        assessment = assessments.start(technique.id, {"facility": str(facility.id), "assessed_on": spec["date"],
                                                      "assessors": spec["assessors"]}, agreement_id=agreement_id)
        for item in assessments.details(assessment)["items"]:
            assessments.answer(assessment, item["item_id"], spec["rule"](item), item["quantity"] or None, "")
        assessments.finalise(assessment)
        _plan_gaps(assessment, spec.get("gap_owner", "Phòng Kế hoạch tổng hợp"))
        added += 1
    return added


def _plan_gaps(assessment: str, owner: str) -> None:
    """Owners, dates, costs and funding for the gaps, as a planning office would fill them in."""
    for n, gap in enumerate(g for g in gaps.listing(status="") if g["assessment_id"] == assessment):
        done = n == 0 and not gap["critical"]
        gaps.update(gap["id"], {
            "owner": owner if gap["critical"] else "Phòng Vật tư – Thiết bị y tế",
            "due": "30/06/2024", "cost": str(150_000_000 * (n + 1)), "funding_source": "province" if gap["critical"] else "hospital",
            "status": "done" if done else "in_progress", "note": "",
        })
