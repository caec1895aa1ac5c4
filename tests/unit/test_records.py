"""Record bookkeeping: who changed a row, in which order, when; soft deletes; reference rows."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import (
    REFERENCE_SITE,
    Facility,
    Province,
    Site,
    Specialty,
    Technique,
    reference_id,
    utcnow,
)
from hospitaldesk.errors import NotFoundError, StoreError
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import FormFactory


def create(facilities: Catalog[Any], facility_form: FormFactory) -> Facility:
    return Facility.get_by_id(uuid.UUID(facilities.save(facility_form())))


def test_a_created_record_carries_the_local_site(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert create(facilities, facility_form).last_site == stamping.local_site_id()


def test_a_created_record_gets_a_positive_change_number(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert create(facilities, facility_form).change_seq > 0


def test_a_created_record_has_utc_timestamps_of_now(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    before = utcnow()
    record = create(facilities, facility_form)
    after = utcnow()
    assert before <= record.updated_at <= after
    assert before - dt.timedelta(seconds=1) <= record.created_at <= after


def test_a_created_record_is_not_deleted(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    assert create(facilities, facility_form).deleted is False


def test_change_numbers_strictly_increase_across_saves(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    def seq(record_id: str) -> int:
        return int(Facility.get_by_id(uuid.UUID(record_id)).change_seq)

    other = {"code": "ST-TTYT-CULAODUNG", "name": "Trung tâm Y tế huyện Cù Lao Dung"}
    first = facilities.save(facility_form())
    seen = [seq(first)]
    second = facilities.save(facility_form(**other))
    seen.append(seq(second))
    facilities.save(facility_form(phone="0299 3876 999"), record_id=first)
    seen.append(seq(first))
    facilities.save(facility_form(**other, phone="0299 3876 888"), record_id=second)
    seen.append(seq(second))
    assert all(a < b for a, b in zip(seen, seen[1:])), seen


def test_an_edit_moves_updated_at_and_keeps_created_at(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record = create(facilities, facility_form)
    facilities.save(facility_form(phone="0299 3876 999"), record_id=record.id)
    edited = Facility.get_by_id(record.id)
    assert edited.created_at == record.created_at
    assert edited.updated_at >= record.updated_at
    assert edited.change_seq > record.change_seq


def test_a_block_of_change_numbers_is_reserved_at_once(site_store: Path) -> None:
    with atomic():
        first = stamping.next_change_seq(5)
        following = stamping.next_change_seq()
    assert following == first + 5


def test_saving_before_the_site_is_set_up_is_refused(store: Path) -> None:
    with pytest.raises(StoreError) as caught:
        Site(name="Bệnh viện thử").save(force_insert=True)
    assert "init --site" in caught.value.message
    assert Site.select().count() == 0


# --- soft delete --------------------------------------------------------------------------


def test_delete_keeps_the_row_as_a_tombstone(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record = create(facilities, facility_form)
    facilities.delete(record.id)
    tombstone = Facility.get_by_id(record.id)
    assert tombstone.deleted is True
    assert tombstone.change_seq > record.change_seq
    assert tombstone.last_site == stamping.local_site_id()


def test_a_deleted_record_is_not_listed(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record = create(facilities, facility_form)
    facilities.delete(record.id)
    page = facilities.list_page(ListQuery(search="Kế Sách", page_size=1000))
    assert str(record.id) not in [row["id"] for row in page.rows]
    assert page.total == 0


def test_a_deleted_record_cannot_be_opened(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record = create(facilities, facility_form)
    facilities.delete(record.id)
    with pytest.raises(NotFoundError):
        facilities.get(record.id)


def test_a_deleted_record_cannot_be_deleted_again(facilities: Catalog[Any], facility_form: FormFactory) -> None:
    record = create(facilities, facility_form)
    facilities.delete(record.id)
    with pytest.raises(NotFoundError):
        facilities.delete(record.id)


# --- reference rows -----------------------------------------------------------------------


@pytest.mark.usefixtures("site_store")
@pytest.mark.parametrize("model", [Province, Specialty, Facility, Technique])
def test_reference_rows_carry_sequence_zero_and_the_reference_site(model: type[Any]) -> None:
    rows = list(model.select())
    assert rows
    assert {row.change_seq for row in rows} == {0}
    assert {row.last_site for row in rows} == {REFERENCE_SITE}


@pytest.mark.usefixtures("site_store")
@pytest.mark.parametrize(("model", "kind"), [(Province, "province"), (Specialty, "specialty"), (Facility, "facility"), (Technique, "technique")])
def test_reference_ids_are_derived_from_the_code(model: type[Any], kind: str) -> None:
    rows = list(model.select())
    assert all(row.id == reference_id(kind, row.code) for row in rows)


def test_reference_id_is_deterministic_and_kind_specific() -> None:
    assert reference_id("facility", "HCM-CHORAY") == reference_id("facility", "HCM-CHORAY")
    assert reference_id("facility", "HCM-CHORAY") != reference_id("province", "HCM-CHORAY")
    assert reference_id("facility", "HCM-CHORAY").version == 5


def test_cho_ray_has_the_same_id_on_every_site(site_store: Path) -> None:
    cho_ray = Facility.get(Facility.code == "HCM-CHORAY")
    assert cho_ray.id == reference_id("facility", "HCM-CHORAY")
    assert cho_ray.id == uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://hospitaldesk.vn/ids"), "facility:HCM-CHORAY")


def test_editing_a_reference_row_stamps_it_as_a_local_change(facilities: Catalog[Any]) -> None:
    cho_ray = Facility.get(Facility.code == "HCM-CHORAY")
    values = facilities.get(cho_ray.id)
    facilities.save({**values, "phone": "028 3855 4137"}, record_id=cho_ray.id)
    edited = Facility.get_by_id(cho_ray.id)
    assert edited.change_seq > 0
    assert edited.last_site == stamping.local_site_id()
