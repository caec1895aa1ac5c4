"""The regional networks' two rules, over plain data so a test can state the facts by hand:

- duplication: two member hospitals in neighbouring provinces (services/adjacency.py: the same
  province today, or sharing a border) both *plan* the same technique in networks of the same
  specialty: one of them could serve both, and the region pays twice;
- coverage: for a technique, the Mekong Delta provinces (the 13 before the merger, named with the
  province they are part of today) with no member hospital *offering* it in the province or a
  neighbour. HCMC hubs give access to HCMC only: sending a patient to a hub is the referral the
  networks are there to avoid, so a hub never covers a province of the delta.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from hospitaldesk.i18n import _
from hospitaldesk.services.adjacency import ProvinceMap


@dataclass(frozen=True)
class MemberFact:
    """A member hospital and one technique, as the rules read it."""

    member_id: str
    network_id: str
    network: str  # its name
    specialty_id: str
    facility_id: str
    facility: str
    province: str  # the facility's province code, as recorded
    technique_id: str
    technique: str
    status: str  # offers | plans
    planned_year: int | None = None


@dataclass(frozen=True)
class Duplication:
    technique_id: str
    technique: str
    first: MemberFact
    second: MemberFact
    first_province: str  # names, with today's province for a former one
    second_province: str
    same_province: bool  # the same province today (else: bordering)

    @property
    def message(self) -> str:
        values = {"first": self.first.facility, "first_province": self.first_province, "second": self.second.facility,
                  "second_province": self.second_province, "technique": self.technique}
        if self.same_province:
            return _("{first} ({first_province}) and {second} ({second_province}) both plan {technique}, in the same province: "
                     "one of them could serve both.").format(**values)
        return _("{first} ({first_province}) and {second} ({second_province}) both plan {technique}, in neighbouring provinces: "
                 "one of them could serve both.").format(**values)

    def as_dict(self) -> dict[str, Any]:
        return {"technique": self.technique, "technique_id": self.technique_id, "same_province": self.same_province,
                "facilities": [{"facility": m.facility, "facility_id": m.facility_id, "province": p, "network": m.network,
                                "planned_year": m.planned_year} for m, p in ((self.first, self.first_province),
                                                                              (self.second, self.second_province))],
                "message": self.message}


def duplications(members: list[MemberFact], provinces: ProvinceMap) -> list[Duplication]:
    """Every pair of different hospitals in neighbouring provinces planning the same technique in the same
    specialty's networks, by technique and then by hospital name."""
    planned: dict[tuple[str, str], dict[str, MemberFact]] = {}  # a hospital once, even if two networks list its plan
    for member in sorted(members, key=lambda m: (m.facility, m.member_id)):
        if member.status == "plans":
            planned.setdefault((member.specialty_id, member.technique_id), {}).setdefault(member.facility_id, member)
    found = []
    for group in planned.values():
        for first, second in itertools.combinations(group.values(), 2):
            if not provinces.neighbours(first.province, second.province):
                continue
            found.append(Duplication(first.technique_id, first.technique, first, second, provinces.name_today(first.province),
                                     provinces.name_today(second.province),
                                     provinces.today(first.province) == provinces.today(second.province)))
    return sorted(found, key=lambda d: (d.technique, d.first.facility, d.second.facility))


ACCESS_LEVELS = ("here", "near", "none")  # offered in the province (as it is today) / in a neighbour only / nowhere near


@dataclass(frozen=True)
class ProvinceAccess:
    code: str
    province: str  # its name, with today's province for a former one
    offered_by: list[str]  # "hospital (province)" in the province or a neighbour offering the technique
    offered_here: list[str] = field(default_factory=list)  # those of offered_by in the same province today

    @property
    def access(self) -> bool:
        return bool(self.offered_by)

    @property
    def level(self) -> str:
        """One of ACCESS_LEVELS: what a map colours the province by."""
        return "here" if self.offered_here else "near" if self.offered_by else "none"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "province": self.province, "access": self.access, "offered_by": self.offered_by}


def delta_provinces(provinces: ProvinceMap) -> list[str]:
    """The 13 Mekong Delta provinces the networks were planned for (the units before the merger)."""
    return sorted(code for code, unit in provinces.units.items() if unit.region == "mekong" and unit.former)


def coverage(technique_id: str, members: list[MemberFact], provinces: ProvinceMap) -> list[ProvinceAccess]:
    """Each delta province and who gives it access to the technique; those with nobody have no access."""
    offering = {(m.facility_id, m.facility, m.province) for m in members if m.technique_id == technique_id and m.status == "offers"}
    rows = []
    for code in delta_provinces(provinces):
        near = sorted((f"{name} ({provinces.name(where)})", provinces.today(where) == provinces.today(code))
                      for _id, name, where in offering if provinces.neighbours(code, where))
        rows.append(ProvinceAccess(code, provinces.name_today(code), [text for text, _same in near], [text for text, same in near if same]))
    return rows
