"""Hospitals and health authorities: the parties of every transfer."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from peewee import JOIN, Expression

from hospitaldesk import text
from hospitaldesk.db.models import Agreement, Facility, Province
from hospitaldesk.db.rows import names_of
from hospitaldesk.errors import FieldError
from hospitaldesk.i18n import N_, _, ngettext
from hospitaldesk.services import provinces
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import Choice, Column, FieldSpec, FilterSpec

FACILITY_KINDS = {
    "end_line": N_("End-line hospital"),
    "provincial_general": N_("Provincial general hospital"),
    "specialty": N_("Specialty hospital"),
    "regional": N_("Regional hospital"),
    "district": N_("District hospital / health centre"),
    "health_department": N_("Department of Health"),
    "other": N_("Other"),
}
OWNERSHIP = {"public": N_("Public"), "private": N_("Private")}


def kind_choices() -> list[Choice]:
    return [Choice(k, _(v)) for k, v in FACILITY_KINDS.items()]


def ownership_choices() -> list[Choice]:
    return [Choice(k, _(v)) for k, v in OWNERSHIP.items()]


def facility_choices() -> list[Choice]:
    return [Choice(str(f.id), f.name) for f in Facility.live().order_by(Facility.name)]


def _check_phone(value: str) -> str | None:
    return None if text.is_valid_phone(value) else _("Not a phone number. Write it like 0292 3820 000 or +84 292 3820 000.")


def _check_code(value: str) -> str | None:
    ok = all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in value)
    return None if ok else _("Use Latin letters without accents, digits and '-' only, e.g. ST-BVDK.")


class FacilityCatalog(Catalog[Facility]):
    model = Facility
    kind = "facility"
    title = N_("Facilities")
    singular = N_("Facility")
    columns = [
        Column("code", N_("Code"), 130),
        Column("name", N_("Name"), 380),
        Column("kind", N_("Type"), 220),
        Column("province", N_("Province"), 250),
        Column("ownership", N_("Ownership"), 100),
    ]
    fields = [
        FieldSpec("name", N_("Name"), required=True, hint=N_("Full official name, e.g. Bệnh viện Đa khoa tỉnh Sóc Trăng.")),
        FieldSpec("short_name", N_("Short name"), max_length=120),
        FieldSpec("code", N_("Code"), required=True, max_length=40, check=_check_code),
        FieldSpec("kind", N_("Type"), "choice", required=True, choices=kind_choices),
        FieldSpec("ownership", N_("Ownership"), "choice", required=True, choices=ownership_choices),
        FieldSpec("province", N_("Province"), "choice", required=True, choices=provinces.province_choices),
        FieldSpec("address", N_("Address"), max_length=500, hint=N_("Street and ward/commune (districts no longer exist since 2025).")),
        FieldSpec("phone", N_("Phone"), max_length=40, check=_check_phone),
        FieldSpec("notes", N_("Notes"), "multiline"),
    ]
    filters = [
        FilterSpec("province", N_("Province"), provinces.province_choices),
        FilterSpec("kind", N_("Type"), kind_choices),
        FilterSpec("ownership", N_("Ownership"), ownership_choices),
    ]

    def base_query(self) -> Any:
        successor = Province.alias()
        return (
            Facility.select(Facility, Province, successor)
            .join(Province)
            .join(successor, JOIN.LEFT_OUTER, on=(Province.successor == successor.id))
            .where(Facility.deleted == False)  # noqa: E712
        )

    def sort_fields(self) -> dict[str, Any]:
        fields = super().sort_fields()
        fields["province"] = Province.search_key
        return fields

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "province":
            return Facility.province.in_(provinces.with_predecessors(uuid.UUID(value)))
        if name == "kind":
            return Facility.kind == value
        if name == "ownership":
            return Facility.ownership == value
        return None

    def to_row(self, record: Facility) -> dict[str, Any]:
        province = record.province
        successor = province.successor if province.successor_id else None
        return {
            "id": str(record.id),
            "code": record.code,
            "name": record.name,
            "kind": _(FACILITY_KINDS.get(record.kind, record.kind)),
            "province": provinces.province_short_label(province, successor),
            "ownership": _(OWNERSHIP.get(record.ownership, record.ownership)),
        }

    def apply(self, record: Facility, values: dict[str, Any]) -> None:
        values = dict(values)
        values["province"] = uuid.UUID(values["province"])
        super().apply(record, values)


    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors = []
        if self.is_taken(Facility.code, values["code"], record_id, include_deleted=True):
            errors.append(self.duplicate_error("code", N_("Code"), values["code"]))
        same_name = Facility.live().where(
            Facility.province == uuid.UUID(values["province"]),
            Facility.search_key.startswith(text.fold(values["name"])),
        )
        if record_id is not None:
            same_name = same_name.where(Facility.id != record_id)
        if any(text.fold(f.name) == text.fold(values["name"]) for f in same_name):
            errors.append(
                FieldError("name", _("Name"), _("A facility with this name already exists in this province."))
            )
        return errors

    def delete_blocker(self, record: Facility) -> str | None:
        used = Agreement.live().where((Agreement.party_a == record.id) | (Agreement.party_b == record.id)).count()
        if used:
            return ngettext("{count} agreement names this facility as a party; it cannot be deleted.", "{count} agreements name this facility as a party; it cannot be deleted.", used).format(count=used)
        return None


def short_names(ids: Iterable[Any]) -> dict[Any, str]:
    """{stored id: short name, or the full name when it has none} for the facilities' stored ids (raw rows' ids)."""
    short = names_of(Facility.id, Facility.short_name, ids, Facility.select(Facility.id))
    full = names_of(Facility.id, Facility.name, [i for i, s in short.items() if not s], Facility.select(Facility.id))
    return {i: short.get(i) or full.get(i, "") for i in set(short) | set(full)}
