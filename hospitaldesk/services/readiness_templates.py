"""Checklist templates: the starter list of every shipped technique, and versions.

A technique's current checklist is its highest version. Editing a version no finished
assessment uses changes it in place; editing one that a finished assessment used makes
the next version, so that assessment keeps the list it was scored on.
"""
from __future__ import annotations

import uuid
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import (
    REFERENCE_SITE,
    Assessment,
    ChecklistTemplate,
    TemplateItem,
    Technique,
    reference_id,
    utcnow,
)
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import FieldSpec, validate

ITEM_FIELDS: list[FieldSpec] = [
    FieldSpec("domain", N_("Domain"), "choice", required=True, choices=terms.domain_choices),
    FieldSpec("text", N_("Item"), required=True, max_length=300),
    FieldSpec("quantity", N_("Quantity required"), "int", required=True),
    FieldSpec("critical", N_("Critical (blocks readiness when missing)"), "bool"),
    FieldSpec("weight", N_("Weight"), "int", required=True, hint=N_("1 normally, 2 or 3 for important items.")),
    FieldSpec("available_means", N_("Counts as available when"), max_length=300),
    FieldSpec("equipment_category", N_("Equipment category"), "choice", choices=terms.category_choices,
              hint=N_("Links the item to the equipment inventory, so answers can be prefilled.")),
]
CODE_PREFIX = {"equipment": "EQ", "infrastructure": "IN", "human_resources": "HR", "medicines_supplies": "MS", "procedures": "PR"}


def _starter_for(technique: Technique) -> dict[str, Any] | None:
    for template in terms.starter_templates().get("templates", []):
        if template.get("technique") == technique.code:
            return dict(template)
    return None


def _create_starter(technique: Technique) -> ChecklistTemplate | None:
    """Version 1 from the shipped list, with ids every site computes alike (sync never doubles it)."""
    starter = _starter_for(technique)
    if starter is None:
        return None
    template_id = reference_id("readiness-template", f"{technique.code}:v1")
    now = utcnow()
    bookkeeping = {"created_at": now, "updated_at": now, "last_site": REFERENCE_SITE, "change_seq": 0, "deleted": False}
    ChecklistTemplate.insert(id=template_id, technique=technique.id, version=1, notes="", **bookkeeping).execute()
    rows = [
        {**bookkeeping, "id": reference_id("readiness-item", f"{technique.code}:v1:{item['code']}"), "template": template_id,
         "position": position, "code": item["code"], "domain": item["domain"], "text": text.nfc(item["text"]),
         "quantity": int(item.get("quantity", 1)), "critical": bool(item.get("critical")), "weight": int(item.get("weight", 1)),
         "available_means": text.nfc(item.get("available_means", "")), "equipment_category": item.get("equipment_category", "")}
        for position, item in enumerate(starter["items"])
    ]
    for start in range(0, len(rows), 200):
        TemplateItem.insert_many(rows[start:start + 200]).execute()
    return ChecklistTemplate.get_by_id(template_id)


def starter_ids() -> dict[str, str]:
    """The ids (hex) of every shipped starter checklist and its items, each with its technique's id:
    a record from another site may point to one this site has not put in place yet (sync)."""
    found: dict[str, str] = {}
    for technique in Technique.select(Technique.id, Technique.code):
        starter = _starter_for(technique)
        if starter is None:
            continue
        found[reference_id("readiness-template", f"{technique.code}:v1").hex] = technique.id.hex
        for item in starter["items"]:
            found[reference_id("readiness-item", f"{technique.code}:v1:{item['code']}").hex] = technique.id.hex
    return found


def put_starters_in_place(technique_ids: set[str]) -> None:
    """The shipped starter checklist of each technique, where it is not in place yet (inside the caller's transaction)."""
    for technique in Technique.select().where(Technique.id.in_([uuid.UUID(t) for t in technique_ids])):
        template_id = reference_id("readiness-template", f"{technique.code}:v1")
        if ChecklistTemplate.get_or_none(ChecklistTemplate.id == template_id) is None:
            _create_starter(technique)


def current_template(technique_id: str | uuid.UUID) -> ChecklistTemplate | None:
    """The technique's newest checklist; the shipped starter list is put in place the first time."""
    key = parse_id(technique_id)
    found = (ChecklistTemplate.live().where(ChecklistTemplate.technique == key)
             .order_by(ChecklistTemplate.version.desc()).first())
    if found is not None:
        return found
    technique = Technique.get_or_none(Technique.id == key)
    if technique is None:
        raise NotFoundError(_("No such record: {id}").format(id=technique_id))
    with atomic("automatic"):  # shipped data put in place, whoever is reading
        return _create_starter(technique)


def items_of(template_id: uuid.UUID) -> list[TemplateItem]:
    return list(TemplateItem.live().where(TemplateItem.template == template_id).order_by(TemplateItem.position))


def item_values(item: TemplateItem) -> dict[str, Any]:
    return {"id": str(item.id), "code": item.code, "domain": item.domain, "text": item.text, "quantity": str(item.quantity),
            "critical": bool(item.critical), "weight": str(item.weight), "available_means": item.available_means,
            "equipment_category": item.equipment_category}


def get(technique_id: str | uuid.UUID) -> dict[str, Any]:
    """The current checklist of a technique as form values: version and items."""
    template = current_template(technique_id)
    if template is None:
        return {"id": "", "version": 0, "items": []}
    return {"id": str(template.id), "version": template.version, "items": [item_values(i) for i in items_of(template.id)]}


def _used_by_final(template_id: uuid.UUID) -> bool:
    return bool(Assessment.live().where(Assessment.template == template_id, Assessment.status == "final").exists())


def save(technique_id: str | uuid.UUID, raw_items: list[dict[str, Any]]) -> str:
    """Save the checklist of a technique (one transaction). Returns the id of the version written."""
    errors: list[FieldError] = []
    cleaned: list[dict[str, Any]] = []
    for row, raw in enumerate(raw_items, start=1):
        try:
            values = validate(ITEM_FIELDS, raw, row=row)
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if values["quantity"] < 1:
            errors.append(FieldError("quantity", _("Quantity required"), _("Write a number of 1 or more."), row))
        if not 1 <= values["weight"] <= 3:
            errors.append(FieldError("weight", _("Weight"), _("The weight is 1, 2 or 3."), row))
        values["id"], values["code"] = raw.get("id") or "", raw.get("code") or ""
        cleaned.append(values)
    if not raw_items:
        errors.append(FieldError("items", _("Items"), _("A checklist needs at least one item.")))
    if errors:
        raise ValidationError(errors)
    with atomic():
        template = current_template(technique_id)
        if template is None or _used_by_final(template.id):
            version = (template.version + 1) if template is not None else 1
            template = ChecklistTemplate.create(id=uuid.uuid4(), technique=parse_id(technique_id), version=version)
            existing: dict[uuid.UUID, TemplateItem] = {}
        else:
            existing = {item.id: item for item in items_of(template.id)}
        kept: set[uuid.UUID] = set()
        used_codes: set[str] = set()
        for position, values in enumerate(cleaned):
            item_id = _uuid(values["id"])
            item = existing.get(item_id) if item_id else None
            new = item is None
            if item is None:
                item = TemplateItem(id=uuid.uuid4(), template=template.id)
            else:
                kept.add(item.id)
            code = values["code"] if values["code"] and values["code"] not in used_codes else _next_code(values["domain"], used_codes)
            used_codes.add(code)
            item.code, item.position = code, position
            for name in ("domain", "text", "quantity", "critical", "weight", "available_means", "equipment_category"):
                setattr(item, name, values[name])
            item.save(force_insert=new)
        for item_id, item in existing.items():
            if item_id not in kept:
                item.deleted = True
                item.save()
        template.save()  # its change travels with the items
    return str(template.id)


def _next_code(domain: str, used: set[str]) -> str:
    prefix = CODE_PREFIX.get(domain, "IT")
    n = 1
    while f"{prefix}-{n:02d}" in used:
        n += 1
    return f"{prefix}-{n:02d}"


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
