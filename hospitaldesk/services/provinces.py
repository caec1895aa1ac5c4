"""Provinces, including those abolished by the merger of 1 July 2025.

An abolished province keeps its row (valid_to, successor) so a record signed
under "Sóc Trăng" still says Sóc Trăng, and searching "Cần Thơ" finds it too.
"""
from __future__ import annotations

import uuid
from typing import Any

from peewee import JOIN, Expression

from hospitaldesk import text
from hospitaldesk.db.models import Facility, Province
from hospitaldesk.errors import FieldError
from hospitaldesk.i18n import N_, NP_, _, format_date, ngettext, pgettext
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import Choice, Column, FieldSpec, FilterSpec

KIND_CONTEXT = "province type"
# The context must be a literal for extraction; it equals KIND_CONTEXT.
KINDS = {"province": NP_("province type", "Province"), "city": NP_("province type", "Centrally-run city")}
REGIONS = {"mekong": N_("Mekong Delta"), "southeast": N_("Southeast")}


def kind_choices() -> list[Choice]:
    return [Choice(k, pgettext(KIND_CONTEXT, v)) for k, v in KINDS.items()]


def region_choices() -> list[Choice]:
    return [Choice(k, _(v)) for k, v in REGIONS.items()]


def period_choices() -> list[Choice]:
    return [Choice("current", _("Current")), Choice("former", _("Before the 2025 merger"))]


def province_label(province: Province, successor: Province | None = None) -> str:
    """'Sóc Trăng (to 30/06/2025, now Cần Thơ)' for a former province, the bare name otherwise."""
    if province.valid_to is None:
        return str(province.name)
    if successor is not None and successor.name != province.name:
        return _("{name} (to {date}, now {successor})").format(
            name=province.name, date=format_date(province.valid_to), successor=successor.name
        )
    return _("{name} (to {date})").format(name=province.name, date=format_date(province.valid_to))


def province_short_label(province: Province, successor: Province | None = None) -> str:
    """For narrow table cells: 'Sóc Trăng → Cần Thơ'."""
    if province.valid_to is not None and successor is not None and successor.name != province.name:
        return f"{province.name} → {successor.name}"
    return str(province.name)


def all_provinces() -> list[Province]:
    return list(Province.live().order_by(Province.valid_to.is_null(False), Province.name))


def province_choices() -> list[Choice]:
    """Current provinces first, then the former ones with their dates."""
    provinces = all_provinces()
    by_id = {p.id: p for p in provinces}
    return [Choice(str(p.id), province_label(p, by_id.get(p.__data__.get("successor")))) for p in provinces]


def with_predecessors(province_id: uuid.UUID) -> list[uuid.UUID]:
    """A province and every unit merged into it (so 'Cần Thơ' covers Sóc Trăng and Hậu Giang)."""
    ids = [province_id]
    frontier = [province_id]
    while frontier:
        rows = Province.select(Province.id).where(Province.successor.in_(frontier), Province.deleted == False)  # noqa: E712
        frontier = [r.id for r in rows if r.id not in ids]
        ids.extend(frontier)
    return ids


def resolve(name_or_code: str) -> Province | None:
    """Find a province by code or by name (any diacritics/case); prefers the current unit."""
    wanted = text.fold(name_or_code)
    candidates = [p for p in Province.live() if wanted in (text.fold(p.code), text.fold(p.name))]
    candidates.sort(key=lambda p: p.valid_to is not None)
    return candidates[0] if candidates else None


def province_words(province: Province, as_it_was: bool = False) -> str:
    """'tỉnh Cà Mau', 'thành phố Cần Thơ', as a sentence names it: the unit in force today, or (`as_it_was`)
    the unit itself, a former one included."""
    from hospitaldesk.services.agreements import place_name

    unit = province if as_it_was else province.current()
    kind = _("city") if unit.kind == "city" else _("province")
    return f"{kind} {place_name(unit.name)}"


def current_successor(province: Province) -> Province:
    return province.current()


def _leads_back_to(start: uuid.UUID, target: uuid.UUID) -> bool:
    """Whether following successors from `start` reaches `target` (a merger loop)."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = start
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        row = Province.get_or_none(Province.id == current)
        current = row.successor_id if row else None
    return False


def _check_code(value: str) -> str | None:
    return None if all(ch.isalnum() or ch in "/-." for ch in value) else _("Use letters, digits, '/', '-' or '.' only.")


class ProvinceCatalog(Catalog[Province]):
    model = Province
    kind = "province"
    title = N_("Provinces")
    singular = N_("Province")
    columns = [
        Column("code", N_("Code"), 80),
        Column("name", N_("Name"), 150),
        Column("status", N_("Status"), 330, sortable=False),  # before type/region: it says what became of it
        Column("kind", N_("Type"), 110),
        Column("region", N_("Region"), 130),
    ]
    fields = [
        FieldSpec("code", N_("Code"), required=True, max_length=20, check=_check_code, hint=N_("Official code; units formed in 2025 end in /2025.")),
        FieldSpec("name", N_("Name"), required=True, max_length=200),
        FieldSpec("kind", N_("Type"), "choice", required=True, choices=kind_choices),
        FieldSpec("region", N_("Region"), "choice", required=True, choices=region_choices),
        FieldSpec("valid_from", N_("In force from"), "date"),
        FieldSpec("valid_to", N_("In force until"), "date", hint=N_("Leave empty for a province that still exists.")),
        FieldSpec("successor", N_("Merged into"), "choice", choices=province_choices),
    ]
    filters = [
        FilterSpec("period", N_("Period"), period_choices),
        FilterSpec("region", N_("Region"), region_choices),
    ]

    def base_query(self) -> Any:
        successor = Province.alias()
        return (
            Province.select(Province, successor)
            .join(successor, JOIN.LEFT_OUTER, on=(Province.successor == successor.id))
            .where(Province.deleted == False)  # noqa: E712
        )

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "period":
            return Province.valid_to.is_null(value == "current")
        if name == "region":
            return Province.region == value
        return None

    def to_row(self, record: Province) -> dict[str, Any]:
        successor = record.successor if record.successor_id else None
        if record.valid_to is None:
            status = _("Current")
        elif successor is not None:
            status = _("Merged into {successor} ({date})").format(date=format_date(record.valid_to), successor=successor.name)
        else:
            status = _("Until {date}").format(date=format_date(record.valid_to))
        return {
            "id": str(record.id),
            "code": record.code,
            "name": record.name,
            "kind": pgettext(KIND_CONTEXT, KINDS.get(record.kind, record.kind)),
            "region": _(REGIONS.get(record.region, record.region)),
            "status": status,
        }

    def apply(self, record: Province, values: dict[str, Any]) -> None:
        values = dict(values)
        values["successor"] = uuid.UUID(values["successor"]) if values.get("successor") else None
        super().apply(record, values)


    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors = []
        if self.is_taken(Province.code, values["code"], record_id, include_deleted=True):
            errors.append(self.duplicate_error("code", N_("Code"), values["code"]))
        if values.get("successor") and record_id and _leads_back_to(uuid.UUID(values["successor"]), record_id):
            errors.append(FieldError("successor", _("Merged into"), _("A province cannot be merged into itself, directly or through others.")))
        if values.get("valid_from") and values.get("valid_to") and values["valid_to"] < values["valid_from"]:
            errors.append(FieldError("valid_to", _("In force until"), _("This date is before 'In force from'.")))
        return errors

    def delete_blocker(self, record: Province) -> str | None:
        used = Facility.live().where(Facility.province == record.id).count()
        if used:
            return ngettext(
                "{count} facility is in this province; move it first.",
                "{count} facilities are in this province; move them first.",
                used,
            ).format(count=used)
        if Province.live().where(Province.successor == record.id).exists():
            return _("Other provinces were merged into this one; change them first.")
        return None
