"""The catalogue of advanced techniques that can be transferred."""
from __future__ import annotations

import uuid
from typing import Any

from peewee import Expression

from hospitaldesk.db.models import Agreement, AgreementTechnique, Specialty, Technique
from hospitaldesk.errors import FieldError
from hospitaldesk.i18n import N_, ngettext
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import Choice, Column, FieldSpec, FilterSpec
from hospitaldesk.services.labels import localized_name, yes_no
from hospitaldesk.services.specialties import specialty_choices


def technique_choices() -> list[Choice]:
    query = Technique.live().order_by(Technique.name)
    return [Choice(str(t.id), localized_name(t)) for t in query]


class TechniqueCatalog(Catalog[Technique]):
    model = Technique
    kind = "technique"
    title = N_("Techniques")
    singular = N_("Technique")
    columns = [
        Column("code", N_("Code"), 120),
        Column("name", N_("Name"), 420),
        Column("specialty", N_("Specialty"), 230),
        Column("moh_code", N_("MoH code"), 110),
        Column("needs_moh_approval", N_("Needs MoH approval"), 150, anchor="center"),
    ]
    fields = [
        FieldSpec("code", N_("Code"), required=True, max_length=40),
        FieldSpec("name", N_("Name"), required=True),
        FieldSpec("name_en", N_("English name")),
        FieldSpec("specialty", N_("Specialty"), "choice", required=True, choices=specialty_choices),
        FieldSpec("moh_code", N_("MoH code"), max_length=40, hint=N_("Code in the Ministry of Health list (Thông tư 23/2024/TT-BYT), if known.")),
        FieldSpec("needs_moh_approval", N_("Needs MoH approval"), "bool"),
        FieldSpec("description", N_("Description"), "multiline"),
    ]
    filters = [FilterSpec("specialty", N_("Specialty"), specialty_choices)]

    def base_query(self) -> Any:
        return Technique.select(Technique, Specialty).join(Specialty).where(Technique.deleted == False)  # noqa: E712

    def sort_fields(self) -> dict[str, Any]:
        fields = super().sort_fields()
        fields["specialty"] = Specialty.search_key
        return fields

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "specialty":
            return Technique.specialty == uuid.UUID(value)
        return None

    def to_row(self, record: Technique) -> dict[str, Any]:
        return {
            "id": str(record.id),
            "code": record.code,
            "name": localized_name(record),
            "specialty": localized_name(record.specialty),
            "moh_code": record.moh_code,
            "needs_moh_approval": yes_no(record.needs_moh_approval),
        }


    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors = []
        if self.is_taken(Technique.code, values["code"], record_id, include_deleted=True):
            errors.append(self.duplicate_error("code", N_("Code"), values["code"]))
        if self.is_taken(Technique.name, values["name"], record_id):
            errors.append(self.duplicate_error("name", N_("Name"), values["name"]))
        return errors

    def delete_blocker(self, record: Technique) -> str | None:
        using = AgreementTechnique.select(AgreementTechnique.agreement).where(
            AgreementTechnique.technique == record.id, AgreementTechnique.deleted == False)  # noqa: E712
        used = Agreement.live().where(Agreement.id.in_(using)).count()
        if used:
            return ngettext("{count} agreement transfers this technique; it cannot be deleted.", "{count} agreements transfer this technique; it cannot be deleted.", used).format(count=used)
        return None
