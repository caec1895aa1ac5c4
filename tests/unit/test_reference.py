"""db/reference.py and the shipped assets/reference/*.json: loaded once, never duplicated, never overwriting edits."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from hospitaldesk.db.models import Facility, Province, Specialty, Technique
from hospitaldesk.db.reference import FILES, load_reference, read_reference
from hospitaldesk.errors import StoreError
from hospitaldesk.resources import reference_dir
from tests.unit.conftest import province


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_reference_file_reads(name: str) -> None:
    rows = read_reference(name)
    assert rows
    assert all("code" in row and "name" in row for row in rows)


@pytest.mark.parametrize("name", FILES)
def test_shipped_codes_are_unique(name: str) -> None:
    codes = [row["code"] for row in read_reference(name)]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("name", FILES)
def test_reference_text_is_nfc_after_reading(name: str) -> None:
    for row in read_reference(name):
        assert all(unicodedata.is_normalized("NFC", v) for v in row.values() if isinstance(v, str)), row["code"]


def test_shipped_provinces_hold_the_units_before_and_after_the_merger() -> None:
    rows = read_reference("provinces")
    former = [p for p in rows if p.get("valid_to")]
    current = [p for p in rows if not p.get("valid_to")]
    assert len(former) >= 19
    assert len(current) >= 8


def test_every_former_province_points_at_a_current_successor() -> None:
    rows = read_reference("provinces")
    current = {p["code"] for p in rows if not p.get("valid_to")}
    assert all(p.get("successor") in current for p in rows if p.get("valid_to"))


def test_loading_fills_every_table(store: Path) -> None:
    added = load_reference()
    assert added["provinces"] == Province.select().count() >= 27
    assert added["specialties"] == Specialty.select().count() >= 1
    assert added["facilities"] == Facility.select().count() >= 1
    assert added["techniques"] == Technique.select().count() >= 1


def test_loading_twice_adds_nothing(store: Path) -> None:
    load_reference()
    assert load_reference() == {"provinces": 0, "specialties": 0, "facilities": 0, "techniques": 0}


@pytest.mark.usefixtures("site_store")
def test_reloading_never_overwrites_a_users_edit() -> None:
    Facility.update(phone="028 3855 4137").where(Facility.code == "HCM-CHORAY").execute()
    load_reference()
    assert Facility.get(Facility.code == "HCM-CHORAY").phone == "028 3855 4137"


@pytest.mark.usefixtures("site_store")
def test_reloading_does_not_resurrect_a_deleted_reference_row() -> None:
    Facility.update(deleted=True).where(Facility.code == "HCM-CHORAY").execute()
    load_reference()
    assert Facility.get(Facility.code == "HCM-CHORAY").deleted is True


@pytest.mark.usefixtures("site_store")
def test_soc_trang_and_hau_giang_were_merged_into_can_tho() -> None:
    can_tho = province("Cần Thơ")
    assert province("Sóc Trăng", former=True).successor_id == can_tho.id
    assert province("Hậu Giang", former=True).successor_id == can_tho.id


@pytest.mark.usefixtures("site_store")
def test_the_soc_trang_general_hospital_is_in_former_soc_trang() -> None:
    hospital = Facility.get(Facility.name == "Bệnh viện Đa khoa tỉnh Sóc Trăng")
    assert hospital.province_id == province("Sóc Trăng", former=True).id


def test_a_missing_reference_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        read_reference("facilities", tmp_path)
    assert "facilities.json" in caught.value.message


def test_a_damaged_reference_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "provinces.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(StoreError):
        read_reference("provinces", tmp_path)


def copy_reference(target: Path) -> Path:
    for name in FILES:
        (target / f"{name}.json").write_text((reference_dir() / f"{name}.json").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_a_facility_in_an_unknown_province_is_refused_and_nothing_is_loaded(store: Path, tmp_path: Path) -> None:
    directory = copy_reference(tmp_path)
    data = json.loads((directory / "facilities.json").read_text(encoding="utf-8"))
    data["facilities"][0]["province"] = "00"
    (directory / "facilities.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        load_reference(directory)
    assert "00" in caught.value.message
    assert Province.select().count() == 0


def test_a_technique_of_an_unknown_specialty_is_refused_and_nothing_is_loaded(store: Path, tmp_path: Path) -> None:
    directory = copy_reference(tmp_path)
    data = json.loads((directory / "techniques.json").read_text(encoding="utf-8"))
    data["techniques"][-1]["specialty"] = "NO-SUCH"
    (directory / "techniques.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        load_reference(directory)
    assert "NO-SUCH" in caught.value.message
    assert Province.select().count() == Specialty.select().count() == Facility.select().count() == 0
