"""Conflicts: a record changed at two sites without either knowing of the other's change. The import
kept both versions and shows the deterministic winner; here a person keeps one, or picks field by
field. The decision is an ordinary local edit, so it travels to the other sites and settles it there.
"""
from __future__ import annotations

import importlib
import json
import uuid
from functools import cache
from dataclasses import dataclass
from typing import Any

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.models import SyncConflict, utcnow
from hospitaldesk.errors import HospitalDeskError, NotFoundError
from hospitaldesk.i18n import _
from hospitaldesk.services import authority
from hospitaldesk.services.sync.records import BOOKKEEPING, FROZEN, model_for, table_label

KEEP_MINE, KEEP_THEIRS, BY_FIELD = "mine", "theirs", "fields"
# What names a record for a person, in the order tried.
LABEL_FIELDS = ("number", "full_name", "name", "title", "code", "subject", "file_name")
# Where each table's form fields (and their labels) are defined: a conflict names fields as the forms do.
FORMS: dict[str, tuple[str, ...]] = {
    "staff": ("hospitaldesk.services.staff:STAFF_FIELDS",),
    "staff_departure": ("hospitaldesk.services.staff:DEPARTURE_FIELDS", "hospitaldesk.services.staff:RETURN_FIELDS"),
    "agreement": ("hospitaldesk.services.agreements:HEADER_FIELDS",),
    "agreement_technique": ("hospitaldesk.services.agreements:LINE_FIELDS",),
    "amendment": ("hospitaldesk.services.amendments:FIELDS",),
    "template_item": ("hospitaldesk.services.readiness_templates:ITEM_FIELDS",),
    "assessment": ("hospitaldesk.services.assessments:NEW_FIELDS",),
    "enrollment": ("hospitaldesk.services.enrollments:ENROLLMENT_FIELDS",),
    "gap_action": ("hospitaldesk.services.gaps:FIELDS",),
    "facility": ("hospitaldesk.services.facilities:FacilityCatalog.fields",),
    "equipment_item": ("hospitaldesk.services.equipment:EquipmentCatalog.fields",),
    "province": ("hospitaldesk.services.provinces:ProvinceCatalog.fields",),
    "specialty": ("hospitaldesk.services.specialties:SpecialtyCatalog.fields",),
    "technique": ("hospitaldesk.services.techniques:TechniqueCatalog.fields",),
    "case_log": ("hospitaldesk.services.case_logs:FIELDS",),
    "network": ("hospitaldesk.services.networks:NETWORK_FIELDS",),
    "network_member": ("hospitaldesk.services.networks:MEMBER_FIELDS",),
    "review": ("hospitaldesk.services.review_drafts:FIELDS",),
}


@dataclass(frozen=True)
class FieldDifference:
    field: str  # the column
    mine: Any
    theirs: Any
    label: str = ""  # as the record's form calls it

    @property
    def shown_label(self) -> str:
        return self.label or self.field


@cache
def _form_labels(table: str) -> dict[str, str]:
    """Column -> the msgid of its label in the table's form ("department" -> "Department")."""
    labels: dict[str, str] = {}
    for where in FORMS.get(table, ()):
        module_name, attribute = where.split(":")
        found: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            found = getattr(found, part)
        for spec in found:
            labels.setdefault(spec.name, spec.label)
            labels.setdefault(f"{spec.name}_id", spec.label)
    return labels


def field_label(table: str, column: str) -> str:
    label = _form_labels(table).get(column)
    return _(label) if label else column


@dataclass(frozen=True)
class Conflict:
    id: int
    table: str
    table_label: str
    record_id: str
    record_label: str
    winner: str  # "mine" | "theirs": what the record shows until decided
    detected_at: str
    theirs_from: str  # the site id that made the other version
    differences: list[FieldDifference]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "table": self.table, "record_id": self.record_id, "record": self.record_label,
                "winner": self.winner, "detected_at": self.detected_at, "theirs_from": self.theirs_from,
                "differences": [{"field": d.field, "label": d.shown_label, "mine": d.mine, "theirs": d.theirs} for d in self.differences]}


def _label(version: dict[str, Any]) -> str:
    for name in LABEL_FIELDS:
        if version.get(name):
            return str(version[name])
    return str(version.get("id", ""))


def differences(mine: dict[str, Any], theirs: dict[str, Any], table: str = "") -> list[FieldDifference]:
    keys = sorted((mine.keys() | theirs.keys()) - BOOKKEEPING - {"id"})
    return [FieldDifference(k, mine.get(k), theirs.get(k), field_label(table, k) if table else "")
            for k in keys if mine.get(k) != theirs.get(k)]


def _as_conflict(row: SyncConflict) -> Conflict:
    mine, theirs = json.loads(row.mine), json.loads(row.theirs)
    return Conflict(id=row.id, table=row.table_name, table_label=table_label(row.table_name), record_id=row.record_id,
                    record_label=_label(theirs if row.winner == "theirs" else mine), winner=row.winner,
                    detected_at=row.detected_at.isoformat(sep=" ", timespec="minutes"),
                    theirs_from=str(theirs.get("last_site") or ""), differences=differences(mine, theirs, row.table_name))


def open_conflicts() -> list[Conflict]:
    rows = SyncConflict.select().where(SyncConflict.resolved_at.is_null()).order_by(SyncConflict.detected_at, SyncConflict.id)
    return [_as_conflict(r) for r in rows]


def count_open() -> int:
    return int(SyncConflict.select().where(SyncConflict.resolved_at.is_null()).count())


def resolve(conflict_id: int, choice: str, fields: dict[str, str] | None = None) -> None:
    """Settle a conflict: keep `mine`, keep `theirs`, or (`fields`) pick per field {field: "mine"|"theirs"}.
    The chosen values are written as a new local edit of the record, which outranks both versions."""
    authority.require("edit")
    row = SyncConflict.get_or_none(SyncConflict.id == conflict_id)
    if row is None or row.resolved_at is not None:
        raise NotFoundError(_("This conflict was already settled."))
    mine, theirs = json.loads(row.mine), json.loads(row.theirs)
    if choice == KEEP_MINE:
        chosen = {d.field: d.mine for d in differences(mine, theirs)}
    elif choice == KEEP_THEIRS:
        chosen = {d.field: d.theirs for d in differences(mine, theirs)}
    elif choice == BY_FIELD and fields is not None:
        chosen = {d.field: (d.theirs if fields.get(d.field) == KEEP_THEIRS else d.mine) for d in differences(mine, theirs)}
    else:
        raise ValueError(f"unknown choice {choice!r}")
    model = model_for(row.table_name)
    if model is None:
        raise HospitalDeskError(_("This version of HospitalDesk does not know the table of this conflict."))
    table = model._meta.table_name
    current = database.execute_sql(f'SELECT content_hash FROM "{table}" WHERE id = ?', (row.record_id,)).fetchone() \
        if table in FROZEN else None
    if current and current[0] and any(f in chosen for f in FROZEN[table]):
        raise HospitalDeskError(_("The signed text of a contract cannot be changed; keep the signed version and record changes as an amendment."))
    user = authority.current_user()
    with atomic():
        seq = stamping.next_change_seq()
        values = {**chosen, "updated_at": model.updated_at.db_value(utcnow()),
                  "last_site": uuid.UUID(str(stamping.local_site_id())).hex, "change_seq": seq}
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        database.execute_sql(f'UPDATE "{table}" SET {assignments} WHERE id = ?', (*values.values(), row.record_id))
        SyncConflict.update(resolved_at=utcnow(), resolution=choice, resolved_by=user.username if user else "").where(
            SyncConflict.id == row.id).execute()
