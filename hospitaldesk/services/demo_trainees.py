"""Demo trainees for the demo agreements: the articles' first problem, made concrete.

Sóc Trăng's cardiology team and Cà Mau's paediatric ICU team, trained by the HCMC hospitals:
most certified and still working; two who left for private hospitals within a year (one of
them breaking a 3-year commitment); one nurse who left and came back; one commitment about to
end (dated from today, so it is always "about to end"). Names are invented.
Idempotent: ids are derived from the demo keys.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from hospitaldesk.db.models import Agreement, Enrollment, Facility, Staff, StaffDeparture, Technique, reference_id
from hospitaldesk.services import enrollments, staff
from hospitaldesk.services.agreement_terms import add_months

# key, facility, name, birth, sex, profession, qualification, department, CCCD, employed since
PEOPLE: list[tuple[str, ...]] = [
    ("st-phuc", "ST-BVDK", "Lâm Hoàng Phúc", "14/02/1984", "male", "doctor", "BS.CKII Ngoại lồng ngực", "Trung tâm Tim mạch", "094084001231", "01/09/2010"),
    ("st-khoa", "ST-BVDK", "Thạch Minh Khoa", "03/11/1988", "male", "doctor", "BS.CKI Gây mê hồi sức", "Trung tâm Tim mạch", "094088002342", "15/08/2014"),
    ("st-long", "ST-BVDK", "Trương Thanh Long", "21/06/1986", "male", "doctor", "ThS.BS Nội tim mạch", "Trung tâm Tim mạch", "094086003453", "01/03/2012"),
    ("st-ngoc", "ST-BVDK", "Kim Thị Bảo Ngọc", "09/09/1992", "female", "nurse", "Cử nhân điều dưỡng", "Trung tâm Tim mạch", "094192004564", "01/07/2015"),
    ("st-thao", "ST-BVDK", "Sơn Thị Thảo", "30/01/1994", "female", "nurse", "Cử nhân điều dưỡng", "Trung tâm Tim mạch", "094194005675", "01/10/2017"),
    ("st-tai", "ST-BVDK", "Lý Văn Tài", "17/05/1990", "male", "technician", "Kỹ thuật viên tim phổi nhân tạo", "Trung tâm Tim mạch", "094090006786", "01/04/2016"),
    ("cm-tuan", "CM-SANNHI", "Huỳnh Anh Tuấn", "12/12/1985", "male", "doctor", "BS.CKII Nhi khoa", "Khoa Hồi sức tích cực – Chống độc Nhi", "096085007897", "01/09/2011"),
    ("cm-vy", "CM-SANNHI", "Đặng Thảo Vy", "25/03/1991", "female", "doctor", "BS.CKI Hồi sức cấp cứu", "Khoa Hồi sức tích cực – Chống độc Nhi", "096191008908", "01/06/2016"),
    ("cm-hanh", "CM-SANNHI", "Nguyễn Thị Mỹ Hạnh", "08/08/1993", "female", "nurse", "Cử nhân điều dưỡng", "Khoa Hồi sức tích cực – Chống độc Nhi", "096193009019", "01/08/2015"),
    ("cm-nhung", "CM-SANNHI", "Tô Hồng Nhung", "19/04/1995", "female", "nurse", "Cử nhân điều dưỡng", "Khoa Hồi sức tích cực – Chống độc Nhi", "096195010120", "01/03/2018"),
    ("cm-ly", "CM-SANNHI", "Phan Thị Kiều Ly", "02/07/1996", "female", "nurse", "Cao đẳng điều dưỡng", "Khoa Hồi sức tích cực – Chống độc Nhi", "096196011231", "01/09/2018"),
    ("cm-binh", "CM-SANNHI", "Võ Thanh Bình", "11/10/1990", "male", "nurse", "Cử nhân điều dưỡng", "Khoa Hồi sức tích cực – Chống độc Nhi", "096090012342", "01/02/2014"),
]
# person, agreement key, technique, place, start, end, status, certificate no., years to serve
TRAININGS: list[tuple[Any, ...]] = [
    ("st-phuc", "st-cardiology", "PT-TIM-HO", "at_a", "01/08/2023", "31/07/2024", "certified", "211/CN-ĐHYD", 5),
    ("st-khoa", "st-cardiology", "PT-TIM-HO", "at_a", "01/08/2023", "31/07/2024", "certified", "212/CN-ĐHYD", 5),
    ("st-tai", "", "PT-TIM-HO", "at_a", "", "", "certified", "97/CN-ĐHYD", 3),  # dates: see ABOUT_TO_END
    ("st-ngoc", "st-cardiology", "PT-TIM-HO", "at_a", "01/08/2023", "31/07/2024", "certified", "214/CN-ĐHYD", 3),
    ("st-long", "st-cardiology", "TM-PCI", "onsite", "01/08/2023", "31/01/2024", "certified", "118/CN-ĐHYD", 4),
    ("st-thao", "st-cardiology", "TM-PCI", "onsite", "01/08/2023", "31/01/2024", "certified", "119/CN-ĐHYD", 4),
    ("st-long", "st-cardiology", "TM-DIEN-SINH-LY", "at_a", "01/02/2024", "", "in_training", "", 3),
    ("cm-tuan", "cm-paediatrics", "NHI-LOC-MAU-LIEN-TUC", "remote", "01/04/2024", "30/09/2024", "certified", "45/CN-NĐ1", 3),
    ("cm-vy", "cm-paediatrics", "NHI-LOC-MAU-LIEN-TUC", "remote", "01/04/2024", "30/09/2024", "certified", "46/CN-NĐ1", 3),
    ("cm-hanh", "cm-paediatrics", "NHI-LOC-MAU-LIEN-TUC", "remote", "01/04/2024", "30/09/2024", "certified", "47/CN-NĐ1", 3),
    ("cm-nhung", "cm-paediatrics", "NHI-LOC-MAU-LIEN-TUC", "remote", "01/04/2024", "30/09/2024", "certified", "48/CN-NĐ1", 3),
    ("cm-ly", "cm-paediatrics", "NHI-LOC-MAU-LIEN-TUC", "remote", "01/04/2024", "30/09/2024", "completed", "", 3),
    ("cm-binh", "cm-paediatrics", "NHI-THO-MAY-CAO-TAN", "at_a", "01/06/2024", "30/11/2024", "certified", "77/CN-NĐ1", 2),
    ("cm-vy", "cm-paediatrics", "NHI-ECMO", "at_a", "01/01/2025", "", "in_training", "", 5),
]
# person, left on, reason, destination facility code or "", typed destination, kind, still performs, came back on
DEPARTURES: list[tuple[Any, ...]] = [
    ("st-khoa", "15/03/2025", "income", "", "Bệnh viện tư nhân Tâm Đức Cần Thơ (dữ liệu minh hoạ)", "private", "yes", ""),
    ("cm-nhung", "01/06/2025", "income", "ST-PK-PHUOCTHIEN", "", "private", "no", ""),
    ("cm-hanh", "10/02/2025", "family", "", "", "other", "no", "01/08/2025"),
]
ABOUT_TO_END = "st-tai"  # his commitment is re-dated so it always ends 45 days from today
REIMBURSEMENT = ("Nếu chấm dứt hợp đồng làm việc trước thời hạn cam kết, người được đào tạo bồi hoàn chi phí đào tạo "
                 "tương ứng với thời gian chưa phục vụ, theo quy chế chi tiêu nội bộ của đơn vị.")


def _person_id(key: str) -> Any:
    return reference_id("demo-staff", key)


def _people() -> int:
    added = 0
    for key, facility, name, birth, sex, profession, qualification, department, national_id, since in PEOPLE:
        if Staff.get_or_none(Staff.id == _person_id(key)) is not None:
            continue
        record = Staff(id=_person_id(key))
        values = staff.StaffCatalog().validate({
            "facility": str(Facility.get(Facility.code == facility).id), "full_name": name, "birth_date": birth, "sex": sex,
            "profession": profession, "qualification": qualification, "department": department, "national_id": national_id,
            "employment_start": since, "status": "working"})
        staff.StaffCatalog().apply(record, values)
        record.refresh_search_key()
        record.save(force_insert=True)
        added += 1
    return added


def _trainings() -> int:
    added = 0
    today = dt.date.today()
    for person, agreement_key, code, place, start, end, status, certificate, years in TRAININGS:
        enrollment_id = reference_id("demo-enrollment", f"{person}:{code}")
        if Enrollment.get_or_none(Enrollment.id == enrollment_id) is not None:
            continue
        agreement = Agreement.get_or_none(Agreement.id == reference_id("demo-agreement", agreement_key)) if agreement_key else None
        raw = {"technique": str(Technique.get(Technique.code == code).id), "agreement": str(agreement.id) if agreement else "",
               "place": place, "start_on": start, "end_on": end, "status": status, "certificate_number": certificate,
               "certificate_date": end if certificate else "", "commitment_years": str(years), "commitment_signed_on": start,
               "reimbursement": REIMBURSEMENT, "training_cost": "60000000", "result": "Đạt" if end else ""}
        if person == ABOUT_TO_END:  # trained earlier, under the Project 1816 rotation, not this agreement
            ends = add_months(today + dt.timedelta(days=45), -12 * years)
            raw.update(agreement="", notes="Đào tạo theo Đề án 1816 trước khi ký hợp đồng chuyển giao.",end_on=ends.strftime("%d/%m/%Y"), certificate_date=ends.strftime("%d/%m/%Y"),
                       start_on=add_months(ends, -12).strftime("%d/%m/%Y"), commitment_signed_on=add_months(ends, -12).strftime("%d/%m/%Y"))
        enrollments.save(str(_person_id(person)), raw, new_id=enrollment_id)
        added += 1
    return added


def _departures() -> int:
    added = 0
    for person, left_on, reason, facility_code, typed, kind, performs, returned in DEPARTURES:
        if StaffDeparture.select().where(StaffDeparture.staff == _person_id(person)).exists():
            continue
        destination = str(Facility.get(Facility.code == facility_code).id) if facility_code else ""
        staff.record_departure(str(_person_id(person)), {"left_on": left_on, "reason": reason, "destination_facility": destination,
                                                         "destination_name": typed, "destination_kind": kind, "still_performs": performs})
        if returned:
            staff.record_return(str(_person_id(person)), {"returned_on": returned})
        added += 1
    return added


def demo_trainees() -> int:
    return _people() + _trainings() + _departures()
