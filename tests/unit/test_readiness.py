"""Readiness: templates and their versions, assessments, gaps, and the warnings on agreements."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import Assessment, ChecklistTemplate, EquipmentItem, GapAction
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import assessments, gaps, readiness_templates, readiness_terms, readiness_warnings
from tests.unit.conftest import facility_by_code, technique_id

# A small starter list, so these tests do not depend on the shipped content.
STARTER = {
    "version": 1,
    "domains": list(readiness_terms.DOMAINS),
    "equipment_categories": {"crrt_machine": {"vi": "Máy lọc máu liên tục", "en": "CRRT machine"},
                             "ventilator": {"vi": "Máy thở", "en": "Ventilator"}},
    "templates": [{
        "technique": "NHI-LOC-MAU-LIEN-TUC",
        "items": [
            {"code": "EQ-01", "domain": "equipment", "text": "Máy lọc máu liên tục (CRRT)", "quantity": 1, "critical": True,
             "weight": 2, "available_means": "Đang hoạt động", "equipment_category": "crrt_machine"},
            {"code": "EQ-02", "domain": "equipment", "text": "Máy thở", "quantity": 2, "critical": False, "weight": 1,
             "available_means": "", "equipment_category": "ventilator"},
            {"code": "IN-01", "domain": "infrastructure", "text": "Giường hồi sức nhi", "quantity": 4, "critical": True, "weight": 1},
            {"code": "HR-01", "domain": "human_resources", "text": "Điều dưỡng được đào tạo vận hành CRRT", "quantity": 4,
             "critical": True, "weight": 2},
            {"code": "MS-01", "domain": "medicines_supplies", "text": "Quả lọc và dịch thay thế", "quantity": 10, "critical": True, "weight": 1},
            {"code": "PR-01", "domain": "procedures", "text": "Quy trình kỹ thuật được phê duyệt", "quantity": 1, "critical": False, "weight": 1},
        ],
    }],
}
CRRT = "NHI-LOC-MAU-LIEN-TUC"


@pytest.fixture(autouse=True)
def small_starter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness_terms, "starter_templates", lambda: STARTER)


def ca_mau() -> str:
    return str(facility_by_code("CM-SANNHI").id)


def start(day: str = "01/03/2024") -> str:
    return assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": day, "assessors": "BS. Lê Văn A"})


def answer_all(assessment_id: str, answers: dict[str, str]) -> None:
    for item in assessments.details(assessment_id)["items"]:
        assessments.answer(assessment_id, item["item_id"], answers.get(item["code"], "yes"))


# --- templates ---------------------------------------------------------------------------------


def test_the_starter_list_becomes_version_1_with_the_same_ids_everywhere(site_store: Path) -> None:
    first = readiness_templates.get(technique_id(CRRT))
    assert first["version"] == 1 and [i["code"] for i in first["items"]][:2] == ["EQ-01", "EQ-02"]
    assert ChecklistTemplate.get_by_id(first["id"]).last_site is not None
    from hospitaldesk.db.models import reference_id

    assert first["id"] == str(reference_id("readiness-template", f"{CRRT}:v1"))


def test_editing_an_unused_template_changes_it_in_place(site_store: Path) -> None:
    items = readiness_templates.get(technique_id(CRRT))["items"]
    items[0]["quantity"] = "2"
    saved = readiness_templates.save(technique_id(CRRT), items)
    again = readiness_templates.get(technique_id(CRRT))
    assert saved == again["id"] and again["version"] == 1 and again["items"][0]["quantity"] == "2"


def test_a_template_used_by_a_final_assessment_gets_a_new_version(site_store: Path) -> None:
    assessment = start()
    answer_all(assessment, {})
    assessments.finalise(assessment)
    items = readiness_templates.get(technique_id(CRRT))["items"]
    items.append({"domain": "procedures", "text": "Phác đồ chống đông bằng citrate", "quantity": "1", "critical": False, "weight": "1"})
    readiness_templates.save(technique_id(CRRT), items)
    current = readiness_templates.get(technique_id(CRRT))
    assert current["version"] == 2 and len(current["items"]) == 7 and current["items"][-1]["code"] == "PR-02"
    # The finished assessment keeps the list it was scored on.
    assert len(assessments.details(assessment)["items"]) == 6
    assert assessments.details(assessment)["template_version"] == 1


def test_template_item_errors_name_the_row(site_store: Path) -> None:
    items = readiness_templates.get(technique_id(CRRT))["items"]
    items[2]["weight"] = "7"
    items[3]["text"] = ""
    with pytest.raises(ValidationError) as caught:
        readiness_templates.save(technique_id(CRRT), items)
    assert {(e.row, e.field) for e in caught.value.errors} == {(3, "weight"), (4, "text")}


# --- assessments -------------------------------------------------------------------------------


def test_equipment_is_prefilled_from_the_inventory(site_store: Path) -> None:
    import uuid

    for status in ("working", "broken"):
        EquipmentItem.create(id=uuid.uuid4(), facility=ca_mau(), name="Máy thở", category="ventilator", status=status)
    EquipmentItem.create(id=uuid.uuid4(), facility=ca_mau(), name="Prismaflex", category="crrt_machine", status="working")
    items = {i["code"]: i for i in assessments.details(start())["items"]}
    assert (items["EQ-01"]["answer"], items["EQ-01"]["quantity"]) == ("yes", "1")
    assert (items["EQ-02"]["answer"], items["EQ-02"]["quantity"]) == ("partly", "1")  # 1 working of 2 needed
    assert items["IN-01"]["answer"] == ""


def test_the_score_runs_while_answering(site_store: Path) -> None:
    assessment = start()
    items = assessments.details(assessment)["items"]
    running = assessments.answer(assessment, items[0]["item_id"], "yes", 1)
    assert running.domains["equipment"] is not None and not running.ready


def test_a_critical_gap_blocks_and_becomes_a_gap_action(site_store: Path) -> None:
    assessment = start()
    answer_all(assessment, {"HR-01": "no"})  # the CRRT machine is there, trained nurses are not
    result = assessments.finalise(assessment)
    assert not result.ready and result.index is not None and result.index > 0.7
    record = Assessment.get_by_id(assessment)
    assert record.status == "final" and record.critical_missing == 1
    [gap] = gaps.listing()
    assert gap["item"] == "Điều dưỡng được đào tạo vận hành CRRT" and gap["critical"]


def test_a_finalised_assessment_is_frozen(site_store: Path) -> None:
    assessment = start()
    answer_all(assessment, {})
    assessments.finalise(assessment)
    item = assessments.details(assessment)["items"][0]["item_id"]
    with pytest.raises(ValidationError):
        assessments.answer(assessment, item, "no")
    with pytest.raises(ValidationError):
        assessments.delete_draft(assessment)


def test_finalising_needs_every_item_answered(site_store: Path) -> None:
    assessment = start()
    with pytest.raises(ValidationError) as caught:
        assessments.finalise(assessment)
    assert [e.row for e in caught.value.errors] == [1, 2, 3, 4, 5, 6]
    assert Assessment.get_by_id(assessment).status == "draft"


def test_bad_answers_are_refused(site_store: Path) -> None:
    assessment = start()
    item = assessments.details(assessment)["items"][0]["item_id"]
    with pytest.raises(ValidationError):
        assessments.answer(assessment, item, "maybe")
    with pytest.raises(ValidationError):
        assessments.answer(assessment, item, "yes", "nhiều")


def test_history_shows_progress_over_time(site_store: Path) -> None:
    first = start("01/03/2024")
    answer_all(first, {"HR-01": "no", "EQ-02": "partly"})
    assessments.finalise(first)
    second = start("01/09/2024")
    answer_all(second, {})
    assessments.finalise(second)
    points = assessments.history(ca_mau(), technique_id(CRRT))
    assert [p[0] for p in points] == [dt.date(2024, 3, 1), dt.date(2024, 9, 1)]
    assert points[0][1] is not None and points[1][1] == 1.0 and [p[2] for p in points] == [False, True]


def test_summaries_for_the_cli(site_store: Path) -> None:
    assessment = start()
    [row] = assessments.summaries()
    assert row["id"] == assessment and row["facility"] == "Bệnh viện Sản – Nhi Cà Mau"
    assert {"id", "facility", "technique", "date", "index", "ready"} <= set(row)


# --- gaps --------------------------------------------------------------------------------------


def test_a_gap_is_tracked_to_closure(site_store: Path) -> None:
    assessment = start()
    answer_all(assessment, {"HR-01": "no", "MS-01": "no"})
    assessments.finalise(assessment)
    nurse = next(g for g in gaps.listing() if g["item"].startswith("Điều dưỡng"))
    gaps.update(nurse["id"], {"owner": "Phòng Tổ chức cán bộ", "due": "01/01/2024", "cost": "120.000.000",
                              "funding_source": "province", "status": "in_progress", "note": ""})
    assert [g["id"] for g in gaps.listing(overdue=True, today=dt.date(2024, 6, 1))] == [nurse["id"]]
    assert [g["id"] for g in gaps.listing(funding_source="province")] == [nurse["id"]]
    with pytest.raises(ValidationError):
        gaps.update(nurse["id"], {"owner": "", "status": "done"})
    gaps.update(nurse["id"], {"owner": "Phòng Tổ chức cán bộ", "status": "done"}, today=dt.date(2024, 7, 1))
    assert GapAction.get_by_id(nurse["id"]).closed_on == dt.date(2024, 7, 1)
    assert len(gaps.listing()) == 1 and len(gaps.listing(status="done")) == 1


# --- warnings on agreements --------------------------------------------------------------------


@pytest.fixture
def crrt_agreement(agreement_form: Any) -> str:
    from hospitaldesk.services import agreements
    from tests.unit.conftest import agreement_line

    values = agreement_form(party_a=str(facility_by_code("HCM-NHIDONG1").id), party_b=ca_mau(), title="Lọc máu liên tục")
    draft = agreements.save_draft(values, [agreement_line(CRRT)])
    life.change_status(draft, "signed", "15/03/2024")
    return draft


def test_training_without_an_assessment_is_flagged(crrt_agreement: str) -> None:
    import uuid

    [message] = readiness_warnings.warnings_for(uuid.UUID(crrt_agreement))
    assert "no finalised readiness assessment" in message
    assert readiness_warnings.flagged_agreements([uuid.UUID(crrt_agreement)]) == {uuid.UUID(crrt_agreement)}


def test_a_not_ready_assessment_is_flagged_with_its_index(crrt_agreement: str) -> None:
    import uuid

    assessment = start()
    answer_all(assessment, {"HR-01": "no"})
    assessments.finalise(assessment)
    [message] = readiness_warnings.warnings_for(uuid.UUID(crrt_agreement))
    assert "not ready" in message and "index 80 %, 1 critical item missing" in message


def test_a_ready_facility_is_not_flagged_and_the_list_says_so(crrt_agreement: str) -> None:
    import uuid

    from hospitaldesk.services import agreements
    from hospitaldesk.services.forms import ListQuery

    assert agreements.AgreementCatalog().list_page(ListQuery()).rows[0]["not_ready"]
    assessment = start()
    answer_all(assessment, {})
    assessments.finalise(assessment)
    assert readiness_warnings.warnings_for(uuid.UUID(crrt_agreement)) == []
    assert not agreements.AgreementCatalog().list_page(ListQuery()).rows[0]["not_ready"]


def test_once_performing_the_technique_is_no_longer_watched(crrt_agreement: str) -> None:
    import uuid

    from hospitaldesk.services import amendments

    line = amendments.technique_progress(crrt_agreement)[0]
    life.set_progress(line["id"], "independent", "01/12/2024")
    assert readiness_warnings.warnings_for(uuid.UUID(crrt_agreement)) == []


def test_the_print_preview_mentions_it(crrt_agreement: str) -> None:
    from hospitaldesk.services import contract_print

    assert any("readiness" in w for w in contract_print.preview_warnings(crrt_agreement))


# --- the equipment inventory -------------------------------------------------------------------


def equipment_form(**overrides: str) -> dict[str, str]:
    values = {"facility": ca_mau(), "name": "Máy lọc máu liên tục Prismaflex", "category": "crrt_machine", "model": "Prismaflex",
              "serial": "PX-2021-0042", "department": "Khoa Hồi sức tích cực – Chống độc Nhi", "year": "2021",
              "funding_source": "province", "status": "working", "last_maintenance": "15/10/2024", "notes": ""}
    values.update(overrides)
    return values


def test_inventory_rows_are_searched_and_filtered(site_store: Path) -> None:
    from hospitaldesk.services.catalogs import catalog
    from hospitaldesk.services.forms import ListQuery

    equipment = catalog("equipment")
    equipment.save(equipment_form())
    equipment.save(equipment_form(name="Máy thở Bellavista", model="Bellavista 1000", category="ventilator", serial="BV-1"))
    rows = equipment.list_page(ListQuery(search="prismaflex")).rows
    assert [r["name"] for r in rows] == ["Máy lọc máu liên tục Prismaflex"] and rows[0]["category"] == "CRRT machine"
    assert len(equipment.list_page(ListQuery(filters={"category": "ventilator"})).rows) == 1


def test_inventory_checks_serials_and_years(site_store: Path) -> None:
    from hospitaldesk.services.catalogs import catalog

    equipment = catalog("equipment")
    equipment.save(equipment_form())
    with pytest.raises(ValidationError) as caught:
        equipment.save(equipment_form(year="1890", serial="OTHER"))
    assert {e.field for e in caught.value.errors} == {"year"}
    with pytest.raises(ValidationError) as caught:
        equipment.save(equipment_form())  # the same serial at the same facility
    assert {e.field for e in caught.value.errors} == {"serial"}


def test_the_gap_list_can_be_cut_and_still_counted_in_full(site_store: Path) -> None:
    assessment = start()
    answer_all(assessment, {"EQ-01": "no", "HR-01": "no", "MS-01": "partly"})
    assessments.finalise(assessment)
    for n, gap in enumerate(gaps.listing()):
        gaps.update(gap["id"], {"owner": "Phòng Vật tư", "due": f"0{n + 1}/01/2024", "cost": "1.000.000", "funding_source": "province",
                                "status": "open", "note": ""}, today=dt.date(2023, 12, 1))
    first = gaps.listing(limit=2, today=dt.date(2024, 1, 2))
    assert len(first) == 2 and first[0]["due"] == "01/01/2024"  # the earliest due first
    assert gaps.totals(today=dt.date(2024, 1, 2)) == {"count": 3, "overdue": 1, "cost": 3_000_000}
    assert gaps.totals(today=dt.date(2024, 1, 2), overdue=True) == {"count": 1, "overdue": 1, "cost": 1_000_000}
    mine = {"facilities": [facility_by_code("CM-SANNHI").id]}
    assert gaps.totals(today=dt.date(2024, 1, 2), **mine) == {"count": 3, "overdue": 1, "cost": 3_000_000}
    # The gaps of a deleted assessment count nowhere, joined to it (a filter) or not (the region).
    from hospitaldesk.db.models import Assessment

    Assessment.update(deleted=True).where(Assessment.id == assessment).execute()
    empty = {"count": 0, "overdue": 0, "cost": 0}
    assert gaps.totals(today=dt.date(2024, 1, 2)) == empty and gaps.totals(today=dt.date(2024, 1, 2), **mine) == empty
    assert gaps.listing(today=dt.date(2024, 1, 2)) == []
