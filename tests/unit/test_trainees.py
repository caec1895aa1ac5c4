"""Staff registry, departures and returns, enrollments and commitments, retention on a database."""
from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.models import Enrollment, Staff, StaffDeparture
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import enrollments, retention, staff
from hospitaldesk.services.forms import ListQuery
from tests.unit.conftest import facility_by_code, technique_id

CRRT = "NHI-LOC-MAU-LIEN-TUC"
D = dt.date


def ca_mau() -> str:
    return str(facility_by_code("CM-SANNHI").id)


def person(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "facility": ca_mau(), "full_name": "Nguyễn Thị Hạnh", "birth_date": "12/05/1990", "sex": "female",
        "profession": "nurse", "qualification": "Cử nhân điều dưỡng", "department": "Khoa Hồi sức tích cực – Chống độc Nhi",
        "phone": "0290 3831 234", "national_id": "096190001234", "employment_start": "01/08/2012", "status": "working",
    }
    values.update(overrides)
    return values


def add(**overrides: Any) -> str:
    return staff.StaffCatalog().save(person(**overrides))


def trained(staff_id: str, end: str = "30/06/2023", **overrides: Any) -> str:
    values: dict[str, Any] = {
        "technique": technique_id(CRRT), "place": "at_a", "start_on": "02/01/2023", "end_on": end, "status": "certified",
        "result": "Đạt", "certificate_number": "15/CN-NĐ1", "certificate_date": end, "commitment_years": "3",
        "commitment_signed_on": "28/12/2022",
    }
    values.update(overrides)
    return enrollments.save(staff_id, values)


# --- the registry ------------------------------------------------------------------------------


def test_staff_are_searched_without_accents_and_filtered_by_technique(site_store: Path) -> None:
    hanh = add()
    add(full_name="Trần Văn Đức", national_id="", birth_date="", profession="doctor")
    trained(hanh)
    cat = staff.StaffCatalog()
    page = cat.list_page(ListQuery(search="nguyen thi hanh"))
    assert [r["name"] for r in page.rows] == ["Nguyễn Thị Hạnh"]
    assert page.rows[0]["trained_in"] == "Lọc máu liên tục ở trẻ em"
    assert [r["name"] for r in cat.list_page(ListQuery(search="DUC")).rows] == ["Trần Văn Đức"]
    by_technique = cat.list_page(ListQuery(filters={"technique": technique_id(CRRT)}))
    assert [r["name"] for r in by_technique.rows] == ["Nguyễn Thị Hạnh"]


def test_a_nfd_name_is_stored_as_nfc(site_store: Path) -> None:
    record_id = add(full_name=unicodedata.normalize("NFD", "Lê Thị Ánh Tuyết"), national_id="")
    assert Staff.get_by_id(record_id).full_name == unicodedata.normalize("NFC", "Lê Thị Ánh Tuyết")


@pytest.mark.parametrize("field, value", [("national_id", "09619000123"), ("national_id", "0961900012345"),
                                          ("national_id", "09619000123A"), ("phone", "12345"), ("birth_date", "31/02/1990")])
def test_bad_fields_are_named(site_store: Path, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        add(**{field: value})
    assert [e.field for e in caught.value.errors] == [field]
    assert Staff.select().count() == 0


def test_the_same_person_is_not_recorded_twice(site_store: Path) -> None:
    add()
    with pytest.raises(ValidationError) as by_id:
        add(full_name="Nguyễn Thị Hồng")  # another name, the same CCCD
    assert by_id.value.errors[0].field == "national_id" and "Nguyễn Thị Hạnh" in by_id.value.errors[0].message
    with pytest.raises(ValidationError) as by_name:
        add(full_name="NGUYEN THI HANH", national_id="")  # no CCCD: same name and birth date, same facility
    assert by_name.value.errors[0].field == "full_name"
    add(full_name="Nguyễn Thị Hạnh", national_id="", birth_date="12/05/1991")  # another person of that name
    assert Staff.select().count() == 2


def test_left_is_recorded_as_a_departure_not_typed(site_store: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        add(status="left")
    assert caught.value.errors[0].field == "status"


# --- departures and returns ---------------------------------------------------------------------


def test_a_departure_then_a_return(site_store: Path) -> None:
    hanh = add()
    private = str(facility_by_code("CM-SANNHI").id)  # any facility in the list
    staff.record_departure(hanh, {"left_on": "15/03/2024", "reason": "income", "destination_facility": private,
                                  "still_performs": "yes"})
    assert Staff.get_by_id(hanh).status == "left"
    with pytest.raises(ValidationError):  # she is already gone
        staff.record_departure(hanh, {"left_on": "20/03/2024", "reason": "family"})
    with pytest.raises(ValidationError) as early:
        staff.record_return(hanh, {"returned_on": "01/03/2024"})
    assert early.value.errors[0].field == "returned_on"
    staff.record_return(hanh, {"returned_on": "01/10/2024"})
    assert Staff.get_by_id(hanh).status == "working"
    [row] = staff.departures_of(hanh)
    assert row["returned_on"] == "2024-10-01" and row["reason"] == "Income" and row["still_performs"] is True


def test_a_departure_in_the_future_or_before_employment_is_refused(site_store: Path) -> None:
    hanh = add()
    for day in ((dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y"), "01/01/2010"):
        with pytest.raises(ValidationError) as caught:
            staff.record_departure(hanh, {"left_on": day, "reason": "income"})
        assert caught.value.errors[0].field == "left_on"
    assert StaffDeparture.select().count() == 0 and Staff.get_by_id(hanh).status == "working"


# --- enrollments and commitments -----------------------------------------------------------------


def test_a_certified_training_needs_its_certificate_and_end(site_store: Path) -> None:
    hanh = add()
    with pytest.raises(ValidationError) as caught:
        trained(hanh, end="", certificate_number="", certificate_date="")
    assert {e.field for e in caught.value.errors} == {"end_on", "certificate_number", "certificate_date"}
    assert Enrollment.select().count() == 0


def test_an_agreement_must_transfer_the_technique_to_the_persons_facility(site_store: Path) -> None:
    from hospitaldesk.services import agreements
    from tests.unit.conftest import agreement_line

    values = agreements.new_agreement("1")
    values.update(title="Tim mạch", party_a=str(facility_by_code("HCM-DHYD").id), party_b=str(facility_by_code("ST-BVDK").id),
                  a_representative="A", a_position="Giám đốc", b_representative="B", b_position="Giám đốc", sign_place="Sóc Trăng")
    agreement = agreements.save_draft(values, [agreement_line("PT-TIM-HO")])
    hanh = add()
    with pytest.raises(ValidationError) as caught:
        trained(hanh, agreement=agreement)
    assert {e.field for e in caught.value.errors} == {"technique", "agreement"}


def test_leaving_within_the_commitment_is_flagged(site_store: Path) -> None:
    hanh = add()
    trained(hanh)  # 3 years from 30/06/2023: until 30/06/2026
    staff.record_departure(hanh, {"left_on": "01/02/2024", "reason": "income", "destination_kind": "private",
                                  "destination_name": "Bệnh viện tư nhân Phương Nam"})
    [row] = enrollments.of_staff(hanh)
    assert row["commitment_ends_on"] == "2026-06-30" and row["commitment_broken_on"] == "2024-02-01"
    [left] = retention.departures()
    assert left["breaks_commitment"] and left["techniques"] == ["Lọc máu liên tục ở trẻ em"]
    assert left["destination"] == "Bệnh viện tư nhân Phương Nam"


def test_leaving_after_the_commitment_is_not_a_breach(site_store: Path) -> None:
    hanh = add()
    trained(hanh, commitment_years="1")  # until 30/06/2024
    staff.record_departure(hanh, {"left_on": "01/08/2024", "reason": "family"})
    [row] = enrollments.of_staff(hanh)
    assert row["commitment_broken_on"] == ""
    assert not retention.departures()[0]["breaks_commitment"]


def test_commitments_ending_within_90_days(site_store: Path) -> None:
    hanh = add()
    trained(hanh, end="30/06/2023", commitment_years="3")  # ends 30/06/2026
    duc = add(full_name="Trần Văn Đức", national_id="", profession="doctor")
    trained(duc, end="30/06/2023", commitment_years="5")
    ending = retention.commitments_ending(today=D(2026, 5, 1))
    assert [(r["name"], r["days_left"]) for r in ending] == [("Nguyễn Thị Hạnh", 60)]
    assert retention.commitments_ending(today=D(2026, 1, 1)) == []
    # Narrowed and cut as the overview asks: the count of all, the first ones named.
    lan = add(full_name="Lê Thị Lan", national_id="")
    trained(lan, end="15/07/2023", commitment_years="3", technique=technique_id("TM-PCI"))  # ends 15/07/2026
    both = retention.commitments_ending(today=D(2026, 5, 1))
    assert [(r["name"], r["days_left"]) for r in both] == [("Nguyễn Thị Hạnh", 60), ("Lê Thị Lan", 75)]
    assert all(r["technique"] for r in both)
    assert retention.commitments_first(D(2026, 5, 1), 1) == (2, both[:1])
    assert retention.commitments_first(D(2026, 5, 1), 5) == (2, both)
    total, pci = retention.commitments_first(D(2026, 5, 1), 5, techniques={uuid.UUID(technique_id("TM-PCI")).hex})
    assert (total, [r["name"] for r in pci]) == (1, ["Lê Thị Lan"])
    assert retention.commitments_first(D(2026, 5, 1), 5, facilities={uuid.UUID(str(facility_by_code("ST-BVDK").id)).hex}) == (0, [])
    # Trained until 29 February: a year later is 28 February 2025 (commitment_end), not SQLite's 1 March.
    leap = add(full_name="Phạm Văn Nam", national_id="")
    trained(leap, end="29/02/2024", commitment_years="1")
    assert [(r["name"], r["ends_on"]) for r in retention.commitments_ending(today=D(2024, 11, 30))] == [("Phạm Văn Nam", D(2025, 2, 28))]
    assert retention.commitments_ending(today=D(2025, 3, 1)) == []
    mine = retention.commitments_ending(today=D(2026, 5, 1), facility_id=both[0]["facility_id"])
    assert [r["name"] for r in mine] == [r["name"] for r in both if r["facility_id"] == both[0]["facility_id"]]


# --- retention -----------------------------------------------------------------------------------


def test_retention_per_technique_with_the_checklist_requirement(site_store: Path) -> None:
    from hospitaldesk.services import readiness_templates

    # The shipped CRRT checklist asks for trained doctors and nurses (critical items).
    required = sum(int(i["quantity"]) for i in readiness_templates.get(technique_id(CRRT))["items"]
                   if i["domain"] == "human_resources" and i["critical"] in (True, "1"))
    people = [add(full_name=f"Điều dưỡng {n}", national_id="", birth_date="") for n in range(3)]
    for p in people:
        trained(p)
    staff.record_departure(people[0], {"left_on": "01/11/2023", "reason": "income"})
    [row] = retention.retention(today=D(2025, 1, 1), facility_id=ca_mau())
    assert (row.trained, row.active, row.required) == (3, 2, required)
    six, twelve, _twenty_four = row.milestones
    assert (six.retained, six.eligible) == (2, 3)  # the one who left in November was gone by 31/12/2023
    assert (twelve.retained, twelve.eligible) == (2, 3)
    assert row.at_risk and retention.at_risk(today=D(2025, 1, 1)) == [row]


def test_the_requirement_follows_the_checklist_as_edited(site_store: Path) -> None:
    """Required = the critical human-resources items of the current checklist: a removed item, a
    non-critical one and another domain do not count; with none left, nothing is at risk."""
    from hospitaldesk.services import readiness_templates

    trained(add())
    crrt = technique_id(CRRT)
    items = readiness_templates.get(crrt)["items"]
    people = [i for i in items if i["domain"] == "human_resources" and i["critical"] in (True, "1")]
    others = [i for i in items if i["domain"] != "human_resources"]
    assert len(people) >= 2 and others
    first, dropped = {**people[0], "quantity": "4"}, people[1]
    helper = {**dropped, "id": "", "code": "", "critical": False, "quantity": "9"}  # not critical: not counted
    readiness_templates.save(crrt, [first, helper, *[{**o, "quantity": "7"} for o in others]])
    [row] = retention.retention(today=D(2025, 1, 1), facility_id=ca_mau())
    assert (row.required, row.active, row.at_risk) == (4, 1, True)
    readiness_templates.save(crrt, [helper, *others])
    [row] = retention.retention(today=D(2025, 1, 1), facility_id=ca_mau())
    assert row.required is None and not row.at_risk


def test_a_person_trained_twice_counts_once(site_store: Path) -> None:
    hanh = add()
    trained(hanh, end="30/06/2023")
    trained(hanh, end="30/06/2024", certificate_number="20/CN-NĐ1")
    [row] = retention.retention(today=D(2025, 1, 1))
    assert row.trained == 1


def test_the_regions_sql_agrees_with_the_rules_on_hand_built_cases(site_store: Path) -> None:
    """retention() counts in SQL; retention_math states the rules. Same people, same answers."""
    from hospitaldesk.services.retention_math import Absence, TrainedPerson, active_now, milestones

    today = D(2025, 6, 1)
    cases = [  # name, end of training, departures (left, back)
        ("Một", "31/08/2023", []),
        ("Hai", "31/08/2023", [("01/03/2024", None)]),  # left the day after the 6-month mark (28/02/2024)
        ("Ba", "15/01/2023", [("10/06/2023", "10/11/2023")]),  # away at 6 months, back by 12
        ("Bốn", "15/01/2023", [("01/05/2025", None)]),
        ("Năm", "30/11/2024", []),  # not yet 12 months
    ]
    expected_people = []
    for name, end, away in cases:
        person = add(full_name=f"Điều dưỡng {name}", national_id="", birth_date="")
        trained(person, end=end, start_on="01/01/2023" if end != "30/11/2024" else "01/06/2024")
        absences = []
        for left, back in away:
            staff.record_departure(person, {"left_on": left, "reason": "family"})
            if back:
                staff.record_return(person, {"returned_on": back})
            absences.append(Absence(dt.datetime.strptime(left, "%d/%m/%Y").date(),
                                    dt.datetime.strptime(back, "%d/%m/%Y").date() if back else None))
        expected_people.append(TrainedPerson(person, dt.datetime.strptime(end, "%d/%m/%Y").date(), D(2012, 8, 1), tuple(absences)))
    [row] = retention.retention(today=today, facility_id=ca_mau())
    assert [(m.months, m.retained, m.eligible) for m in row.milestones] == \
        [(m.months, m.retained, m.eligible) for m in milestones(expected_people, today, (6, 12, 24))]
    assert row.active == active_now(expected_people, today)
    assert row.trained == len(cases)


# --- retention facts: rebuilt whenever a person's records change ------------------------------------


def test_every_change_to_a_persons_records_marks_their_facts_stale(site_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """… and the trained counts per pair kept beside the facts follow every change (migration 18)."""
    from hospitaldesk.db.connection import database
    from hospitaldesk.services import retention_facts

    hanh = add()
    assert retention_facts.stale_count() == 0  # a person with no training has no facts to rebuild
    enrollment = trained(hanh)
    assert retention_facts.stale_count() == 1 and retention_facts.refresh() == 1 and retention_facts.stale_count() == 0
    changes = [
        lambda: staff.record_departure(hanh, {"left_on": "01/11/2023", "reason": "income"}),
        lambda: staff.record_return(hanh, {"returned_on": "01/02/2024"}),
        lambda: Enrollment.update(end_on=D(2023, 7, 31)).where(Enrollment.id == enrollment).execute(),
        lambda: Staff.update(employment_start=D(2013, 1, 1)).where(Staff.id == hanh).execute(),
        lambda: Staff.update(deleted=True).where(Staff.id == hanh).execute(),
    ]
    def pairs() -> list[tuple[Any, ...]]:
        return database.execute_sql("SELECT facility, technique, trained FROM retention_pair ORDER BY 1, 2").fetchall()

    def counted() -> list[tuple[Any, ...]]:  # what retention_pair must hold: the facts grouped
        return database.execute_sql("SELECT facility, technique, COUNT(*) FROM retention_fact WHERE first = 1 "
                                    "GROUP BY facility, technique ORDER BY 1, 2").fetchall()

    lan = add(full_name="Lê Thị Lan", national_id="")
    trained(lan)
    retention_facts.refresh()
    assert [n for _f, _t, n in pairs()] == [2] and pairs() == counted()
    changes += [
        lambda: Staff.update(deleted=False).where(Staff.id == hanh).execute(),
        lambda: Staff.update(facility=facility_by_code("HCM-CHORAY").id).where(Staff.id == lan).execute(),  # a pair of her own
    ]
    for change in changes:
        change()
        assert retention_facts.stale_count() == 1
        assert retention_facts.refresh() == 1
        assert pairs() == counted()
    assert sorted(n for _f, _t, n in pairs()) == [1, 1]
    # Very many pairs touched: all are recounted at once, to the same counts.
    monkeypatch.setattr(retention_facts, "PAIRS_RECOUNTED_ALL", 0)
    Staff.update(facility=facility_by_code("HCM-CHORAY").id).where(Staff.id == hanh).execute()
    assert retention_facts.refresh() == 1 and pairs() == counted() and [n for _f, _t, n in pairs()] == [2]
    # A change retention does not read leaves the facts alone.
    Staff.update(phone="0290 000 000").where(Staff.id == hanh).execute()
    assert retention_facts.stale_count() == 0


def test_the_view_follows_a_departure_recorded_after_it_was_read(site_store: Path) -> None:
    hanh = add()
    trained(hanh)
    [before] = retention.retention(today=D(2025, 1, 1))
    assert (before.active, before.milestones[1].retained) == (1, 1)
    staff.record_departure(hanh, {"left_on": "01/11/2023", "reason": "income"})
    [after] = retention.retention(today=D(2025, 1, 1))
    assert (after.active, after.milestones[0].retained, after.milestones[1].retained) == (0, 0, 0)  # gone by the 6-month day, 30/12/2023


def test_moving_to_another_facility_moves_the_count(site_store: Path) -> None:
    hanh = add()
    trained(hanh)
    assert [r.facility_id for r in retention.retention(today=D(2025, 1, 1))] == [ca_mau()]
    other = facility_by_code("HCM-CHORAY").id
    Staff.update(facility=other).where(Staff.id == hanh).execute()
    assert [r.facility_id for r in retention.retention(today=D(2025, 1, 1))] == [str(other)]


def test_trained_twice_under_two_agreements_counts_each_under_its_own(site_store: Path) -> None:
    """Unfiltered, a person counts once from their first training; filtered by an agreement, from the
    training under that agreement."""
    from hospitaldesk.db.models import RetentionFact
    from hospitaldesk.services import retention_facts

    hanh = add()
    trained(hanh, end="30/06/2023")
    trained(hanh, end="30/06/2024", certificate_number="20/CN-NĐ1")
    retention_facts.refresh()
    facts = list(RetentionFact.select().where(RetentionFact.staff == hanh))
    assert len(facts) == 1  # both without an agreement: one group, its earliest end
    assert facts[0].trained_on == D(2023, 6, 30) and facts[0].first
    assert facts[0].at6 == D(2023, 12, 30) and facts[0].kept6


def test_the_fact_columns_follow_the_milestones() -> None:
    from hospitaldesk.services import retention_facts, trainee_terms

    assert sorted(retention_facts.MILESTONE_COLUMNS) == sorted(trainee_terms.MILESTONE_MONTHS)


def test_below_need_is_retentions_at_risk_part(site_store: Path) -> None:
    """retention.below_need() counts working staff the other way round (trained, less those not working);
    it must give retention()'s at-risk rows, in its order, on every day: before someone starts, while one
    is away, after they come back, at two hospitals (one with enough staff), a technique without checklist."""
    from hospitaldesk.services import readiness_templates

    required = sum(int(i["quantity"]) for i in readiness_templates.get(technique_id(CRRT))["items"]
                   if i["domain"] == "human_resources" and i["critical"] in (True, "1"))
    st = str(facility_by_code("ST-BVDK").id)
    for n in range(required):  # Sóc Trăng: exactly enough
        trained(add(full_name=f"Bác sĩ {n}", national_id="", birth_date="", facility=st))
    people = [add(full_name=f"Điều dưỡng {n}", national_id="", birth_date="", employment_start="01/08/2012") for n in range(3)]
    late = add(full_name="Điều dưỡng Mới", national_id="", birth_date="", employment_start="01/03/2025")
    for p in [*people, late]:
        trained(p)
    trained(people[1], technique=technique_id("TM-PCI"))  # a second technique: a pair of its own
    staff.record_departure(people[0], {"left_on": "01/11/2023", "reason": "income"})
    staff.record_return(people[0], {"returned_on": "01/06/2024"})
    staff.record_departure(people[2], {"left_on": "01/01/2024", "reason": "family"})
    staff.record_departure(trained_away := add(full_name="Bác sĩ Đi", national_id="", birth_date="", facility=st), {
        "left_on": "01/02/2024", "reason": "income"})
    trained(trained_away)
    for today in (D(2023, 7, 1), D(2023, 12, 1), D(2024, 3, 1), D(2024, 7, 1), D(2025, 1, 1), D(2025, 6, 1)):
        expected = [(r.facility_id, r.facility, r.technique_id, r.technique, r.active, r.required)
                    for r in retention.retention(today) if r.at_risk]
        found = [(r.facility_id, r.facility, r.technique_id, r.technique, r.active, r.required) for r in retention.below_need(today)[1]]
        assert found == expected, today
        assert expected  # Cà Mau is short every day
        for first in range(1, len(expected) + 1):  # the first rows alone: the same, in the same order
            total, rows = retention.below_need(today, first=first)
            assert total == len(expected) and [(r.facility_id, r.technique_id) for r in rows] == [e[0:3:2] for e in expected[:first]]
        crrt_only = retention.below_need(today, techniques={uuid.UUID(technique_id(CRRT)).hex})
        assert crrt_only[0] == len(crrt_only[1]) == sum(1 for e in expected if e[2] == technique_id(CRRT))
        assert retention.below_need(today, facilities={uuid.UUID(st).hex})[0] == sum(1 for e in expected if e[0] == st)
    # Cà Mau on 01/06/2025: the one back, the one never gone, the late one started; the third still away.
    crrt = technique_id(CRRT)
    assert [r.active for r in retention.below_need(D(2025, 6, 1))[1] if (r.facility_id, r.technique_id) == (ca_mau(), crrt)] == [3]
    # Sóc Trăng: as many working as required, the one who left aside: not at risk.
    assert not [r for r in retention.below_need(D(2025, 6, 1))[1] if r.facility_id == st]
    # The counts are for 01/06/2025 now; a departure, a return and a later start recorded that day are counted
    # for it by the refresh (the day stays), and the same rows come on the next day, counted afresh.
    from hospitaldesk.services import retention_facts

    assert retention_facts.counted_day() == D(2025, 6, 1)
    staff.record_departure(people[1], {"left_on": "01/05/2025", "reason": "income"})
    staff.record_return(people[2], {"returned_on": "01/06/2025"})
    coming = add(full_name="Bác sĩ Sắp đến", national_id="", birth_date="", facility=st)
    trained(coming)
    Staff.update(employment_start=D(2025, 7, 1)).where(Staff.id == coming).execute()
    for today in (D(2025, 6, 1), D(2025, 6, 2), D(2025, 7, 1)):
        expected = [(r.facility_id, r.technique_id, r.active, r.required) for r in retention.retention(today) if r.at_risk]
        assert ca_mau() in {e[0] for e in expected}
        assert [(r.facility_id, r.technique_id, r.active, r.required) for r in retention.below_need(today)[1]] == expected, today
        assert retention_facts.counted_day() == today


@pytest.mark.parametrize("chunk", [None, 2], ids=["one statement", "a pair per statement"])
def test_a_new_day_recounts_only_the_pairs_that_change_and_gives_the_full_count(
        site_store: Path, monkeypatch: pytest.MonkeyPatch, chunk: int | None) -> None:
    """When the day moves (forward a day, a month, back), count_absent_on recounts the pairs someone starts,
    leaves or comes back to in between, and the counts equal a full recount for that day, boundaries included."""
    from hospitaldesk.db.connection import database
    from hospitaldesk.services import retention_facts

    if chunk:
        monkeypatch.setattr(retention_facts, "CHUNK", chunk)

    st = str(facility_by_code("ST-BVDK").id)
    pci = technique_id("TM-PCI")
    steady = add(full_name="Bác sĩ Ở Lại", national_id="", birth_date="", facility=st)
    late = add(full_name="Bác sĩ Đến Sau", national_id="", birth_date="", employment_start="10/03/2025")
    away = add(full_name="Điều dưỡng Đi", national_id="", birth_date="")
    back = add(full_name="Điều dưỡng Về", national_id="", birth_date="", facility=st)
    for person in (steady, late, away, back):
        trained(person)
    trained(away, technique=pci)
    staff.record_departure(away, {"left_on": "15/03/2025", "reason": "income"})
    staff.record_departure(back, {"left_on": "01/01/2025", "reason": "family"})
    staff.record_return(back, {"returned_on": "20/03/2025"})

    def pairs() -> list[tuple[Any, ...]]:
        return sorted(database.execute_sql("SELECT facility, technique, trained, absent FROM retention_pair").fetchall())

    retention_facts.refresh()  # the facts first: its own recount of the pairs it touched is not watched here
    recounted: list[Any] = []
    real = retention_facts.recount

    def watched(chosen: Any = None) -> None:
        recounted.append(chosen)
        real(chosen)

    monkeypatch.setattr(retention_facts, "recount", watched)
    retention.below_need(D(2025, 3, 1))
    assert recounted == [None]  # never counted: all of them
    days = [D(2025, 3, 9), D(2025, 3, 10), D(2025, 3, 14), D(2025, 3, 15), D(2025, 3, 16), D(2025, 3, 20),
            D(2025, 3, 20), D(2025, 1, 1), D(2024, 12, 31), D(2025, 6, 1), D(2025, 3, 12)]
    for day in days:
        recounted.clear()
        retention.below_need(day)
        incremental = pairs()
        assert recounted == [] or (len(recounted) == 1 and recounted[0] is not None), day
        database.execute_sql("DELETE FROM retention_pair_day")
        retention_facts.count_absent_on(day)
        assert incremental == pairs(), day
    # 09/03 -> 10/03: the late one starts at Cà Mau: that pair alone; 14/03 -> 15/03: the one who left, in both pairs.
    assert retention_facts.pairs_changing_between(D(2025, 3, 9), D(2025, 3, 10)) == {
        tuple(database.execute_sql("SELECT facility, technique FROM retention_fact WHERE staff = ?", [uuid.UUID(late).hex]).fetchone())}
    assert len(retention_facts.pairs_changing_between(D(2025, 3, 15), D(2025, 3, 14))) == 2
    assert retention_facts.pairs_changing_between(D(2025, 3, 21), D(2025, 3, 31)) == set()
    assert [a for *_k, a in pairs()] != [0] * len(pairs())  # someone is away on the last day counted


def test_commitments_ending_read_a_range_of_their_index(site_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window of commitments ending soon is a range of migration 13's index on the end date, not a
    computation over every training (the overview asks at every start: tests/bench, section j)."""
    from hospitaldesk.db.connection import database

    seen: list[tuple[str, Any]] = []
    real = type(database.obj).execute_sql

    def spy(self: Any, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen.append((sql, params))
        return real(self, sql, params, *args, **kwargs)

    trained(add(), end="30/06/2023", commitment_years="3")
    monkeypatch.setattr(type(database.obj), "execute_sql", spy)
    assert [r["days_left"] for r in retention.commitments_ending(today=D(2026, 5, 1))] == [60]
    monkeypatch.undo()
    [(sql, params)] = [(s, p) for s, p in seen if "enrollment" in s]
    plan = " | ".join(row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "COVERING INDEX enrollment_commitment_end (<expr>>? AND <expr><?)" in plan, plan


def test_below_need_puts_a_shipped_starter_checklist_in_place_as_retention_does(site_store: Path) -> None:
    from hospitaldesk.db.models import ChecklistTemplate

    trained(add())
    crrt = technique_id(CRRT)
    assert not ChecklistTemplate.select().where(ChecklistTemplate.technique == crrt).exists()
    [row] = retention.below_need(D(2025, 1, 1))[1]  # asked first, before retention() ever ran
    assert (row.technique_id, row.active) == (crrt, 1) and row.required > 1
    assert ChecklistTemplate.select().where(ChecklistTemplate.technique == crrt).exists()
