"""services/agreement_lifecycle.py and amendments.py: signing freezes, amendments change, reviews recur."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from hospitaldesk.db.models import Agreement
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import agreements, amendments, contract_content
from tests.unit.conftest import FormFactory, agreement_line, technique_id


def status(record_id: str) -> str:
    return str(Agreement.get_by_id(record_id).status)


# --- the lifecycle --------------------------------------------------------------------------


def test_the_whole_happy_path(signed_id: str) -> None:
    life.change_status(signed_id, "in_progress", "01/08/2025")
    life.change_status(signed_id, "accepted", "15/06/2026")
    life.change_status(signed_id, "closed", "30/06/2026")
    assert status(signed_id) == "closed"
    kinds = [(e.kind, e.description) for e in life.history(signed_id)]
    assert kinds[0] == ("status", "Draft → Signed") and kinds[-1] == ("status", "Accepted → Closed")


@pytest.mark.parametrize(
    "path, target",
    [((), "in_progress"), ((), "accepted"), (("signed",), "closed"), (("signed", "terminated"), "in_progress"),
     (("signed", "in_progress", "accepted", "closed"), "signed"), (("signed",), "draft")],
)
def test_illegal_transitions_are_refused_with_the_possible_steps(draft_id: str, path: tuple[str, ...], target: str) -> None:
    for step in path:
        life.change_status(draft_id, step, "21/07/2025", reason="Bên B không bảo đảm điều kiện")
    before = status(draft_id)
    with pytest.raises(ValidationError) as caught:
        life.change_status(draft_id, target, "22/07/2025")
    assert "cannot become" in caught.value.message
    assert status(draft_id) == before


def test_terminating_needs_a_reason(signed_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        life.change_status(signed_id, "terminated", "01/09/2025", reason="  ")
    assert caught.value.for_field("reason") is not None
    life.change_status(signed_id, "terminated", "01/09/2025", reason="Bên B chưa có máy tim phổi nhân tạo")
    assert life.history(signed_id)[-1].reason == "Bên B chưa có máy tim phổi nhân tạo"


def test_a_change_cannot_be_dated_before_the_previous_one(signed_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        life.change_status(signed_id, "in_progress", "20/07/2025")
    assert caught.value.for_field("on_date") is not None


def test_signing_needs_representatives_place_and_a_technique(agreement_form: FormFactory) -> None:
    draft = agreements.save_draft(agreement_form(a_representative="", sign_place=""), [])
    with pytest.raises(ValidationError) as caught:
        life.change_status(draft, "signed", "21/07/2025")
    assert {e.field for e in caught.value.errors} == {"a_representative", "sign_place", "lines"}
    assert status(draft) == "draft"


def test_signing_freezes_the_text_with_its_hash(signed_id: str) -> None:
    agreement = Agreement.get_by_id(signed_id)
    frozen = json.loads(agreement.frozen_json)
    assert frozen["signed_on"] == "2025-07-21"
    assert [t["name"] for t in frozen["techniques"]] == ["Phẫu thuật tim hở với tuần hoàn ngoài cơ thể", "Chụp và can thiệp động mạch vành qua da"]
    assert agreement.content_hash == contract_content.content_hash(frozen)
    assert len(agreement.content_hash) == 64


def test_a_signed_agreement_cannot_be_edited(signed_id: str, agreement_form: FormFactory) -> None:
    before = Agreement.get_by_id(signed_id).frozen_json
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(title="Sửa lén"), [agreement_line()], signed_id)
    assert "amendment" in caught.value.message
    after = Agreement.get_by_id(signed_id)
    assert after.title == "Phẫu thuật tim hở và can thiệp tim mạch" and after.frozen_json == before


def test_a_signed_agreement_cannot_be_deleted(signed_id: str) -> None:
    with pytest.raises(ValidationError):
        agreements.delete_draft(signed_id)
    assert not Agreement.get_by_id(signed_id).deleted


def test_the_hash_does_not_depend_on_the_interface_language(draft_id: str) -> None:
    from hospitaldesk import i18n

    agreement = Agreement.get_by_id(draft_id)
    english = contract_content.content_hash(contract_content.agreement_content(agreement, agreements.contract_lines(agreement.id)))
    i18n.setup("vi")
    assert contract_content.content_hash(contract_content.agreement_content(agreement, agreements.contract_lines(agreement.id))) == english


# --- reviews --------------------------------------------------------------------------------


def test_first_review_is_six_months_after_signing(signed_id: str) -> None:
    assert Agreement.get_by_id(signed_id).next_review == dt.date(2026, 1, 21)


def test_holding_a_review_schedules_the_next(signed_id: str) -> None:
    assert life.record_review(signed_id, "25/01/2026", "Sơ kết 6 tháng") == dt.date(2026, 7, 21)
    assert life.record_review(signed_id, "20/07/2026") == dt.date(2027, 1, 21)
    assert [e.kind for e in life.history(signed_id)].count("review") == 2


def test_a_late_review_skips_to_the_next_due_date(signed_id: str) -> None:
    assert life.record_review(signed_id, "01/09/2026") == dt.date(2027, 1, 21)


def test_ended_agreements_have_no_review_due(signed_id: str) -> None:
    life.change_status(signed_id, "terminated", "01/09/2025", reason="Hai bên thỏa thuận")
    assert Agreement.get_by_id(signed_id).next_review is None
    with pytest.raises(ValidationError):
        life.record_review(signed_id, "01/10/2025")


def test_overdue_filter(signed_id: str, draft_id: str) -> None:
    from hospitaldesk.services.forms import ListQuery

    page = agreements.AgreementCatalog().list_page(ListQuery(filters={"review": "overdue"}))
    assert [r["id"] for r in page.rows] == [signed_id]  # due 21/01/2026, long past by the test's clock
    assert page.rows[0]["overdue"] is True


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)), (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
    (dt.date(2025, 7, 21), 12, dt.date(2026, 7, 21)), (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
])
def test_add_months_keeps_the_day_or_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert terms.add_months(day, months) == expected


# --- progress -------------------------------------------------------------------------------


def test_progress_is_recorded_after_signing(signed_id: str) -> None:
    line = amendments.technique_progress(signed_id)[0]
    life.set_progress(line["id"], "independent", "01/03/2026")
    assert amendments.technique_progress(signed_id)[0]["progress_label"] == "Performing independently"


def test_progress_is_refused_on_a_draft(draft_id: str) -> None:
    line = agreements.get(draft_id)["lines"][0]
    with pytest.raises(ValidationError):
        life.set_progress(line["id"], "training")


# --- amendments -----------------------------------------------------------------------------


def test_amendment_numbers_follow_the_contract(signed_id: str) -> None:
    assert amendments.new_amendment(signed_id)["number"] == f"01/PL-{Agreement.get_by_id(signed_id).number}"


def test_a_draft_cannot_be_amended(draft_id: str) -> None:
    with pytest.raises(ValidationError):
        amendments.save_amendment(draft_id, {"number": "01/PL", "subject": "x", "clauses": "y"}, [])


def test_an_amendment_reschedules_a_technique_once_signed(signed_id: str) -> None:
    original = amendments.technique_progress(signed_id)[0]
    life.set_progress(original["id"], "training", "01/09/2025")
    values = amendments.new_amendment(signed_id)
    values.update(subject="Điều chỉnh tiến độ", clauses="Kéo dài thời gian đào tạo phẫu thuật tim hở đến 31/07/2026.")
    new_line = agreement_line("PT-TIM-HO", end="31/07/2026", replaces=original["id"])
    amendment = amendments.save_amendment(signed_id, values, [new_line])
    # Not in force until signed.
    assert amendments.technique_progress(signed_id)[0]["end"] == "31/01/2026"
    amendments.sign_amendment(amendment, "15/01/2026")
    in_force = amendments.technique_progress(signed_id)
    assert [row["technique"] for row in in_force] == [technique_id("TM-PCI"), technique_id("PT-TIM-HO")]
    assert in_force[1]["end"] == "31/07/2026" and in_force[1]["progress"] == "training"
    # The contract's own frozen text did not change.
    assert json.loads(Agreement.get_by_id(signed_id).frozen_json)["techniques"][0]["end"] == "2026-01-31"


def test_an_amendment_can_add_a_technique(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="Bổ sung kỹ thuật", clauses="Bổ sung kỹ thuật đặt máy tạo nhịp.")
    amendment = amendments.save_amendment(signed_id, values, [agreement_line("TM-MAY-TAO-NHIP")])
    amendments.sign_amendment(amendment, "01/02/2026")
    assert technique_id("TM-MAY-TAO-NHIP") in [r["technique"] for r in amendments.technique_progress(signed_id)]
    assert [e.description for e in life.history(signed_id)][-1] == f"Amendment {values['number']} signed"


def test_a_signed_amendment_is_frozen(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="Bổ sung", clauses="Điều khoản bổ sung.")
    amendment = amendments.save_amendment(signed_id, values, [])
    amendments.sign_amendment(amendment, "01/02/2026")
    with pytest.raises(ValidationError):
        amendments.save_amendment(signed_id, dict(values, subject="Sửa"), [], amendment)
    with pytest.raises(ValidationError):
        amendments.delete_amendment(amendment)
    assert amendments.get(amendment)["subject"] == "Bổ sung"


def test_an_amendment_cannot_replace_a_line_not_in_force(signed_id: str, draft_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="x", clauses="y")
    with pytest.raises(ValidationError) as caught:
        amendments.save_amendment(signed_id, values, [agreement_line(replaces="00000000-0000-0000-0000-000000000000")])
    assert caught.value.errors[0].row == 1


def test_an_amendment_cannot_be_signed_before_the_contract(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="x", clauses="y")
    amendment = amendments.save_amendment(signed_id, values, [])
    with pytest.raises(ValidationError):
        amendments.sign_amendment(amendment, "01/01/2025")


# --- review findings: edges that must not get through --------------------------------------


def test_two_amendments_replacing_one_line_cannot_both_be_signed(signed_id: str) -> None:
    original = amendments.technique_progress(signed_id)[0]["id"]
    first, second = (
        amendments.save_amendment(signed_id, dict(amendments.new_amendment(signed_id), subject=f"Điều chỉnh {n}", clauses="Gia hạn."),
                                  [agreement_line("PT-TIM-HO", end=end, replaces=original)])
        for n, end in ((1, "31/07/2026"), (2, "31/12/2026"))
    )
    amendments.sign_amendment(first, "15/01/2026")
    with pytest.raises(ValidationError) as caught:
        amendments.sign_amendment(second, "16/01/2026")
    assert caught.value.errors[0].row == 1 and caught.value.errors[0].field == "replaces"
    assert [r["name"] for r in amendments.technique_progress(signed_id)].count("Phẫu thuật tim hở với tuần hoàn ngoài cơ thể") == 1


def test_a_technique_in_force_cannot_be_added_again(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="Bổ sung", clauses="Bổ sung.")
    with pytest.raises(ValidationError) as caught:
        amendments.save_amendment(signed_id, values, [agreement_line("TM-PCI")])
    assert caught.value.errors[0].field == "technique"


def test_an_amendment_of_an_ended_agreement_cannot_be_signed(signed_id: str) -> None:
    values = dict(amendments.new_amendment(signed_id), subject="Bổ sung", clauses="Bổ sung.")
    amendment = amendments.save_amendment(signed_id, values, [])
    life.change_status(signed_id, "terminated", "01/09/2025", reason="Hai bên thỏa thuận")
    with pytest.raises(ValidationError):
        amendments.sign_amendment(amendment, "02/09/2025")
    assert amendments.get(amendment)["status"] == "draft"


@pytest.mark.parametrize("field, value", [("cost", "1" * 25), ("cost", "²"), ("trainees_planned", "9" * 30), ("end", "01/12/9999")])
def test_absurd_line_values_are_named_not_crashed(agreement_form: FormFactory, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        agreements.save_draft(agreement_form(), [agreement_line(**{field: value})])
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (1, field)


def test_a_far_future_review_date_is_refused(signed_id: str) -> None:
    with pytest.raises(ValidationError):
        life.record_review(signed_id, "01/12/9999")


def test_a_review_cannot_be_dated_before_the_previous_one(signed_id: str) -> None:
    life.record_review(signed_id, "25/01/2026")
    with pytest.raises(ValidationError):
        life.record_review(signed_id, "20/01/2026")


def test_signing_in_a_new_year_numbers_the_agreement_in_that_year(agreement_form: FormFactory) -> None:
    draft = agreements.save_draft(agreement_form(number="01/HĐ-CGKT"), [agreement_line()])
    Agreement.update(year=2025).where(Agreement.id == draft).execute()  # drafted in December 2025
    life.change_status(draft, "signed", "05/01/2026")
    assert Agreement.get_by_id(draft).year == 2026


def test_a_renamed_party_is_found_by_its_new_name(draft_id: str) -> None:
    from hospitaldesk.services.catalogs import catalog
    from tests.unit.conftest import facility_by_code

    facilities = catalog("facilities")
    dhyd = str(facility_by_code("HCM-DHYD").id)
    facilities.save({**facilities.get(dhyd), "name": "Bệnh viện Đại học Y Dược Phú Thọ Mới"}, dhyd)
    from hospitaldesk.services.forms import ListQuery

    found = agreements.AgreementCatalog().list_page(ListQuery(search="phu tho moi")).rows
    assert [r["id"] for r in found] == [draft_id]


def test_a_party_or_technique_in_use_cannot_be_deleted(draft_id: str) -> None:
    from hospitaldesk.services.catalogs import catalog
    from tests.unit.conftest import facility_by_code

    with pytest.raises(ValidationError) as caught:
        catalog("facilities").delete(str(facility_by_code("HCM-DHYD").id))
    assert "1 agreement" in caught.value.message
    with pytest.raises(ValidationError):
        catalog("techniques").delete(technique_id("PT-TIM-HO"))


def test_a_crash_after_the_header_is_written_leaves_nothing(agreement_form: FormFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from hospitaldesk.db.models import AgreementTechnique

    def boom(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(agreements, "write_lines", boom)
    with pytest.raises(RuntimeError):
        agreements.save_draft(agreement_form(), [agreement_line()])
    assert Agreement.select().count() == 0 and AgreementTechnique.select().count() == 0
