"""services/site.py: naming this installation once, renaming it later."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from hospitaldesk.db import reference, stamping
from hospitaldesk.db.models import Facility, Province, Site
from hospitaldesk.errors import HospitalDeskError, StoreError, ValidationError
from hospitaldesk.services import site
from tests.conftest import SITE_NAME


def test_a_fresh_database_is_not_set_up(store: Path) -> None:
    assert site.is_initialised() is False
    assert site.site_name() is None


def test_init_names_the_site_and_loads_the_reference_data(store: Path) -> None:
    site_id = site.init_site(SITE_NAME)
    assert site.is_initialised()
    assert site.site_name() == SITE_NAME
    assert stamping.local_site_id() == site_id
    assert Province.select().count() >= 27
    assert Facility.select().count() > 0


def test_the_site_record_is_stamped_by_itself(site_store: Path) -> None:
    record = Site.get_by_id(stamping.local_site_id())
    assert record.last_site == record.id
    assert record.change_seq > 0


def test_init_twice_is_refused_and_keeps_the_first_name(site_store: Path) -> None:
    with pytest.raises(HospitalDeskError) as caught:
        site.init_site("Bệnh viện Chợ Rẫy")
    assert SITE_NAME in caught.value.message
    assert site.site_name() == SITE_NAME
    assert Site.select().count() == 1


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_an_empty_site_name_is_refused_and_nothing_is_written(store: Path, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        site.init_site(name)
    assert caught.value.for_field("site") == "This field is required."
    assert site.is_initialised() is False
    assert Province.select().count() == 0


def test_a_too_long_site_name_is_refused(store: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        site.init_site("x" * (site.SITE_NAME_MAX + 1))
    assert caught.value.for_field("site") is not None
    assert site.is_initialised() is False


def test_the_site_name_is_cleaned_to_nfc(store: Path) -> None:
    site.init_site("  " + unicodedata.normalize("NFD", SITE_NAME) + "  ")
    assert site.site_name() == SITE_NAME


def test_init_is_all_or_nothing_when_the_reference_data_is_missing(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(StoreError):
        site.init_site(SITE_NAME)
    assert site.is_initialised() is False
    assert Site.select().count() == 0
    assert Province.select().count() == 0


def test_rename_changes_the_name(site_store: Path) -> None:
    site.rename_site("Bệnh viện Đa khoa Sóc Trăng")
    assert site.site_name() == "Bệnh viện Đa khoa Sóc Trăng"


def test_rename_is_a_stamped_change(site_store: Path) -> None:
    before = Site.get_by_id(stamping.local_site_id()).change_seq
    site.rename_site("Bệnh viện Đa khoa Sóc Trăng")
    assert Site.get_by_id(stamping.local_site_id()).change_seq > before


def test_rename_to_an_empty_name_is_refused(site_store: Path) -> None:
    with pytest.raises(ValidationError):
        site.rename_site("  ")
    assert site.site_name() == SITE_NAME


def test_rename_before_init_is_refused(store: Path) -> None:
    with pytest.raises(StoreError):
        site.rename_site("Bệnh viện Đa khoa Sóc Trăng")


def test_the_readiness_threshold_is_80_percent_until_changed(site_store: Path) -> None:
    assert site.readiness_threshold() == pytest.approx(0.8)
    assert site.set_readiness_threshold("82,5 %") == pytest.approx(0.825)
    assert site.readiness_threshold() == pytest.approx(0.825)


@pytest.mark.parametrize("typed", ["", "abc", "49", "101", "0,8"])
def test_a_threshold_outside_50_to_100_percent_is_refused_and_kept(site_store: Path, typed: str) -> None:
    site.set_readiness_threshold("90")
    with pytest.raises(ValidationError) as caught:
        site.set_readiness_threshold(typed)
    assert caught.value.errors[0].field == "threshold"
    assert site.readiness_threshold() == pytest.approx(0.9)


def test_a_new_assessment_is_judged_against_the_threshold_in_force(site_store: Path) -> None:
    from hospitaldesk.db.models import Assessment
    from hospitaldesk.services import assessments
    from tests.unit.conftest import facility_by_code, technique_id

    site.set_readiness_threshold("90")
    first = assessments.start(technique_id("NHI-LOC-MAU-LIEN-TUC"), {"facility": str(facility_by_code("CM-SANNHI").id),
                                                                   "assessed_on": "01/03/2024", "assessors": ""})
    site.set_readiness_threshold("70")
    assert Assessment.get_by_id(first).threshold == pytest.approx(0.9)  # kept with the assessment
