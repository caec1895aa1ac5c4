"""The reference catalogues by name, for the CLI ('list facilities') and the GUI's navigation."""
from __future__ import annotations

import importlib
from typing import Any

from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import ListQuery

# name -> "module:Class", imported when first asked for: the window opens on the agreements, and
# the staff and equipment catalogues (with what they import) are not needed for that (cold start).
CATALOGS: dict[str, str] = {
    "facilities": "hospitaldesk.services.facilities:FacilityCatalog",
    "equipment": "hospitaldesk.services.equipment:EquipmentCatalog",
    "provinces": "hospitaldesk.services.provinces:ProvinceCatalog",
    "specialties": "hospitaldesk.services.specialties:SpecialtyCatalog",
    "techniques": "hospitaldesk.services.techniques:TechniqueCatalog",
    "staff": "hospitaldesk.services.staff:StaffCatalog",
}


def catalog(name: str) -> Catalog[Any]:
    module_name, class_name = CATALOGS[name].split(":")
    cls: type[Catalog[Any]] = getattr(importlib.import_module(module_name), class_name)
    return cls()


def all_rows(name: str, search: str = "") -> list[dict[str, Any]]:
    """Every row of a catalogue (page by page, so memory stays flat)."""
    cat = catalog(name)
    rows: list[dict[str, Any]] = []
    page = 0
    while True:
        result = cat.list_page(ListQuery(search=search, page=page, page_size=1000))
        rows.extend(result.rows)
        if page + 1 >= result.page_count:
            return rows
        page += 1
