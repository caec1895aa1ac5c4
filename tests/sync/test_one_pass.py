"""The import checks each record in the pass that applies it (services/sync/importing.py): a batch is
written only while every record so far is well formed, and a problem found later rolls the whole
import back. These tests hold it to what checking everything first promised: the same refusal, naming
every wrong record, the database as it was, and the shipped checklists a bundle points to put in place
before its own records are compared."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import Assessment, ChecklistTemplate, TemplateItem
from hospitaldesk.services import assessments, readiness_terms
from hospitaldesk.services.sync import container, export, importing
from tests.sync.conftest import Sites
from tests.sync.test_refusals import a_signed_text_altered, a_staff_record, forged, refused
from tests.unit.conftest import facility_by_code, technique_id
from tests.unit.test_readiness import CRRT, STARTER


def _staff(sites: Sites, count: int) -> list[dict[str, Any]]:
    record = a_staff_record(sites, "A")
    return [{**record, "id": uuid.uuid4().hex, "full_name": f"Nhân viên {n:04d}"} for n in range(count)]


def test_a_wrong_record_after_batches_were_written_refuses_the_bundle_naming_each_wrong_record(sites: Sites) -> None:
    records = _staff(sites, 2 * importing.BATCH + 5)
    records[2] = {**records[2], "sex": 7}  # in the first batch
    records[-1] = {**records[-1], "full_name": 12345}  # in the third: two batches were good and written
    path = forged(sites, "A", sites.folder / "late.hdsync", {"staff": records})
    error = refused(sites, "B", path)  # the database exactly as before, though two batches were written
    assert error.reason == "bad_records"
    assert "line 3, field 'sex'" in error.message and f"line {len(records)}, field 'full_name'" in error.message


def test_only_a_late_wrong_record_still_refuses_the_whole_bundle(sites: Sites) -> None:
    records = _staff(sites, importing.BATCH + 1)
    records[-1] = {**records[-1], "salary": 1}
    path = forged(sites, "A", sites.folder / "last.hdsync", {"staff": records})
    error = refused(sites, "B", path)
    assert error.reason == "bad_records" and "salary" in error.message and f"line {len(records)}" in error.message


def test_a_wrong_record_weighs_more_than_a_problem_met_while_applying(sites: Sites) -> None:
    """A signed contract's text changed (found while applying the agreements) and a wrong staff record
    (a later table): the refusal names the wrong record, as when every record was checked first."""
    a_signed_text_altered(sites)
    plain = sites.folder / "plain.hdsync"
    with sites.at("A"):
        export.export_bundle(plain)
        with container.open_bundle(plain) as opened:
            tables = {t: list(opened.records(t)) for t in opened.tables()}
    tables["staff"] = [*tables.get("staff", []), {**a_staff_record(sites, "A"), "id": uuid.uuid4().hex, "birth_date": "31/12/1990"}]
    error = refused(sites, "B", forged(sites, "A", sites.folder / "both.hdsync", tables))
    assert error.reason == "bad_records" and "birth_date" in error.message


def test_a_bundle_pointing_to_a_shipped_checklist_gets_it_put_in_place_first(sites: Sites, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)
    with sites.at("A"):  # A's assessment puts the shipped checklist in place at A (change number 0: it never travels)
        assessment = assessments.start(technique_id(CRRT), {"facility": str(facility_by_code("CM-SANNHI").id),
                                                           "assessed_on": "01/03/2024", "assessors": "BS. Lê Văn A"})
        for item in assessments.details(assessment)["items"]:
            assessments.answer(assessment, item["item_id"], "yes")
        items = sorted(i.id.hex for i in TemplateItem.select())
    with sites.at("B"):
        assert ChecklistTemplate.select().count() == 0
    result = sites.send("A", "B")
    assert result.tables["assessment"].new == 1 and result.tables["assessment_answer"].new == len(items)
    with sites.at("B"):
        assert Assessment.get_by_id(assessment).template.version == 1
        assert sorted(i.id.hex for i in TemplateItem.select()) == items


def test_a_preview_of_a_wrong_bundle_is_refused_too(sites: Sites, tmp_path: Path) -> None:
    records = _staff(sites, importing.BATCH + 1)
    records[-1] = {**records[-1], "phone": None}
    path = forged(sites, "A", tmp_path / "preview.hdsync", {"staff": records})
    error = refused(sites, "B", path, dry_run=True)
    assert error.reason == "bad_records" and "phone" in error.message
