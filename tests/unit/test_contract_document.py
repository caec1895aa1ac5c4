"""services/contract_print.py: records to the plain data the PDF builder takes."""
from __future__ import annotations

import datetime as dt
from typing import Any

from hospitaldesk.db.models import Agreement, Facility
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import amendments, contract_print
from tests.unit.conftest import agreement_line, facility_by_code


def test_a_draft_document_is_marked_draft(draft_id: str) -> None:
    doc = contract_print.contract_document(draft_id)
    assert doc.draft and doc.signed_on is None
    # Nothing missing before signing; but Sóc Trăng has no readiness assessment for either technique yet.
    assert len(doc.warnings) == 2 and all("no finalised readiness assessment" in w for w in doc.warnings)
    assert doc.party_a.name == "Bệnh viện Đại học Y Dược Thành phố Hồ Chí Minh"
    assert doc.party_b.representative == "Trần Thị Bình"
    assert [t.name for t in doc.techniques] == ["Phẫu thuật tim hở với tuần hoàn ngoài cơ thể", "Chụp và can thiệp động mạch vành qua da"]
    assert doc.techniques[0].cost == 1_250_000_000 and doc.techniques[0].start == dt.date(2025, 8, 1)
    assert doc.techniques[0].support_mode == "Trainees at Party A"
    assert any("91/2015/QH13" in line for line in doc.legal_bases)
    assert doc.place == "Sóc Trăng" and len(doc.content_hash) == 64


def test_a_signed_document_prints_what_was_signed(signed_id: str) -> None:
    signed = contract_print.contract_document(signed_id)
    assert not signed.draft and signed.signed_on == dt.date(2025, 7, 21) and signed.warnings == []
    assert signed.content_hash == Agreement.get_by_id(signed_id).content_hash
    # A facility renamed after signing does not change the signed paper.
    facility = Facility.get_by_id(facility_by_code("ST-BVDK").id)
    facility.name = "Bệnh viện Đa khoa Sóc Trăng (tên mới)"
    facility.save()
    again = contract_print.contract_document(signed_id)
    assert again.party_b.name == "Bệnh viện Đa khoa tỉnh Sóc Trăng" and again.content_hash == signed.content_hash


def test_the_draft_hash_follows_its_content(draft_id: str, agreement_form: object) -> None:
    from hospitaldesk.services import agreements

    before = contract_print.contract_document(draft_id).content_hash
    values = agreements.get(draft_id)
    agreements.save_draft({**values, "title": "Phẫu thuật tim hở"}, values["lines"], draft_id)
    assert contract_print.contract_document(draft_id).content_hash != before


def test_amendment_document_names_the_contract(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="Bổ sung kỹ thuật", clauses="Bổ sung đặt máy tạo nhịp.\nCác điều khoản khác giữ nguyên.")
    amendment = amendments.save_amendment(signed_id, values, [agreement_line("TM-MAY-TAO-NHIP")])
    draft = contract_print.amendment_document(amendment)
    assert draft.draft and draft.contract_number == Agreement.get_by_id(signed_id).number
    assert draft.clauses == ["Bổ sung đặt máy tạo nhịp.", "Các điều khoản khác giữ nguyên."]
    assert draft.techniques[0].name == "Đặt máy tạo nhịp tim vĩnh viễn"
    amendments.sign_amendment(amendment, "01/02/2026")
    signed = contract_print.amendment_document(amendment)
    assert not signed.draft and signed.signed_on == dt.date(2026, 2, 1)
    assert life.history(signed_id)[-1].description == f"Amendment {values['number']} signed"


def test_a_draft_lists_what_is_missing_before_signing(agreement_form: Any) -> None:
    from hospitaldesk.services import agreements

    draft = agreements.save_draft(agreement_form(b_representative="", sign_place=""), [])
    warnings = contract_print.contract_document(draft).warnings
    assert any("Party B: representative" in w for w in warnings)
    assert any("Place of signing" in w for w in warnings)
    assert any("at least one technique" in w for w in warnings)


def test_a_signed_text_altered_in_the_database_is_not_printed(signed_id: str) -> None:
    import json

    import pytest

    from hospitaldesk.errors import StoreError

    agreement = Agreement.get_by_id(signed_id)
    frozen = json.loads(agreement.frozen_json)
    frozen["techniques"][0]["cost"] = 1
    Agreement.update(frozen_json=json.dumps(frozen, ensure_ascii=False)).where(Agreement.id == agreement.id).execute()
    with pytest.raises(StoreError) as caught:
        contract_print.contract_document(signed_id)
    assert "altered after signing" in caught.value.message
