"""Specialties and the techniques that belong to them."""
from __future__ import annotations

import uuid
from typing import Any

import pytest

from hospitaldesk import i18n, text
from hospitaldesk.db.models import Specialty, Technique
from hospitaldesk.errors import ValidationError
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import names

NEONATOLOGY = "Sơ sinh"


def specialty_id(name: str) -> str:
    return str(Specialty.get(Specialty.name == name).id)


def technique_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "SS-THU",
        "name": "Kỹ thuật thử nghiệm cho trẻ sơ sinh",
        "name_en": "Trial neonatal technique",
        "specialty": specialty_id(NEONATOLOGY),
        "moh_code": "",
        "needs_moh_approval": False,
        "description": "Mô tả\nhai dòng.",
    }
    values.update(overrides)
    return values


# --- specialties --------------------------------------------------------------------------


def test_specialties_are_listed_with_their_english_names(specialties: Catalog[Any]) -> None:
    rows = specialties.list_page(ListQuery(search="so sinh")).rows
    assert [(r["name"], r["name_en"]) for r in rows] == [(NEONATOLOGY, "Neonatology")]


def test_specialties_are_found_by_english_name(specialties: Catalog[Any]) -> None:
    assert names(specialties, "neonatology") == [NEONATOLOGY]


def test_a_new_specialty_is_saved(specialties: Catalog[Any]) -> None:
    record_id = specialties.save({"code": "DA-LIEU", "name": "Da liễu", "name_en": "Dermatology"})
    assert specialties.get(record_id) == {"code": "DA-LIEU", "name": "Da liễu", "name_en": "Dermatology"}


def test_a_duplicate_specialty_code_is_refused(specialties: Catalog[Any]) -> None:
    before = Specialty.select().count()
    with pytest.raises(ValidationError) as caught:
        specialties.save({"code": "NHI", "name": "Nhi khoa 2"})
    assert caught.value.for_field("code") is not None
    assert Specialty.select().count() == before


def test_a_duplicate_specialty_name_is_refused(specialties: Catalog[Any]) -> None:
    before = Specialty.select().count()
    with pytest.raises(ValidationError) as caught:
        specialties.save({"code": "NHI-2", "name": "Nhi khoa"})
    assert caught.value.for_field("name") is not None
    assert Specialty.select().count() == before


def test_deleting_a_specialty_with_techniques_is_refused(specialties: Catalog[Any]) -> None:
    target = Specialty.get(Specialty.name == NEONATOLOGY)
    used = Technique.live().where(Technique.specialty == target.id).count()
    assert used > 0
    with pytest.raises(ValidationError) as caught:
        specialties.delete(target.id)
    assert str(used) in caught.value.message and "technique" in caught.value.message
    assert Specialty.get_by_id(target.id).deleted is False
    assert Specialty.live().count() == Specialty.select().count()


def test_an_unused_specialty_can_be_deleted(specialties: Catalog[Any]) -> None:
    record_id = specialties.save({"code": "DA-LIEU", "name": "Da liễu"})
    specialties.delete(record_id)
    assert names(specialties, "da lieu") == []


def test_the_name_of_a_deleted_specialty_can_be_used_again(specialties: Catalog[Any]) -> None:
    specialties.delete(specialties.save({"code": "DA-LIEU", "name": "Da liễu"}))
    record_id = specialties.save({"code": "DA-LIEU-2", "name": "Da liễu"})
    assert specialties.get(record_id)["name"] == "Da liễu"


def test_a_specialty_can_be_deleted_once_its_techniques_are_gone(specialties: Catalog[Any], techniques: Catalog[Any]) -> None:
    specialty = specialties.save({"code": "DA-LIEU", "name": "Da liễu"})
    technique = techniques.save(technique_form(specialty=specialty))
    with pytest.raises(ValidationError):
        specialties.delete(specialty)
    techniques.delete(technique)
    specialties.delete(specialty)
    assert Specialty.get_by_id(uuid.UUID(specialty)).deleted is True


# --- techniques ---------------------------------------------------------------------------


def test_techniques_are_listed(techniques: Catalog[Any]) -> None:
    assert techniques.list_page(ListQuery()).total == Technique.live().count() >= 1


def test_technique_rows_show_english_names_in_english(techniques: Catalog[Any]) -> None:
    techniques.save(technique_form())
    row = techniques.list_page(ListQuery(search="SS-THU")).rows[0]
    assert row["name"] == "Trial neonatal technique"
    assert row["specialty"] == "Neonatology"


def test_technique_rows_show_vietnamese_names_in_vietnamese(techniques: Catalog[Any]) -> None:
    techniques.save(technique_form())
    i18n.setup("vi")
    row = techniques.list_page(ListQuery(search="SS-THU")).rows[0]
    assert row["name"] == "Kỹ thuật thử nghiệm cho trẻ sơ sinh"
    assert row["specialty"] == NEONATOLOGY


def test_a_technique_without_english_name_shows_the_vietnamese_one(techniques: Catalog[Any]) -> None:
    techniques.save(technique_form(name_en=""))
    assert techniques.list_page(ListQuery(search="SS-THU")).rows[0]["name"] == "Kỹ thuật thử nghiệm cho trẻ sơ sinh"


def test_techniques_are_found_by_their_specialty_name(techniques: Catalog[Any]) -> None:
    techniques.save(technique_form())
    assert "Trial neonatal technique" in names(techniques, "so sinh")


def test_filter_techniques_by_specialty(techniques: Catalog[Any]) -> None:
    neonatology = specialty_id(NEONATOLOGY)
    rows = techniques.list_page(ListQuery(filters={"specialty": neonatology}, page_size=1000)).rows
    expected = Technique.live().where(Technique.specialty == uuid.UUID(neonatology)).count()
    assert len(rows) == expected > 0
    assert {r["specialty"] for r in rows} == {"Neonatology"}


def test_sorting_techniques_by_specialty_is_alphabetical_ignoring_accents(techniques: Catalog[Any]) -> None:
    rows = techniques.list_page(ListQuery(sort="specialty", page_size=1000)).rows
    folded = [text.fold(Technique.get_by_id(uuid.UUID(r["id"])).specialty.name) for r in rows]
    assert folded == sorted(folded)


@pytest.mark.parametrize(("raw", "shown"), [("có", "Yes"), ("", "No"), (True, "Yes")])
def test_needs_moh_approval_is_read_and_shown(techniques: Catalog[Any], raw: object, shown: str) -> None:
    record_id = techniques.save(technique_form(needs_moh_approval=raw))
    assert techniques.list_page(ListQuery(search="SS-THU")).rows[0]["needs_moh_approval"] == shown
    assert techniques.get(record_id)["needs_moh_approval"] is (shown == "Yes")


def test_a_technique_description_keeps_its_line_breaks(techniques: Catalog[Any]) -> None:
    record_id = techniques.save(technique_form(description=" Dòng 1 \r\n Dòng 2 "))
    assert techniques.get(record_id)["description"] == "Dòng 1\nDòng 2"


def test_a_duplicate_technique_name_is_refused(techniques: Catalog[Any]) -> None:
    existing = Technique.select().first()
    before = Technique.select().count()
    with pytest.raises(ValidationError) as caught:
        techniques.save(technique_form(name=existing.name))
    assert caught.value.for_field("name") is not None
    assert Technique.select().count() == before


def test_a_technique_needs_a_known_specialty(techniques: Catalog[Any]) -> None:
    before = Technique.select().count()
    with pytest.raises(ValidationError) as caught:
        techniques.save(technique_form(specialty=str(uuid.uuid4())))
    assert caught.value.for_field("specialty") is not None
    assert Technique.select().count() == before
