"""Load the reference data shipped in assets/reference/*.json.

Rows get deterministic ids (uuid5 of their code), so every site holds the same
ids and sync never duplicates them. Loading only adds rows that are missing:
a user's edits to reference rows are never overwritten.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import REFERENCE_SITE, CatalogRecord, Facility, Province, Specialty, Technique, reference_id, utcnow
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _
from hospitaldesk.resources import reference_dir

FILES = ("provinces", "specialties", "facilities", "techniques")


def read_reference(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    path = (directory or reference_dir()) / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data[name]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(_("The reference file {path} is missing or damaged. Reinstall HospitalDesk.").format(path=path)) from exc
    return [{k: text.nfc(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


def _bookkeeping() -> dict[str, Any]:
    now = utcnow()
    return {"created_at": now, "updated_at": now, "last_site": REFERENCE_SITE, "change_seq": 0, "deleted": False}


def _insert_missing(model: type[CatalogRecord], rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose id is absent, then give each its search key (the model knows which fields)."""
    existing = {r.id for r in model.select(model.id).where(model.id.in_([row["id"] for row in rows]))} if rows else set()
    new_rows = [{**_bookkeeping(), **row} for row in rows if row["id"] not in existing]
    for start in range(0, len(new_rows), 200):
        model.insert_many(new_rows[start : start + 200]).execute()
    if new_rows:
        added = list(model.select().where(model.id.in_([row["id"] for row in new_rows])))
        for record in added:
            record.refresh_search_key()
        model.bulk_update(added, fields=[model.search_key], batch_size=200)
    return len(new_rows)


def load_reference(directory: Path | None = None) -> dict[str, int]:
    """Insert the shipped rows that are not in the database yet; returns counts added per table."""
    data = {name: read_reference(name, directory) for name in FILES}
    province_ids = {p["code"]: reference_id("province", p["code"]) for p in data["provinces"]}
    specialty_ids = {s["code"]: reference_id("specialty", s["code"]) for s in data["specialties"]}

    def province_id(code: str, owner: str) -> Any:
        if code not in province_ids:
            raise StoreError(_("The reference file refers to an unknown province code {code} ({owner}).").format(code=code, owner=owner))
        return province_ids[code]

    provinces = [
        {
            "id": province_ids[p["code"]],
            "code": p["code"],
            "name": p["name"],
            "kind": p["kind"],
            "region": p["region"],
            "valid_from": p.get("valid_from"),
            "valid_to": p.get("valid_to"),
            "successor": province_id(p["successor"], p["name"]) if p.get("successor") else None,
        }
        for p in data["provinces"]
    ]
    specialties = [
        {"id": specialty_ids[s["code"]], "code": s["code"], "name": s["name"], "name_en": s.get("name_en", "")}
        for s in data["specialties"]
    ]
    facilities = [
        {"id": reference_id("facility", f["code"]), "code": f["code"], "name": f["name"], "short_name": f.get("short_name", ""),
         "kind": f["kind"], "ownership": f.get("ownership", "public"), "province": province_id(f["province"], f["name"]),
         "address": f.get("address", ""), "phone": f.get("phone", ""), "notes": ""}
        for f in data["facilities"]
    ]
    for t in data["techniques"]:
        if t["specialty"] not in specialty_ids:
            raise StoreError(_("The reference file refers to an unknown specialty code {code} ({owner}).").format(code=t["specialty"], owner=t["name"]))
    techniques = [
        {"id": reference_id("technique", t["code"]), "code": t["code"], "name": t["name"], "name_en": t.get("name_en", ""),
         "specialty": specialty_ids[t["specialty"]], "moh_code": t.get("moh_code", ""),
         "needs_moh_approval": bool(t.get("needs_moh_approval")), "description": t.get("description", "")}
        for t in data["techniques"]
    ]
    with atomic():
        # Successors first: a province row may only point at one that exists.
        ordered = sorted(provinces, key=lambda p: p["successor"] is not None)
        return {
            "provinces": _insert_missing(Province, ordered),
            "specialties": _insert_missing(Specialty, specialties),
            "facilities": _insert_missing(Facility, facilities),
            "techniques": _insert_missing(Technique, techniques),
        }
