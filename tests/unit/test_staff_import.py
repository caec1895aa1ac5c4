"""Importing staff and trainings from Excel and CSV: all or nothing, errors by row and column,
people already recorded matched rather than doubled."""
from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from hospitaldesk.db.models import Enrollment, Staff
from hospitaldesk.services import staff_import
from tests.unit.conftest import facility_by_code
from tests.unit.test_tabular import windows_1258

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Chức danh", "Khoa/Phòng", "Số CCCD", "Mã cơ sở",
           "Kỹ thuật", "Ngày bắt đầu", "Ngày kết thúc", "Số chứng nhận", "Ngày cấp", "Số năm cam kết"]


def row(n: int, name: str, birth: Any, national_id: Any, technique: str = "NHI-LOC-MAU-LIEN-TUC", **over: Any) -> list[Any]:
    values = {"stt": n, "name": name, "birth": birth, "sex": "Nữ", "profession": "Điều dưỡng", "department": "Khoa Hồi sức tích cực",
              "cccd": national_id, "facility": "CM-SANNHI", "technique": technique, "start": dt.date(2024, 4, 1),
              "end": dt.date(2024, 9, 30), "certificate": f"{40 + n}/CN-NĐ1", "issued": dt.date(2024, 9, 30), "years": 3}
    values.update(over)
    return list(values.values())


def workbook(path: Path, rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for values in rows:
        sheet.append(list(values))
    book.save(path)
    return path


def good_rows() -> list[list[Any]]:
    return [
        row(1, "Nguyễn Thị Mỹ Hạnh", dt.date(1993, 8, 8), 96193009019),  # a number: the leading zero is gone
        row(2, "Tô Hồng Nhung", "19/04/1995", "096195010120"),
        row(3, "Huỳnh Anh Tuấn", dt.date(1985, 12, 12), "096085007897", profession="BS", sex="Nam"),
        # Tuấn again, trained in a second technique: one person, two trainings.
        row(4, "Huỳnh Anh Tuấn", dt.date(1985, 12, 12), "096085007897", technique="NHI-THO-MAY-CAO-TAN", profession="BS", sex="Nam",
            start=dt.date(2024, 6, 1), end=dt.date(2024, 11, 30), certificate="77/CN-NĐ1", issued=dt.date(2024, 11, 30)),
    ]


def test_a_good_file_is_imported_in_full(site_store: Path, tmp_path: Path) -> None:
    report = staff_import.import_staff(workbook(tmp_path / "ds.xlsx", good_rows()))
    assert report.ok and report.written, [staff_import.describe(e) for e in report.errors]
    assert (report.rows, report.people_new, report.trainings_new) == (4, 3, 4)
    hanh = Staff.get(Staff.full_name == "Nguyễn Thị Mỹ Hạnh")
    assert hanh.national_id == "096193009019" and hanh.birth_date == dt.date(1993, 8, 8)
    assert hanh.facility_id == facility_by_code("CM-SANNHI").id and hanh.profession == "nurse"
    tuan = Staff.get(Staff.full_name == "Huỳnh Anh Tuấn")
    assert tuan.profession == "doctor" and tuan.sex == "male"
    assert Enrollment.select().where(Enrollment.staff == tuan.id).count() == 2
    assert {e.status for e in Enrollment.select()} == {"certified"}
    from hospitaldesk.services.catalogs import catalog
    from tests.unit.conftest import names

    assert names(catalog("staff"), "nguyen thi my hanh") == ["Nguyễn Thị Mỹ Hạnh"]  # the search index was fed


def test_importing_the_same_file_again_doubles_nothing(site_store: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", good_rows())
    staff_import.import_staff(path)
    again = staff_import.import_staff(path)
    assert again.ok and (again.people_new, again.trainings_new, again.trainings_existing) == (0, 0, 4)
    assert [m.name for m in again.matched] == ["Nguyễn Thị Mỹ Hạnh", "Tô Hồng Nhung", "Huỳnh Anh Tuấn"]
    assert Staff.select().count() == 3 and Enrollment.select().count() == 4


def test_three_bad_rows_write_nothing_and_each_is_named(site_store: Path, tmp_path: Path) -> None:
    rows = good_rows() + [
        row(5, "Lê Văn A", "31/02/1990", "096190001111"),  # no such date
        row(6, "Lê Văn B", dt.date(1990, 1, 1), "12345"),  # not a CCCD
        row(7, "Lê Văn C", dt.date(1990, 1, 1), "096190003333", technique="KHONG-CO"),  # unknown technique
    ]
    report = staff_import.import_staff(workbook(tmp_path / "bad.xlsx", rows))
    assert not report.written and Staff.select().count() == 0 and Enrollment.select().count() == 0
    found = {(e.row, e.column.split(" · ")[0]) for e in report.errors}
    assert found == {(6, "C"), (7, "G"), (8, "I")}  # Excel rows (header = 1) and column letters
    bad_date = next(e for e in report.errors if e.row == 6)
    assert bad_date.value == "31/02/1990" and "Ngày sinh" in bad_date.column
    assert "Row 7" in staff_import.describe(next(e for e in report.errors if e.row == 7))


def test_the_same_cccd_with_other_details_is_an_error(site_store: Path, tmp_path: Path) -> None:
    rows = [row(1, "Nguyễn Văn Một", dt.date(1990, 1, 1), "096190001234"),
            row(2, "Trần Văn Hai", dt.date(1991, 2, 2), "096190001234", technique="NHI-ECMO")]
    report = staff_import.import_staff(workbook(tmp_path / "dup.xlsx", rows))
    assert not report.written
    [error] = report.errors
    assert error.row == 3 and "Row 2" in error.message


def test_nfd_names_are_stored_nfc(site_store: Path, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Phan Thị Kiều Ly")
    report = staff_import.import_staff(workbook(tmp_path / "nfd.xlsx", [row(1, nfd, dt.date(1996, 7, 2), "")]))
    assert report.written
    assert Staff.get().full_name == unicodedata.normalize("NFC", "Phan Thị Kiều Ly")


def test_a_dry_run_checks_and_writes_nothing(site_store: Path, tmp_path: Path) -> None:
    report = staff_import.import_staff(workbook(tmp_path / "ds.xlsx", good_rows()), dry_run=True)
    assert report.ok and not report.written and report.people_new == 3
    assert Staff.select().count() == 0


def test_a_missing_required_column_is_named(site_store: Path, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "Họ và tên"]
    rows = [[v for i, v in enumerate(r) if HEADERS[i] != "Họ và tên"] for r in good_rows()]
    report = staff_import.import_staff(workbook(tmp_path / "noname.xlsx", rows, headers))
    assert not report.written and len(report.errors) == 1 and "Full name" in report.errors[0].column


def test_without_a_facility_column_the_chosen_facility_is_used(site_store: Path, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "Mã cơ sở"]
    rows = [[v for i, v in enumerate(r) if HEADERS[i] != "Mã cơ sở"] for r in good_rows()]
    path = workbook(tmp_path / "nofacility.xlsx", rows, headers)
    refused = staff_import.import_staff(path)
    assert not refused.written and "facility" in refused.errors[0].message
    accepted = staff_import.import_staff(path, default_facility=str(facility_by_code("CM-SANNHI").id))
    assert accepted.written and Staff.select().count() == 3


def test_csv_with_bom_and_windows_1258(site_store: Path, tmp_path: Path) -> None:
    lines = ["Họ và tên;Ngày sinh;Chức danh;Mã cơ sở", "Võ Thanh Bình;11/10/1990;Điều dưỡng;CM-SANNHI"]
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("\n".join(lines).encode("utf-8-sig"))
    assert staff_import.import_staff(utf8).written
    legacy = tmp_path / "cp1258.csv"
    legacy.write_bytes(windows_1258("\n".join(lines).replace("Võ Thanh Bình", "Đặng Thảo Vy")))
    report = staff_import.import_staff(legacy)
    assert report.written, report.errors
    assert {s.full_name for s in Staff.select()} == {"Võ Thanh Bình", "Đặng Thảo Vy"}


def test_five_thousand_rows(site_store: Path, tmp_path: Path) -> None:
    rows = [row(n, f"Nhân viên Số {n:05d}", dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28), f"0961{n:08d}") for n in range(1, 5001)]
    path = workbook(tmp_path / "big.xlsx", rows)
    started = time.perf_counter()
    report = staff_import.import_staff(path)
    print(f"\n5,000-row import: {time.perf_counter() - started:.1f} s")
    assert report.written and report.people_new == 5000 and report.trainings_new == 5000
    assert Staff.select().count() == 5000
