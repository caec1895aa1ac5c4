"""The facilities catalogue: list, page, sort, filter, search without accents, save, validate, delete."""
from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import pytest

from hospitaldesk import text
from hospitaldesk.db.models import Facility
from hospitaldesk.errors import NotFoundError, ValidationError
from hospitaldesk.services.catalog import MAX_PAGE_SIZE, Catalog
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import FormFactory, names, province

CHO_RAY = "Bệnh viện Chợ Rẫy"
SOC_TRANG_HOSPITAL = "Bệnh viện Đa khoa tỉnh Sóc Trăng"


def save_refused(cat: Catalog[Any], values: dict[str, Any], record_id: str | None = None) -> ValidationError:
    """Save must fail with a ValidationError and leave the table exactly as it was."""
    before = Facility.select().count()
    with pytest.raises(ValidationError) as caught:
        cat.save(values, record_id)
    assert Facility.select().count() == before
    return caught.value


# --- listing and paging -------------------------------------------------------------------


def test_list_counts_every_live_facility(facilities: Catalog[Any]) -> None:
    page = facilities.list_page(ListQuery())
    assert page.total == Facility.live().count() >= 50
    assert len(page.rows) == min(page.total, 100)


def test_rows_carry_an_id_and_one_value_per_column(facilities: Catalog[Any]) -> None:
    row = facilities.list_page(ListQuery(page_size=1)).rows[0]
    assert set(row) == {"id"} | {c.key for c in facilities.columns}
    assert str(uuid.UUID(row["id"])) == row["id"]


def test_rows_show_translated_kind_and_ownership(facilities: Catalog[Any]) -> None:
    row = facilities.list_page(ListQuery(search="cho ray")).rows[0]
    assert row["kind"] == "End-line hospital"
    assert row["ownership"] == "Public"


def test_pages_split_the_list_without_overlap(facilities: Catalog[Any]) -> None:
    total = facilities.list_page(ListQuery()).total
    ids: list[str] = []
    page_count = facilities.list_page(ListQuery(page_size=7)).page_count
    for number in range(page_count):
        page = facilities.list_page(ListQuery(page=number, page_size=7))
        assert page.page == number
        ids.extend(row["id"] for row in page.rows)
    assert len(ids) == len(set(ids)) == total


def test_a_page_past_the_end_shows_the_last_page(facilities: Catalog[Any]) -> None:
    last = facilities.list_page(ListQuery(page_size=10)).page_count - 1
    page = facilities.list_page(ListQuery(page=999, page_size=10))
    assert page.page == last
    assert page.rows == facilities.list_page(ListQuery(page=last, page_size=10)).rows


def test_a_negative_page_shows_the_first_page(facilities: Catalog[Any]) -> None:
    assert facilities.list_page(ListQuery(page=-3, page_size=5)).page == 0


@pytest.mark.parametrize(("asked", "used"), [(0, 1), (-5, 1), (10**6, MAX_PAGE_SIZE)])
def test_page_size_is_kept_within_bounds(facilities: Catalog[Any], asked: int, used: int) -> None:
    assert facilities.list_page(ListQuery(page_size=asked)).page_size == used


# --- sorting ------------------------------------------------------------------------------


def test_default_order_is_alphabetical_ignoring_accents(facilities: Catalog[Any]) -> None:
    folded = [text.fold(name) for name in names(facilities)]
    assert folded == sorted(folded)  # "Bệnh viện Đa khoa …" before "Bệnh viện Từ Dũ", as a Vietnamese reader expects


def test_sort_by_code_ascending_and_descending(facilities: Catalog[Any]) -> None:
    ascending = [r["code"] for r in facilities.list_page(ListQuery(sort="code", page_size=1000)).rows]
    descending = [r["code"] for r in facilities.list_page(ListQuery(sort="code", descending=True, page_size=1000)).rows]
    assert ascending == sorted(ascending)
    assert descending == ascending[::-1]


def test_an_unknown_sort_key_falls_back_to_name(facilities: Catalog[Any]) -> None:
    rows = facilities.list_page(ListQuery(sort="id; DROP TABLE facility", page_size=1000)).rows
    assert [r["name"] for r in rows] == names(facilities)


def ordered_ids(cat: Catalog[Any], sort: str, descending: bool = False) -> list[str]:
    return [r["id"] for r in cat.list_page(ListQuery(sort=sort, descending=descending, page_size=1000)).rows]


def test_descending_name_order_is_the_reverse(facilities: Catalog[Any]) -> None:
    assert ordered_ids(facilities, "name", descending=True) == ordered_ids(facilities, "name")[::-1]


def test_sorting_by_province_is_alphabetical_ignoring_accents(facilities: Catalog[Any]) -> None:
    folded = [text.fold(Facility.get_by_id(uuid.UUID(i)).province.name) for i in ordered_ids(facilities, "province")]
    assert folded == sorted(folded)


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["cho ray", "CHỢ RẪY", "Cho Ray", "chợ rẫy", unicodedata.normalize("NFD", "Chợ Rẫy"), "  cho   RAY "])
def test_search_ignores_accents_and_case(facilities: Catalog[Any], query: str) -> None:
    assert names(facilities, query) == [CHO_RAY]


def test_search_finds_by_code(facilities: Catalog[Any]) -> None:
    assert names(facilities, "hcm-choray") == [CHO_RAY]


def test_search_finds_by_short_name(facilities: Catalog[Any]) -> None:
    assert CHO_RAY in names(facilities, "BV Chợ Rẫy")


def test_search_soc_trang_finds_the_general_hospital(facilities: Catalog[Any]) -> None:
    assert SOC_TRANG_HOSPITAL in names(facilities, "soc trang")


def test_search_for_d_finds_names_with_d_stroke(facilities: Catalog[Any]) -> None:
    assert SOC_TRANG_HOSPITAL in names(facilities, "da khoa tinh soc trang")


def test_every_search_word_must_match(facilities: Catalog[Any]) -> None:
    assert names(facilities, "cho ray soc trang") == []


def test_a_search_that_matches_nothing_gives_an_empty_first_page(facilities: Catalog[Any]) -> None:
    page = facilities.list_page(ListQuery(search="zzzz không có"))
    assert (page.total, page.page, page.rows, page.page_count) == (0, 0, [], 1)


def test_punctuation_only_search_lists_everything(facilities: Catalog[Any]) -> None:
    assert facilities.list_page(ListQuery(search=" -- ")).total == Facility.live().count()


def test_search_by_the_new_province_name_finds_facilities_of_former_soc_trang(facilities: Catalog[Any]) -> None:
    found = names(facilities, "Cần Thơ")
    assert SOC_TRANG_HOSPITAL in found
    assert "Bệnh viện Đa khoa tỉnh Hậu Giang" in found


# --- filters ------------------------------------------------------------------------------


def test_filter_by_new_can_tho_includes_former_soc_trang_and_hau_giang(facilities: Catalog[Any]) -> None:
    filtered = set(names(facilities, province=str(province("Cần Thơ").id)))
    in_soc_trang = set(names(facilities, province=str(province("Sóc Trăng", former=True).id)))
    in_hau_giang = set(names(facilities, province=str(province("Hậu Giang", former=True).id)))
    assert SOC_TRANG_HOSPITAL in in_soc_trang
    assert in_hau_giang
    assert in_soc_trang | in_hau_giang <= filtered
    assert CHO_RAY not in filtered


def test_filter_by_a_former_province_shows_only_that_province(facilities: Catalog[Any]) -> None:
    shown = set(names(facilities, province=str(province("Sóc Trăng", former=True).id)))
    expected = {f.name for f in Facility.live().where(Facility.province == province("Sóc Trăng", former=True).id)}
    assert shown == expected


def test_filter_by_kind(facilities: Catalog[Any]) -> None:
    rows = facilities.list_page(ListQuery(filters={"kind": "end_line"}, page_size=1000)).rows
    assert CHO_RAY in [r["name"] for r in rows]
    assert {r["kind"] for r in rows} == {"End-line hospital"}


def test_filter_by_ownership(facilities: Catalog[Any]) -> None:
    rows = facilities.list_page(ListQuery(filters={"ownership": "private"}, page_size=1000)).rows
    assert rows
    assert {r["ownership"] for r in rows} == {"Private"}


def test_filters_combine_with_search(facilities: Catalog[Any]) -> None:
    can_tho = str(province("Cần Thơ").id)
    assert names(facilities, "soc trang", province=can_tho, kind="provincial_general") == [SOC_TRANG_HOSPITAL]


def test_an_empty_filter_value_is_ignored(facilities: Catalog[Any]) -> None:
    assert facilities.list_page(ListQuery(filters={"province": "", "kind": ""})).total == Facility.live().count()


# --- save and edit ------------------------------------------------------------------------


def test_a_new_facility_is_saved_and_read_back(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    values = facility_form()
    record_id = facilities.save(values)
    assert facilities.get(record_id) == values


def test_a_new_facility_is_found_by_search(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    facilities.save(facility_form())
    assert names(facilities, "ke sach") == ["Trung tâm Y tế huyện Kế Sách"]
    assert "Trung tâm Y tế huyện Kế Sách" in names(facilities, "can tho")


def test_saving_adds_exactly_one_row(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    before = Facility.select().count()
    facilities.save(facility_form())
    assert Facility.select().count() == before + 1


def test_an_edit_changes_the_record_and_its_search_key(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    renamed = facility_form(name="Trung tâm Y tế thị xã Ngã Năm", short_name="", code="ST-TTYT-NGANAM2", address="")
    facilities.save(renamed, record_id=record_id)
    assert facilities.get(record_id)["name"] == "Trung tâm Y tế thị xã Ngã Năm"
    assert names(facilities, "nga nam") == ["Trung tâm Y tế thị xã Ngã Năm"]
    assert names(facilities, "ke sach") == []


def test_an_edit_does_not_add_a_row(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    before = Facility.select().count()
    facilities.save(facility_form(phone="0299 3000 000"), record_id=record_id)
    assert Facility.select().count() == before


def test_a_facility_can_keep_its_own_name_and_code_when_edited(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    facilities.save(facility_form(notes="Đã cập nhật."), record_id=record_id)
    assert facilities.get(record_id)["notes"] == "Đã cập nhật."


def test_moving_a_facility_to_another_province_updates_filter_and_search(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    ca_mau = str(province("Cà Mau").id)
    facilities.save(facility_form(province=ca_mau), record_id=record_id)
    assert "Trung tâm Y tế huyện Kế Sách" in names(facilities, province=ca_mau)
    assert names(facilities, "ke sach ca mau") == ["Trung tâm Y tế huyện Kế Sách"]


def test_nfd_input_is_stored_as_nfc(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    decomposed = unicodedata.normalize("NFD", "Trung tâm Y tế huyện Mỹ Tú")
    record_id = facilities.save(facility_form(name=decomposed, address=unicodedata.normalize("NFD", "Thị trấn Huỳnh Hữu Nghĩa")))
    stored = Facility.get_by_id(uuid.UUID(record_id))
    assert stored.name == "Trung tâm Y tế huyện Mỹ Tú"
    assert stored.address == "Thị trấn Huỳnh Hữu Nghĩa"


def test_surrounding_and_repeated_spaces_are_removed(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form(name="  Trung tâm   Y tế\thuyện Kế Sách  "))
    assert facilities.get(record_id)["name"] == "Trung tâm Y tế huyện Kế Sách"


def test_get_of_an_unknown_id_is_not_found(facilities: Catalog[Any]) -> None:
    with pytest.raises(NotFoundError):
        facilities.get(uuid.uuid4())


def test_get_of_a_malformed_id_is_not_found(facilities: Catalog[Any]) -> None:
    with pytest.raises(NotFoundError):
        facilities.get("not-an-id")


# --- validation ---------------------------------------------------------------------------


def test_an_empty_name_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    error = save_refused(facilities, facility_form(name="   "))
    assert error.for_field("name") == "This field is required."


def test_a_10000_character_name_is_refused_naming_the_field(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    error = save_refused(facilities, facility_form(name="Bệnh viện " + "x" * 10_000))
    message = error.for_field("name")
    assert message is not None and "Too long" in message
    assert error.message.startswith("Name:")


def test_a_10000_character_edit_leaves_the_record_unchanged(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    save_refused(facilities, facility_form(name="y" * 10_000), record_id)
    assert facilities.get(record_id)["name"] == "Trung tâm Y tế huyện Kế Sách"


def test_every_missing_required_field_is_named(facilities: Catalog[Any]) -> None:
    error = save_refused(facilities, {})
    assert {e.field for e in error.errors} >= {"name", "code", "kind", "ownership", "province"}


def test_a_duplicate_code_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    error = save_refused(facilities, facility_form(code="HCM-CHORAY"))
    assert error.for_field("code") is not None
    assert "HCM-CHORAY" in (error.for_field("code") or "")


def test_a_duplicate_name_in_the_same_province_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    error = save_refused(facilities, facility_form(name=SOC_TRANG_HOSPITAL, code="ST-BVDK-2"))
    assert error.for_field("name") is not None


def test_a_duplicate_name_differing_only_in_accents_and_case_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    error = save_refused(facilities, facility_form(name="BENH VIEN DA KHOA TINH SOC TRANG", code="ST-BVDK-2"))
    assert error.for_field("name") is not None


def test_the_same_name_in_another_province_is_allowed(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    facilities.save(facility_form())
    other = facilities.save(facility_form(code="CM-TTYT-KESACH", province=str(province("Cà Mau").id)))
    assert facilities.get(other)["name"] == "Trung tâm Y tế huyện Kế Sách"


def test_a_deleted_facilitys_name_may_be_reused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    first = facilities.save(facility_form())
    facilities.delete(first)
    second = facilities.save(facility_form(code="ST-TTYT-KESACH-2"))
    assert second != first


@pytest.mark.parametrize("phone", ["12", "gọi tổng đài", "0299-abc-1234"])
def test_an_invalid_phone_is_refused(facilities: Catalog[Any], facility_form: FormFactory, phone: str) -> None:
    error = save_refused(facilities, facility_form(phone=phone))
    assert error.for_field("phone") is not None


def test_an_empty_phone_is_allowed(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert facilities.get(facilities.save(facility_form(phone="")))["phone"] == ""


@pytest.mark.parametrize("code", ["ST TTYT", "ST-TTYT-KẾSÁCH", "ST/TTYT"])
def test_a_code_with_spaces_accents_or_slashes_is_refused(facilities: Catalog[Any], facility_form: FormFactory, code: str) -> None:
    assert save_refused(facilities, facility_form(code=code)).for_field("code") is not None


def test_an_unknown_kind_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert save_refused(facilities, facility_form(kind="spaceship")).for_field("kind") is not None


def test_an_unknown_province_is_refused(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert save_refused(facilities, facility_form(province=str(uuid.uuid4()))).for_field("province") is not None


def test_a_refused_edit_leaves_the_record_unchanged(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    save_refused(facilities, facility_form(code="HCM-CHORAY", name="Tên mới"), record_id)
    assert facilities.get(record_id) == facility_form()


def test_saving_with_a_malformed_id_is_not_found(facilities: Catalog[Any]) -> None:
    values = facilities.get(Facility.get(Facility.code == "HCM-CHORAY").id)
    with pytest.raises(NotFoundError):
        facilities.save(values, record_id="not-an-id")


def test_editing_an_unknown_id_is_not_found_and_writes_nothing(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    before = Facility.select().count()
    with pytest.raises(NotFoundError):
        facilities.save(facility_form(), record_id=uuid.uuid4())
    assert Facility.select().count() == before


def test_a_phone_given_as_a_number_is_stored_as_text(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form(phone=2993876123))
    assert facilities.get(record_id)["phone"] == "2993876123"


# --- delete -------------------------------------------------------------------------------


def test_a_facility_can_be_deleted(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record_id = facilities.save(facility_form())
    live_before = Facility.live().count()
    facilities.delete(record_id)
    assert Facility.live().count() == live_before - 1


# --- derived search keys --------------------------------------------------------------------


def test_after_renaming_a_province_its_facilities_are_found_by_the_new_name(facilities: Catalog[Any], provinces: Catalog[Any]) -> None:
    soc_trang = province("Sóc Trăng", former=True)
    provinces.save({**provinces.get(soc_trang.id), "name": "Sóc Trăng Xưa"}, record_id=soc_trang.id)
    assert SOC_TRANG_HOSPITAL in names(facilities, "soc trang xua")
