"""Demo data from the articles' stories (idempotent: running it twice changes nothing).

Each capability adds its own step to DEMO_STEPS; every row has a deterministic
id, so a second run finds it and skips it.
"""
from __future__ import annotations

from collections.abc import Callable

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Facility, reference_id
from hospitaldesk.db.reference import load_reference
from hospitaldesk.services.demo_agreements import demo_agreements
from hospitaldesk.services.demo_networks import demo_networks
from hospitaldesk.services.demo_readiness import demo_readiness
from hospitaldesk.services.demo_review import demo_review
from hospitaldesk.services.demo_trainees import demo_trainees
from hospitaldesk.services.site import init_site, is_initialised

DEMO_SITE_NAME = "Bệnh viện Đa khoa tỉnh Sóc Trăng"

# Health centres and a private clinic near the demo site: where trained staff
# come from and where some of them go.
DEMO_FACILITIES = [
    {"code": "ST-TTYT-MYXUYEN", "name": "Trung tâm Y tế huyện Mỹ Xuyên", "short_name": "TTYT Mỹ Xuyên",
     "kind": "district", "ownership": "public", "province": "94"},
    {"code": "ST-TTYT-NGANAM", "name": "Trung tâm Y tế thị xã Ngã Năm", "short_name": "TTYT Ngã Năm",
     "kind": "district", "ownership": "public", "province": "94"},
    {"code": "CM-TTYT-NAMCAN", "name": "Trung tâm Y tế huyện Năm Căn", "short_name": "TTYT Năm Căn",
     "kind": "district", "ownership": "public", "province": "96"},
    {"code": "ST-PK-PHUOCTHIEN", "name": "Phòng khám Đa khoa Phước Thiện Sóc Trăng", "short_name": "PK Phước Thiện",
     "kind": "other", "ownership": "private", "province": "94",
     "notes": "Phòng khám tư nhân (dữ liệu minh hoạ)."},
]


def _demo_facilities() -> int:
    added = 0
    for row in DEMO_FACILITIES:
        facility_id = reference_id("demo-facility", row["code"])
        if Facility.get_or_none(Facility.id == facility_id) is not None:
            continue
        province_id = reference_id("province", row["province"])
        facility = Facility(id=facility_id, province=province_id, **{k: v for k, v in row.items() if k != "province"})
        facility.refresh_search_key()
        facility.save(force_insert=True)
        added += 1
    return added


DEMO_STEPS: dict[str, Callable[[], int]] = {"facilities": _demo_facilities, "agreements": demo_agreements, "readiness": demo_readiness,
                                            "trainees": demo_trainees, "networks": demo_networks, "review": demo_review}


def load_demo() -> dict[str, int]:
    """Set up the demo site if needed, then add what is missing; returns rows added per step."""
    if not is_initialised():
        init_site(DEMO_SITE_NAME)
    counts: dict[str, int] = {}
    with atomic():
        counts.update({f"reference {k}": v for k, v in load_reference().items()})
        for name, step in DEMO_STEPS.items():
            counts[name] = step()
    return counts
