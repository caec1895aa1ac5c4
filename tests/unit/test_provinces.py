"""Provinces before and after the merger of 1 July 2025."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from hospitaldesk.db.models import Province
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import provinces as province_service
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import names, province


def new_province_form(**overrides: str) -> dict[str, str]:
    values = {"code": "99", "name": "Tỉnh Thử", "kind": "province", "region": "mekong", "valid_from": "", "valid_to": "", "successor": ""}
    values.update(overrides)
    return values


def delete_refused(cat: Catalog[Any], record_id: object) -> ValidationError:
    live_before = Province.live().count()
    with pytest.raises(ValidationError) as caught:
        cat.delete(record_id)  # type: ignore[arg-type]
    assert Province.live().count() == live_before
    return caught.value


# --- listing ------------------------------------------------------------------------------


def test_all_units_are_listed(provinces: Catalog[Any]) -> None:
    assert provinces.list_page(ListQuery()).total == Province.live().count() >= 27


def test_period_current_lists_only_units_in_force(provinces: Catalog[Any]) -> None:
    rows = provinces.list_page(ListQuery(filters={"period": "current"}, page_size=1000)).rows
    assert len(rows) >= 8
    assert {r["status"] for r in rows} == {"Current"}
    assert "Cần Thơ" in [r["name"] for r in rows]
    assert "Sóc Trăng" not in [r["name"] for r in rows]


def test_period_former_lists_only_abolished_units(provinces: Catalog[Any]) -> None:
    rows = provinces.list_page(ListQuery(filters={"period": "former"}, page_size=1000)).rows
    assert len(rows) >= 19
    assert "Current" not in {r["status"] for r in rows}
    assert "Sóc Trăng" in [r["name"] for r in rows]


def test_a_former_province_row_says_when_and_into_what_it_merged(provinces: Catalog[Any]) -> None:
    row = next(r for r in provinces.list_page(ListQuery(search="soc trang", page_size=1000)).rows if r["name"] == "Sóc Trăng")
    assert row["status"] == "Merged into Cần Thơ (30/06/2025)"


def test_filter_by_region(provinces: Catalog[Any]) -> None:
    rows = provinces.list_page(ListQuery(filters={"region": "southeast"}, page_size=1000)).rows
    assert rows
    assert {r["region"] for r in rows} == {"Southeast"}
    assert "Sóc Trăng" not in [r["name"] for r in rows]


def test_search_finds_a_province_without_accents(provinces: Catalog[Any]) -> None:
    assert names(provinces, "soc trang") == ["Sóc Trăng"]


def test_search_by_the_new_name_finds_the_units_merged_into_it(provinces: Catalog[Any]) -> None:
    found = names(provinces, "can tho")
    assert {"Cần Thơ", "Sóc Trăng", "Hậu Giang"} <= set(found)


def test_search_by_code(provinces: Catalog[Any]) -> None:
    assert names(provinces, "94") == ["Sóc Trăng"]


# --- the merger helpers -------------------------------------------------------------------


@pytest.mark.usefixtures("site_store")
def test_with_predecessors_covers_the_units_merged_in() -> None:
    can_tho = province("Cần Thơ")
    covered = set(province_service.with_predecessors(can_tho.id))
    expected = {can_tho.id, province("Cần Thơ", former=True).id, province("Sóc Trăng", former=True).id, province("Hậu Giang", former=True).id}
    assert covered == expected


@pytest.mark.usefixtures("site_store")
def test_with_predecessors_of_a_former_unit_is_itself() -> None:
    soc_trang = province("Sóc Trăng", former=True)
    assert province_service.with_predecessors(soc_trang.id) == [soc_trang.id]


@pytest.mark.usefixtures("site_store")
def test_current_successor_of_soc_trang_is_can_tho() -> None:
    assert province_service.current_successor(province("Sóc Trăng", former=True)).id == province("Cần Thơ").id


@pytest.mark.usefixtures("site_store")
def test_current_successor_of_a_current_unit_is_itself() -> None:
    can_tho = province("Cần Thơ")
    assert province_service.current_successor(can_tho).id == can_tho.id


@pytest.mark.usefixtures("site_store")
@pytest.mark.parametrize("query", ["Cần Thơ", "can tho", "CẦN THƠ"])
def test_resolve_prefers_the_unit_in_force(query: str) -> None:
    found = province_service.resolve(query)
    assert found is not None and found.id == province("Cần Thơ").id


@pytest.mark.usefixtures("site_store")
def test_resolve_finds_a_former_unit_by_code() -> None:
    found = province_service.resolve("94")
    assert found is not None and found.name == "Sóc Trăng"


@pytest.mark.usefixtures("site_store")
def test_resolve_of_an_unknown_name_is_none() -> None:
    assert province_service.resolve("Atlantis") is None


@pytest.mark.usefixtures("site_store")
def test_label_of_a_former_province_names_its_end_date_and_successor() -> None:
    label = province_service.province_label(province("Sóc Trăng", former=True), province("Cần Thơ"))
    assert label == "Sóc Trăng (to 30/06/2025, now Cần Thơ)"


@pytest.mark.usefixtures("site_store")
def test_label_of_a_former_unit_succeeded_by_a_namesake_gives_only_the_end_date() -> None:
    label = province_service.province_label(province("Cần Thơ", former=True), province("Cần Thơ"))
    assert label == "Cần Thơ (to 30/06/2025)"


@pytest.mark.usefixtures("site_store")
def test_label_of_a_current_province_is_its_name() -> None:
    assert province_service.province_label(province("Cần Thơ")) == "Cần Thơ"


@pytest.mark.usefixtures("site_store")
def test_choices_list_current_units_before_former_ones() -> None:
    by_id = {p.id: p for p in Province.live()}
    order = [by_id[uuid.UUID(c.value)].valid_to is not None for c in province_service.province_choices()]
    assert order == sorted(order)
    assert len(order) == len(by_id)


# --- save and validation ------------------------------------------------------------------


def test_a_new_province_is_saved_and_read_back(provinces: Catalog[Any]) -> None:
    record_id = provinces.save(new_province_form(valid_from="01/07/2025"))
    assert provinces.get(record_id)["valid_from"] == "01/07/2025"
    assert Province.get_by_id(record_id).valid_from == dt.date(2025, 7, 1)


def test_a_duplicate_province_code_is_refused(provinces: Catalog[Any]) -> None:
    before = Province.select().count()
    with pytest.raises(ValidationError) as caught:
        provinces.save(new_province_form(code="94"))
    assert caught.value.for_field("code") is not None
    assert Province.select().count() == before


def test_an_end_date_before_the_start_date_is_refused(provinces: Catalog[Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        provinces.save(new_province_form(valid_from="01/07/2025", valid_to="30/06/2025"))
    assert caught.value.for_field("valid_to") is not None


def test_a_province_cannot_be_merged_into_itself(provinces: Catalog[Any]) -> None:
    record_id = provinces.save(new_province_form())
    with pytest.raises(ValidationError) as caught:
        provinces.save(new_province_form(successor=record_id), record_id=record_id)
    assert caught.value.for_field("successor") is not None
    assert Province.get_by_id(record_id).successor_id is None


def test_a_merger_cycle_is_refused(provinces: Catalog[Any]) -> None:
    x = provinces.save(new_province_form(code="X1", name="Tỉnh X"))
    y = provinces.save(new_province_form(code="Y1", name="Tỉnh Y", valid_to="30/06/2025", successor=x))
    with pytest.raises(ValidationError) as caught:
        provinces.save(new_province_form(code="X1", name="Tỉnh X", successor=y), record_id=x)
    assert caught.value.for_field("successor") is not None


# --- delete -------------------------------------------------------------------------------


def test_deleting_a_province_with_facilities_is_refused(provinces: Catalog[Any]) -> None:
    error = delete_refused(provinces, province("Sóc Trăng", former=True).id)
    assert "facilit" in error.message
    assert error.errors[0].field == "id"


def test_deleting_a_province_others_were_merged_into_is_refused(provinces: Catalog[Any]) -> None:
    target = provinces.save(new_province_form())
    provinces.save(new_province_form(code="98", name="Tỉnh Cũ", valid_to="30/06/2025", successor=target))
    error = delete_refused(provinces, target)
    assert "merged" in error.message


def test_an_unused_province_can_be_deleted(provinces: Catalog[Any]) -> None:
    record_id = provinces.save(new_province_form())
    provinces.delete(record_id)
    assert Province.get_by_id(record_id).deleted is True
    assert names(provinces, "tinh thu") == []
