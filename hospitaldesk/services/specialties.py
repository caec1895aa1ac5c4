"""Medical specialties (Sản, Nhi, Tim mạch can thiệp...)."""
from __future__ import annotations

import uuid
from typing import Any

from hospitaldesk.db.models import Specialty, Technique
from hospitaldesk.errors import FieldError
from hospitaldesk.i18n import N_, ngettext
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import Choice, Column, FieldSpec
from hospitaldesk.services.labels import localized_name


def specialty_choices() -> list[Choice]:
    return [Choice(str(s.id), localized_name(s)) for s in Specialty.live().order_by(Specialty.name)]


class SpecialtyCatalog(Catalog[Specialty]):
    model = Specialty
    kind = "specialty"
    title = N_("Specialties")
    singular = N_("Specialty")
    columns = [
        Column("code", N_("Code"), 140),
        Column("name", N_("Name"), 320),
        Column("name_en", N_("English name"), 300),
    ]
    fields = [
        FieldSpec("code", N_("Code"), required=True, max_length=40),
        FieldSpec("name", N_("Name"), required=True, max_length=200),
        FieldSpec("name_en", N_("English name"), max_length=200),
    ]

    def to_row(self, record: Specialty) -> dict[str, Any]:
        return {"id": str(record.id), "code": record.code, "name": record.name, "name_en": record.name_en}


    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors = []
        if self.is_taken(Specialty.code, values["code"], record_id, include_deleted=True):
            errors.append(self.duplicate_error("code", N_("Code"), values["code"]))
        if self.is_taken(Specialty.name, values["name"], record_id):
            errors.append(self.duplicate_error("name", N_("Name"), values["name"]))
        return errors

    def delete_blocker(self, record: Specialty) -> str | None:
        used = Technique.live().where(Technique.specialty == record.id).count()
        if used:
            return ngettext(
                "{count} technique belongs to this specialty; move it first.",
                "{count} techniques belong to this specialty; move them first.",
                used,
            ).format(count=used)
        return None
