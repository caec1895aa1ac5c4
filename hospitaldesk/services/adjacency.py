"""Which provinces are neighbours: the shipped border pairs (assets/reference/province_adjacency.json)
on the map before the merger of 1 July 2025 and on today's, and the rule that uses both.

Two units are neighbours when they are the same province today (a former unit counts as its
successor: one Department of Health plans for both), or share a border on the former map when both
are former units (facilities are recorded under those, and the finer map says more about distance),
or share a border on today's map otherwise. SOURCES.md explains why.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hospitaldesk.db.models import Province
from hospitaldesk.db.reference import read_reference
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _
from hospitaldesk.resources import reference_dir

ADJACENCY_FILE = "province_adjacency"
MAPS = ("former", "current")

Pair = frozenset[str]


@lru_cache(maxsize=4)
def border_pairs(directory: Path | None = None) -> dict[str, frozenset[Pair]]:
    """{"former": pairs of codes, "current": pairs of codes}, as shipped."""
    pairs: dict[str, set[Pair]] = {name: set() for name in MAPS}
    for row in read_reference(ADJACENCY_FILE, directory or reference_dir()):
        if row.get("map") not in MAPS or not row.get("a") or not row.get("b") or row["a"] == row["b"]:
            raise StoreError(_("The reference file {path} is missing or damaged. Reinstall HospitalDesk.").format(
                path=(directory or reference_dir()) / f"{ADJACENCY_FILE}.json"))
        pairs[row["map"]].add(frozenset((row["a"], row["b"])))
    return {name: frozenset(found) for name, found in pairs.items()}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    former: bool  # abolished by the merger (has a successor)
    today: str  # the code of the unit in force today (its own code when it is one)
    region: str


@dataclass(frozen=True)
class ProvinceMap:
    units: dict[str, Unit]  # by code
    former_pairs: frozenset[Pair]
    current_pairs: frozenset[Pair]

    def today(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.today if unit else code

    def neighbours(self, a: str, b: str) -> bool:
        """The same province today, or sharing a border (see the module's note for which map)."""
        if self.today(a) == self.today(b):
            return True
        unit_a, unit_b = self.units.get(a), self.units.get(b)
        if unit_a is not None and unit_b is not None and unit_a.former and unit_b.former:
            return frozenset((a, b)) in self.former_pairs
        return frozenset((self.today(a), self.today(b))) in self.current_pairs

    def name(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.name if unit else code

    def name_today(self, code: str) -> str:
        """"Sóc Trăng, now Cần Thơ" for a former unit merged into another, the name alone otherwise
        (former Cà Mau is simply "Cà Mau")."""
        unit = self.units.get(code)
        if unit is None:
            return code
        if unit.today != code and self.name(unit.today) != unit.name:
            return _("{name}, now {current}").format(name=unit.name, current=self.name(unit.today))
        return unit.name


def province_map() -> ProvinceMap:
    """The provinces recorded in the database (a user may add one: it has no borders, only itself)
    with the shipped border pairs."""
    rows = list(Province.live().select(Province.id, Province.code, Province.name, Province.successor, Province.region,
                                       Province.valid_to))
    code_of = {row.id: row.code for row in rows}
    successor = {row.code: code_of.get(row.successor_id) for row in rows}

    def today(code: str) -> str:
        seen = {code}
        while successor.get(code) and successor[code] not in seen:
            code = successor[code] or code
            seen.add(code)
        return code

    units = {row.code: Unit(row.code, row.name, successor[row.code] is not None, today(row.code), row.region) for row in rows}
    pairs = border_pairs()
    return ProvinceMap(units, pairs["former"], pairs["current"])
