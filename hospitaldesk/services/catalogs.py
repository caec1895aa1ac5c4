"""The reference catalogues by name, for the CLI ('list facilities') and the GUI's navigation."""
from __future__ import annotations

from typing import Any

from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.equipment import EquipmentCatalog
from hospitaldesk.services.facilities import FacilityCatalog
from hospitaldesk.services.forms import ListQuery
from hospitaldesk.services.provinces import ProvinceCatalog
from hospitaldesk.services.specialties import SpecialtyCatalog
from hospitaldesk.services.staff import StaffCatalog
from hospitaldesk.services.techniques import TechniqueCatalog

CATALOGS: dict[str, type[Catalog[Any]]] = {
    "facilities": FacilityCatalog,
    "equipment": EquipmentCatalog,
    "provinces": ProvinceCatalog,
    "specialties": SpecialtyCatalog,
    "techniques": TechniqueCatalog,
    "staff": StaffCatalog,
}


def catalog(name: str) -> Catalog[Any]:
    return CATALOGS[name]()


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
