"""Helpers for the catalogue tests: find shipped rows by name, build valid form values."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hospitaldesk import text
from hospitaldesk.db.models import Facility, Province
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.forms import ListQuery

FormFactory = Callable[..., dict[str, Any]]


def province(name: str, *, former: bool = False) -> Province:
    """The shipped province called `name`: the unit in force today, or the one abolished in 2025."""
    matches = [p for p in Province.live() if text.fold(p.name) == text.fold(name) and (p.valid_to is not None) == former]
    assert len(matches) == 1, f"expected one {'former' if former else 'current'} province {name!r}, found {len(matches)}"
    return matches[0]


def facility_by_code(code: str) -> Facility:
    return Facility.get(Facility.code == code)


def names(cat: Catalog[Any], search: str = "", **filters: str) -> list[str]:
    """Names of every row a search (and filters) finds, in list order."""
    page = cat.list_page(ListQuery(search=search, filters=filters, page_size=1000))
    assert page.total == len(page.rows)
    return [row["name"] for row in page.rows]


@pytest.fixture
def facility_form(site_store: object) -> FormFactory:
    """Valid form values for a new facility in former Sóc Trăng; keyword arguments override fields."""

    def make(**overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": "Trung tâm Y tế huyện Kế Sách",
            "short_name": "TTYT Kế Sách",
            "code": "ST-TTYT-KESACH",
            "kind": "district",
            "ownership": "public",
            "province": str(province("Sóc Trăng", former=True).id),
            "address": "Ấp An Thành, xã Kế Sách",
            "phone": "0299 3876 123",
            "notes": "",
        }
        values.update(overrides)
        return values

    return make


@pytest.fixture
def facilities(site_store: object) -> Catalog[Any]:
    return catalog("facilities")


@pytest.fixture
def provinces(site_store: object) -> Catalog[Any]:
    return catalog("provinces")


@pytest.fixture
def specialties(site_store: object) -> Catalog[Any]:
    return catalog("specialties")


@pytest.fixture
def techniques(site_store: object) -> Catalog[Any]:
    return catalog("techniques")


# --- agreements -------------------------------------------------------------------------


def technique_id(code: str) -> str:
    from hospitaldesk.db.models import Technique

    return str(Technique.get(Technique.code == code).id)


def agreement_line(code: str = "PT-TIM-HO", **overrides: Any) -> dict[str, Any]:
    """Valid raw values of one technique line, as the form sends them."""
    values: dict[str, Any] = {
        "technique": technique_id(code), "start": "01/08/2025", "end": "31/01/2026", "trainees_planned": "6",
        "training_place": "Bệnh viện Đại học Y Dược TP.HCM", "duration": "6 tháng", "support_mode": "at_a",
        "cost": "1.250.000.000", "payer": "b",
    }
    values.update(overrides)
    return values


@pytest.fixture
def agreement_form(site_store: object) -> FormFactory:
    """Valid header values of a new draft (ĐHYD → Sóc Trăng); keyword arguments override fields."""
    from hospitaldesk.services import agreements

    def make(**overrides: Any) -> dict[str, Any]:
        values = agreements.new_agreement("1")
        values.update(
            title="Phẫu thuật tim hở và can thiệp tim mạch",
            party_a=str(facility_by_code("HCM-DHYD").id), party_b=str(facility_by_code("ST-BVDK").id),
            a_representative="Nguyễn Văn An", a_position="Giám đốc",
            b_representative="Trần Thị Bình", b_position="Giám đốc", sign_place="Sóc Trăng",
        )
        values.update(overrides)
        return values

    return make


@pytest.fixture
def draft_id(agreement_form: FormFactory) -> str:
    """A saved draft with two technique lines."""
    from hospitaldesk.services import agreements

    return agreements.save_draft(agreement_form(), [agreement_line("PT-TIM-HO"), agreement_line("TM-PCI", support_mode="onsite")])


@pytest.fixture
def signed_id(draft_id: str) -> str:
    from hospitaldesk.services import agreement_lifecycle

    agreement_lifecycle.change_status(draft_id, "signed", "21/07/2025")
    return draft_id
