"""The equipment inventory of each facility: what a checklist's equipment items are answered from."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from peewee import Expression

from hospitaldesk.db.models import EquipmentItem, Facility
from hospitaldesk.errors import FieldError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.catalog import Catalog, parse_id
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Column, FieldSpec, FilterSpec


def _check_year(value: str) -> str | None:
    """The form's rule runs on the text typed (already known to be a whole number)."""
    return None if 1950 <= int(value) <= dt.date.today().year + 1 else _("Write the year it was put in service, e.g. 2019.")


class EquipmentCatalog(Catalog[EquipmentItem]):
    model = EquipmentItem
    kind = "equipment"
    title = N_("Equipment")
    singular = N_("Device")
    columns = [
        # The department is in the form: the list keeps what is scanned for (which device, where, working?).
        Column("name", N_("Name"), 250),
        Column("category", N_("Category"), 170, sortable=False),
        Column("facility", N_("Facility"), 170, sortable=False),
        Column("status", N_("Status"), 106, fixed=True),
        Column("last_maintenance", N_("Maintained"), 96, fixed=True),
    ]
    fields = [
        FieldSpec("facility", N_("Facility"), "choice", required=True, choices=facility_choices),
        FieldSpec("name", N_("Name"), required=True, hint=N_("e.g. Máy lọc máu liên tục Prismaflex.")),
        FieldSpec("category", N_("Category"), "choice", choices=terms.category_choices,
                  hint=N_("The category lets checklists count this device.")),
        FieldSpec("model", N_("Model"), max_length=200),
        FieldSpec("serial", N_("Serial number"), max_length=100),
        FieldSpec("department", N_("Department"), max_length=200),
        FieldSpec("year", N_("Year in service"), "int", check=_check_year),
        FieldSpec("funding_source", N_("Funding source"), "choice", choices=terms.funding_choices),
        FieldSpec("status", N_("Status"), "choice", required=True, choices=terms.equipment_status_choices),
        FieldSpec("last_maintenance", N_("Last maintenance"), "date"),
        FieldSpec("notes", N_("Notes"), "multiline"),
    ]
    filters = [
        FilterSpec("facility", N_("Facility"), facility_choices),
        FilterSpec("category", N_("Category"), terms.category_choices),
        FilterSpec("status", N_("Status"), terms.equipment_status_choices),
    ]

    def base_query(self) -> Any:
        return (EquipmentItem.select(EquipmentItem, Facility).join(Facility, on=(EquipmentItem.facility == Facility.id))
                .where(EquipmentItem.deleted == False))  # noqa: E712

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "facility":
            return EquipmentItem.facility == parse_id(value)
        if name == "category":
            return EquipmentItem.category == value
        if name == "status":
            return EquipmentItem.status == value
        return None

    def to_row(self, record: EquipmentItem) -> dict[str, Any]:
        return {
            "id": str(record.id), "name": record.name, "category": terms.category_label(record.category) if record.category else "",
            "facility": record.facility.short_name or record.facility.name, "department": record.department,
            "status": terms.label(terms.EQUIPMENT_STATUS, record.status), "last_maintenance": format_date(record.last_maintenance),
        }

    def apply(self, record: EquipmentItem, values: dict[str, Any]) -> None:
        super().apply(record, {**values, "facility": uuid.UUID(values["facility"])})

    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors: list[FieldError] = []
        serial = values.get("serial", "")
        if serial:
            same = EquipmentItem.live().where(EquipmentItem.facility == uuid.UUID(values["facility"]), EquipmentItem.serial == serial)
            if record_id is not None:
                same = same.where(EquipmentItem.id != record_id)
            if same.exists():
                errors.append(self.duplicate_error("serial", N_("Serial number"), serial))
        return errors
