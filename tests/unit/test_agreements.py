"""services/agreements.py: drafting an agreement, its numbering, its list."""
from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hospitaldesk.db.models import Agreement, AgreementTechnique
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import agreements
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import FormFactory, agreement_line, facility_by_code, technique_id


def rows(search: str = "", **filters: str) -> list[dict[str, object]]:
    return agreements.AgreementCatalog().list_page(ListQuery(search=search, filters=filters)).rows


def test_first_number_of_the_year_is_01(site_store: Path) -> None:
    assert agreements.next_number() == "01/HĐ-CGKT"


def test_numbers_follow_the_highest_used_this_year(agreement_form: FormFactory) -> None:
    agreements.save_draft(agreement_form(number="07/HĐ-CGKT"), [agreement_line()])
    assert agreements.next_number() == "08/HĐ-CGKT"


def test_numbers_restart_each_year(agreement_form: FormFactory) -> None:
    agreements.save_draft(agreement_form(number="07/HĐ-CGKT"), [agreement_line()])
    assert agreements.next_number(dt.date.today().year + 1) == "01/HĐ-CGKT"


def test_a_number_used_this_year_is_refused(agreement_form: FormFactory) -> None:
    agreements.save_draft(agreement_form(number="01/HĐ-CGKT"), [agreement_line()])
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(number="01/hđ-cgkt "), [agreement_line()])
    assert caught.value.for_field("number") is not None


def test_new_agreement_carries_default_clauses_for_its_level(site_store: Path) -> None:
    level1, level2 = agreements.new_agreement("1"), agreements.new_agreement("2")
    assert "Bộ luật Dân sự số 91/2015/QH13" in level1["legal_bases"]
    assert "Luật Khám bệnh, chữa bệnh số 15/2023/QH15" in level1["legal_bases"]
    assert "mạng lưới" in level2["obligations_a"] and "mạng lưới" not in level1["obligations_a"]
    assert "3 năm" in level1["retention_terms"]


def test_save_draft_stores_header_and_lines(draft_id: str) -> None:
    values = agreements.get(draft_id)
    assert values["status"] == "draft"
    assert values["title"] == "Phẫu thuật tim hở và can thiệp tim mạch"
    assert [line["technique"] for line in values["lines"]] == [technique_id("PT-TIM-HO"), technique_id("TM-PCI")]
    assert values["lines"][0]["cost"] == "1250000000"
    assert values["lines"][0]["start"] == "01/08/2025"


def test_editing_a_draft_updates_removes_and_adds_lines(draft_id: str, agreement_form: FormFactory) -> None:
    lines = agreements.get(draft_id)["lines"]
    first = dict(lines[0], trainees_planned="9")
    agreements.save_draft(agreement_form(), [first, agreement_line("TM-DIEN-SINH-LY")], draft_id)
    after = agreements.get(draft_id)["lines"]
    assert [line["technique"] for line in after] == [technique_id("PT-TIM-HO"), technique_id("TM-DIEN-SINH-LY")]
    assert after[0]["id"] == lines[0]["id"] and after[0]["trainees_planned"] == "9"
    removed = AgreementTechnique.get_by_id(lines[1]["id"])
    assert removed.deleted  # a tombstone, so the removal reaches other sites


def test_line_errors_name_the_row_and_the_field(agreement_form: FormFactory) -> None:
    bad = [agreement_line(), agreement_line("TM-PCI", start="31/12/2025", end="01/01/2025", cost="nhiều tiền")]
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(), bad)
    described = {(e.row, e.field) for e in caught.value.errors}
    assert (2, "end") in described and (2, "cost") in described
    assert "Row 2" in caught.value.message


def test_the_same_technique_twice_is_refused(agreement_form: FormFactory) -> None:
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(), [agreement_line(), agreement_line()])
    assert caught.value.errors[0].row == 2


def test_party_b_must_differ_from_party_a(agreement_form: FormFactory) -> None:
    same = str(facility_by_code("ST-BVDK").id)
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(party_a=same, party_b=same), [agreement_line()])
    assert caught.value.for_field("party_b") is not None


def test_header_and_line_errors_are_reported_together(agreement_form: FormFactory) -> None:
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(title=""), [agreement_line(technique="")])
    assert {e.field for e in caught.value.errors} == {"title", "technique"}


def test_a_failed_save_writes_nothing(agreement_form: FormFactory, site_store: Path) -> None:
    with pytest.raises(ValidationError):
        agreements.save_draft(agreement_form(), [agreement_line(), agreement_line(end="not a date")])
    with closing(sqlite3.connect(site_store)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM agreement").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM agreement_technique").fetchone()[0] == 0


def test_list_search_ignores_accents_and_finds_parties_and_techniques(draft_id: str) -> None:
    assert [r["id"] for r in rows("tim ho")] == [draft_id]
    assert [r["id"] for r in rows("SOC TRANG")] == [draft_id]
    assert [r["id"] for r in rows("đại học y dược")] == [draft_id]
    assert [r["id"] for r in rows("can thiep dong mach vanh")] == [draft_id]
    assert rows("nhi dong") == []


def test_list_filters(draft_id: str, agreement_form: FormFactory) -> None:
    other = agreements.save_draft(
        agreement_form(number="02/HĐ-CGKT", title="Lọc máu liên tục ở trẻ em",
                       party_a=str(facility_by_code("HCM-NHIDONG1").id), party_b=str(facility_by_code("CM-SANNHI").id)),
        [agreement_line("NHI-LOC-MAU-LIEN-TUC")],
    )
    nhi_dong = str(facility_by_code("HCM-NHIDONG1").id)
    assert [r["id"] for r in rows(partner=nhi_dong)] == [other]
    cardiology = str(Agreement.get_by_id(draft_id).party_a_id)
    assert [r["id"] for r in rows(partner=cardiology)] == [draft_id]
    ca_mau = str(facility_by_code("CM-SANNHI").province_id)
    assert [r["id"] for r in rows(province=ca_mau)] == [other]
    assert {r["id"] for r in rows(status="draft")} == {draft_id, other}
    assert rows(status="signed") == []


def test_specialty_filter_looks_at_the_techniques(draft_id: str) -> None:
    from hospitaldesk.db.models import Technique

    cardiac_surgery = str(Technique.get(Technique.code == "PT-TIM-HO").specialty_id)
    paediatric = str(Technique.get(Technique.code == "NHI-ECMO").specialty_id)
    assert [r["id"] for r in rows(specialty=cardiac_surgery)] == [draft_id]
    assert rows(specialty=paediatric) == []


def test_a_draft_can_be_deleted_with_its_lines(draft_id: str) -> None:
    agreements.delete_draft(draft_id)
    assert rows() == []
    assert all(line.deleted for line in AgreementTechnique.select().where(AgreementTechnique.agreement == draft_id))


def test_choosing_a_party_prefills_its_address(site_store: Path) -> None:
    details = agreements.party_details("a", str(facility_by_code("HCM-CHORAY").id))
    assert details["a_address"] == "201B Nguyễn Chí Thanh"


def test_our_facility_becomes_party_b_of_new_agreements(site_store: Path) -> None:
    from hospitaldesk.services import site

    assert agreements.new_agreement()["party_b"] == ""
    site.set_site_facility(str(facility_by_code("ST-BVDK").id))
    fresh = agreements.new_agreement()
    assert fresh["party_b"] == str(facility_by_code("ST-BVDK").id)
    assert fresh["sign_place"] == "Cần Thơ"  # Sóc Trăng merged into Cần Thơ on 1 July 2025
    with pytest.raises(ValidationError):
        site.set_site_facility("not-an-id")
    site.set_site_facility("")
    assert agreements.new_agreement()["party_b"] == ""
