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
