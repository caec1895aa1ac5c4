"""services/tabular: reading .xlsx/.csv into text rows, mapping headers, writing .xlsx."""
from __future__ import annotations

import datetime as dt
import os
import time
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hospitaldesk import i18n
from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.services.tabular import (
    ColumnSpec,
    Table,
    TableRow,
    column_letter,
    map_headers,
    read_table,
    safe_sheet_title,
    write_xlsx,
)

HEADERS = ["Họ và tên", "Số CCCD", "Ngày sinh", "Điện thoại"]


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def cells(table: Table) -> list[tuple[int, list[str]]]:
    return [(row.number, row.cells) for row in table.rows]


def make_xlsx(path: Path, rows: list[list[Any]], title: str = "Danh sách") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def windows_1258(value: str) -> bytes:
    """What Excel writes as "CSV" on a Vietnamese Windows.

    Plain NFD does not encode (cp1258 has no combining circumflex or breve: â, ă, ê,
    ô, ơ, ư are single bytes), and NFC does not either (no precomposed ễ, ặ...).
    Windows keeps the base letter precomposed and writes only the tone mark apart.
    """
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", value):
        try:
            char.encode("cp1258")
            out.append(char)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


# --- xlsx ----------------------------------------------------------------------------------


def test_xlsx_cells_come_back_as_the_text_excel_shows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "nhan-vien.xlsx", [
        [*HEADERS, "Hệ số", "Đã ký", "Giờ vào ca"],
        [" Nguyễn Văn Ân ", 791234567891, dt.datetime(1990, 7, 21), 912345678, 0.1 + 0.2, True, dt.datetime(2024, 3, 5, 7, 30)],
        ["Trần Thị Bé", "079123456789", dt.date(1985, 2, 5), "0912 345 678", 0.00001, False, None],
        [None, None, None, None],
        ["   ", "", None, None],  # spaces only: blank too
        [nfd("Lê Hoàng Đức"), 7.5e11, None, None, 12.0, None, None],
    ])
    table = read_table(path)
    assert table.headers == [*HEADERS, "Hệ số", "Đã ký", "Giờ vào ca"]
    assert table.sheet_name == "Danh sách" and table.source_encoding is None and table.header_row == 1
    assert cells(table) == [
        (2, ["Nguyễn Văn Ân", "791234567891", "21/07/1990", "912345678", "0.3", "1", "05/03/2024 07:30"]),
        (3, ["Trần Thị Bé", "079123456789", "05/02/1985", "0912 345 678", "0.00001", "0", ""]),
        (6, ["Lê Hoàng Đức", "750000000000", "", "", "12", "", ""]),
    ]
    assert unicodedata.is_normalized("NFC", table.rows[2].cells[0])


def test_xlsx_id_stored_as_a_float_in_scientific_notation_keeps_its_digits(tmp_path: Path) -> None:
    """Excel writes some big numbers as <v>7.91234567891E+11</v>; the ID must still read as 12 digits."""
    path = make_xlsx(tmp_path / "src.xlsx", [["Họ và tên", "Số CCCD"], ["Phạm Minh Châu", 123.25]])
    patched = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>123.25</v>" in data
                data = data.replace(b"<v>123.25</v>", b"<v>7.91234567891E+11</v>")
            dst.writestr(item, data)
    assert cells(read_table(patched)) == [(2, ["Phạm Minh Châu", "791234567891"])]


def test_xlsx_number_formatted_with_leading_zeros_reads_as_excel_shows_it(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số CCCD"])
    sheet.append(["Võ Thị Hạnh", 79123456789])  # 11 digits: the leading 0 was lost when typed as a number
    sheet["B2"].number_format = "000000000000"  # ...but the cell shows it, as hospitals often do
    workbook.save(tmp_path / "ids.xlsx")
    assert cells(read_table(tmp_path / "ids.xlsx")) == [(2, ["Võ Thị Hạnh", "079123456789"])]


def test_xlsx_header_below_blank_rows_and_ragged_rows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "lech.xlsx", [
        [],
        [None, None],
        ["Họ và tên", "Số CCCD", None, None],  # trailing empty header cells are not columns
        ["Đặng Văn Hùng", "001234567890", "ignored: beyond the headers"],
        ["Lý Thị Mai"],
    ])
    table = read_table(path)
    assert table.header_row == 3
    assert table.headers == ["Họ và tên", "Số CCCD"]
    assert cells(table) == [(4, ["Đặng Văn Hùng", "001234567890"]), (5, ["Lý Thị Mai", ""])]


def test_xlsx_reads_the_first_visible_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Cấu hình"
    hidden.append(["secret"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("Nhân viên")
    visible.append(["Họ và tên"])
    visible.append(["Ngô Thanh Tâm"])
    workbook.save(tmp_path / "two.xlsx")
    table = read_table(tmp_path / "two.xlsx")
    assert table.sheet_name == "Nhân viên"
    assert cells(table) == [(2, ["Ngô Thanh Tâm"])]


# --- csv -----------------------------------------------------------------------------------


def test_csv_utf8_with_bom_comma(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes("\ufeffHọ và tên,Số CCCD,Ngày sinh\r\nNguyễn Văn Ân,079123456789,21/07/1990\r\n,,\r\nTrần Thị Bé,001234567890,05/02/1985\r\n".encode())
    table = read_table(path)
    assert table.source_encoding == "utf-8-sig" and table.delimiter == ","
    assert table.headers == ["Họ và tên", "Số CCCD", "Ngày sinh"]
    assert cells(table) == [
        (2, ["Nguyễn Văn Ân", "079123456789", "21/07/1990"]),
        (4, ["Trần Thị Bé", "001234567890", "05/02/1985"]),
    ]


def test_csv_utf8_without_bom_semicolon_with_commas_in_values(tmp_path: Path) -> None:
    path = tmp_path / "staff.txt"
    path.write_text("Họ và tên;Địa chỉ;Lương\nNguyễn Văn Ân;Ấp An Thành, xã Kế Sách;12,5\n", encoding="utf-8")
    table = read_table(path)
    assert table.source_encoding == "utf-8" and table.delimiter == ";"
    assert cells(table) == [(2, ["Nguyễn Văn Ân", "Ấp An Thành, xã Kế Sách", "12,5"])]


def test_csv_tab_delimited(tmp_path: Path) -> None:
    path = tmp_path / "staff.tsv"
    path.write_text("Họ và tên\tSố CCCD\nLê Văn Cường\t079123456789\n", encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == "\t"
    assert cells(table) == [(2, ["Lê Văn Cường", "079123456789"])]


def test_csv_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Họ và tên\tĐiện thoại\r\nHuỳnh Thị Ngọc Ánh\t0912345678\r\n".encode("utf-16"))  # with BOM, like Excel
    table = read_table(path)
    assert table.source_encoding == "utf-16" and table.delimiter == "\t"
    assert cells(table) == [(2, ["Huỳnh Thị Ngọc Ánh", "0912345678"])]


def test_csv_quoted_field_with_line_break_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        'Họ và tên,Ghi chú\n"Nguyễn Văn Ân","Dòng 1\nDòng 2, có ""ngoặc"""\nTrần Thị Bé,một dòng\n', encoding="utf-8"
    )
    table = read_table(path)
    assert cells(table) == [
        (2, ["Nguyễn Văn Ân", 'Dòng 1\nDòng 2, có "ngoặc"']),
        (3, ["Trần Thị Bé", "một dòng"]),  # the row number Excel shows, not the text line (4)
    ]


def test_csv_nfd_names_come_back_nfc(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_text(nfd("Họ và tên,Khoa\nNguyễn Thị Ánh Tuyết,Hồi sức tích cực\n"), encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Họ và tên", "Khoa"]
    assert cells(table) == [(2, ["Nguyễn Thị Ánh Tuyết", "Hồi sức tích cực"])]
    assert all(unicodedata.is_normalized("NFC", c) for c in table.headers + table.rows[0].cells)


def test_csv_windows_1258_reads_as_nfc_vietnamese(tmp_path: Path) -> None:
    content = "Họ và tên;Nơi công tác\r\nĐặng Thị Hồng Nhung;Bệnh viện Đa khoa tỉnh Sóc Trăng\r\nỸ Ngọc Ẩn;Khoa Hồi sức – “ICU”\r\n"
    with pytest.raises(UnicodeEncodeError):
        nfd(content).encode("cp1258")  # see windows_1258()
    data = windows_1258(content)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "excel-1258.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.source_encoding == "cp1258" and table.delimiter == ";"
    assert table.headers == ["Họ và tên", "Nơi công tác"]
    assert cells(table) == [
        (2, ["Đặng Thị Hồng Nhung", "Bệnh viện Đa khoa tỉnh Sóc Trăng"]),
        (3, ["Ỹ Ngọc Ẩn", "Khoa Hồi sức – “ICU”"]),
    ]
    assert all(unicodedata.is_normalized("NFC", c) for row in table.rows for c in row.cells)


@pytest.mark.parametrize(
    "data",
    [
        "Name;City\nJürgen Müller;Straße\n".encode("latin-1"),  # letters Vietnamese does not have
        "Name\nNiño\n".encode("latin-1"),
        b"Name\n\x81\x8d garbage\n",  # bytes Windows-1258 does not define
        b"Ho ten\nNguy\xd4n Th\xde Mai\n",  # TCVN3 "Nguyễn Thị": in 1258 a tone mark left on a consonant
        b"Name\x00\n\x00\x01\x02",  # binary
    ],
)
def test_csv_neither_utf8_nor_vietnamese_windows_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path)
    assert caught.value.message == (
        "latin.csv is not UTF-8 and not Vietnamese Windows (1258) text. Open it in Excel, save it as CSV UTF-8 and try again."
    )


def test_csv_unclosed_quote_is_reported_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('Họ và tên,Ghi chú\nAn,"không đóng ngoặc\n' + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path)
    assert caught.value.message.startswith("broken.csv: row 2 cannot be read (")
    assert "quotation mark that is not closed" in caught.value.message


# --- refusals ------------------------------------------------------------------------------


def test_old_xls_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "cu.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path)
    assert caught.value.message == (
        "cu.xls is in the old Excel format (.xls). Open it in Excel, save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again."
    )


def test_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "khoa.xlsx"  # an encrypted .xlsx is an OLE2 file holding an EncryptedPackage stream
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    with pytest.raises(HospitalDeskError, match="khoa.xlsx is protected by a password. Open it in Excel, remove the password"):
        read_table(path)


def test_web_page_named_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xuat-tu-phan-mem.xls"
    path.write_text("<html><table><tr><td>Họ tên</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(HospitalDeskError, match="is not a real Excel workbook but a web page or XML file"):
        read_table(path)


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"random bytes, no zip at all"])
def test_damaged_xlsx_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(data)
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path)
    assert caught.value.message == (
        "hong.xlsx is damaged or is not an Excel workbook. Save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again."
    )


def test_workbook_renamed_csv_is_still_read(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "that-ra-la-xlsx.csv", [["Họ và tên"], ["Mai Anh"]])
    assert cells(read_table(path)) == [(2, ["Mai Anh"])]


def test_other_formats_missing_and_empty_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bang.ods").write_bytes(b"PK\x03\x04")
    with pytest.raises(HospitalDeskError) as caught:
        read_table(tmp_path / "bang.ods")
    assert caught.value.message == "bang.ods cannot be read: choose an Excel workbook (.xlsx) or a CSV file (.csv, .txt)."
    with pytest.raises(HospitalDeskError, match="Could not open khong-co.csv"):
        read_table(tmp_path / "khong-co.csv")
    (tmp_path / "rong.csv").write_bytes(b"\r\n;;\r\n")
    with pytest.raises(HospitalDeskError, match="rong.csv is empty: its first row must hold the column headers"):
        read_table(tmp_path / "rong.csv")


def test_too_many_rows_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "lon.csv"
    path.write_text("Họ và tên\n" + "".join(f"Người {i}\n" for i in range(1, 6)), encoding="utf-8")
    assert len(read_table(path, max_rows=5).rows) == 5
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path, max_rows=4)
    assert caught.value.message == "lon.csv has more than 4 rows. Split it into files of at most 4 rows and import them one by one."


def test_messages_are_vietnamese_in_vietnamese(tmp_path: Path) -> None:
    i18n.setup("vi")
    path = tmp_path / "cu.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    with pytest.raises(HospitalDeskError) as caught:
        read_table(path)
    assert caught.value.message.startswith("cu.xls ") and "Excel" in caught.value.message
    assert "old Excel format" not in caught.value.message and "CSV UTF-8" in caught.value.message


# --- headers -------------------------------------------------------------------------------

STAFF_COLUMNS = [
    ColumnSpec("full_name", "Full name", ("Họ tên", "Tên", "Name"), required=True),
    ColumnSpec("national_id", "National ID (CCCD)", ("CCCD", "Số CCCD/CMND", "CMND"), required=True),
    ColumnSpec("birth_date", "Date of birth", ("Ngày tháng năm sinh",)),
    ColumnSpec("phone", "Phone", ("SĐT", "Số điện thoại")),
]


@pytest.mark.parametrize(
    "headers",
    [
        ["Họ và tên", "Số CCCD", "Ngày sinh", "Điện thoại"],  # the Vietnamese labels, even with English messages
        ["HO VA TEN", "so cccd", "NGAY SINH", "dien thoai"],  # accents lost, any case
        ["Full name", "National ID (CCCD)", "Date of birth", "Phone"],  # English labels
        ["  Họ  tên (*) ", "CCCD", "Ngày sinh (dd/mm/yyyy)", "SĐT"],  # aliases, hints, spaces
        [nfd("Họ và tên"), "số cccd/cmnd", "ngày tháng năm sinh", "Số điện thoại:"],
    ],
)
def test_headers_match_whatever_their_accents_case_or_language(headers: list[str]) -> None:
    header_map = map_headers(["STT", *headers], STAFF_COLUMNS)
    assert header_map.columns == {"full_name": 1, "national_id": 2, "birth_date": 3, "phone": 4}
    assert header_map.unknown == [] and header_map.errors == [] and header_map.ok
    assert header_map.warnings() == []


def test_unknown_headers_are_ignored_with_a_warning_and_values_follow_the_map() -> None:
    header_map = map_headers(["Ghi chú riêng", "Tên", "CCCD", "", "Chức vụ cũ"], STAFF_COLUMNS)
    assert header_map.columns == {"full_name": 1, "national_id": 2}
    assert header_map.unknown == ["Ghi chú riêng", "Chức vụ cũ"]
    assert header_map.warnings() == ["These columns were not recognised and are ignored: “Ghi chú riêng”, “Chức vụ cũ”."]
    assert map_headers(["Tên", "CCCD", "Khác"], STAFF_COLUMNS).warnings() == [
        "This column was not recognised and is ignored: “Khác”."
    ]
    row = TableRow(7, ["x", "Lê Văn Tám", "079123456789", "", "y"])
    assert header_map.values(row) == {"full_name": "Lê Văn Tám", "national_id": "079123456789"}


def test_missing_required_column_is_a_field_error_naming_the_header_to_add() -> None:
    header_map = map_headers(["Họ và tên", "Ngày sinh"], STAFF_COLUMNS)
    assert not header_map.ok
    assert [(e.field, e.label, e.message) for e in header_map.errors] == [
        ("national_id", "National ID (CCCD)",
         "The file has no column for it. Add a column headed “National ID (CCCD)” beside the other headers."),
    ]
    with pytest.raises(ValidationError) as caught:
        header_map.check()
    assert caught.value.for_field("national_id") is not None
    i18n.setup("vi")
    vietnamese = map_headers(["Họ và tên"], STAFF_COLUMNS).errors[0]
    assert vietnamese.label == "Số CCCD" and "“Số CCCD”" in vietnamese.message


def test_two_columns_for_one_field_is_an_error_naming_both() -> None:
    header_map = map_headers(["Họ và tên", "CCCD", "Họ tên"], STAFF_COLUMNS)
    assert header_map.columns == {"full_name": 0, "national_id": 1}
    assert [(e.field, e.message) for e in header_map.errors] == [
        ("full_name", "Two columns hold it: “Họ và tên” (column A) and “Họ tên” (column C). Keep only one of them."),
    ]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


# --- write_xlsx ----------------------------------------------------------------------------


def test_write_xlsx_round_trip_keeps_text_dates_and_ids(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Nguyễn Văn Ân", "079123456789", dt.date(1990, 7, 21), "0912345678", 12_500_000, "=SUM(A1:A2)"],
        ["Đặng Thị Hồng Nhung", "001234567890", "05/02/1985", "02993876123", "1.250.000", "Dòng 1\nDòng 2"],
        ["Lý Thị Mai", 79123456789, None, None, None, ""],
    ]
    out = write_xlsx(
        tmp_path / "xuat nhan vien", "Nhân viên: 2024/2025 [Khoa Nội] rất dài",
        ["Họ và tên", "Số CCCD", "Ngày sinh", "Điện thoại", "Lương", "Ghi chú"], rows,
        {1: "text", 2: "date", 3: "text", 4: "money"},
    )
    assert out == tmp_path / "xuat nhan vien.xlsx" and out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["xuat nhan vien.xlsx"]  # no temporary file left

    table = read_table(out)
    assert table.headers == ["Họ và tên", "Số CCCD", "Ngày sinh", "Điện thoại", "Lương", "Ghi chú"]
    assert cells(table) == [
        (2, ["Nguyễn Văn Ân", "079123456789", "21/07/1990", "0912345678", "12500000", "=SUM(A1:A2)"]),
        (3, ["Đặng Thị Hồng Nhung", "001234567890", "05/02/1985", "02993876123", "1250000", "Dòng 1\nDòng 2"]),
        (4, ["Lý Thị Mai", "79123456789", "", "", "", ""]),
    ]

    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "Nhân viên 2024 2025 Khoa Nội rấ" and len(sheet.title) == 31
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert (sheet["B2"].data_type, sheet["B2"].number_format) == ("s", "@")
    assert sheet["C2"].value == dt.datetime(1990, 7, 21) and sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["C3"].value == dt.datetime(1985, 2, 5)  # a dd/mm/yyyy string in a date column is a real date
    assert sheet["E2"].value == 12_500_000 and sheet["E2"].number_format == "#,##0"
    assert sheet["E3"].value == 1_250_000
    assert sheet["F2"].data_type == "s" and sheet["F2"].value == "=SUM(A1:A2)"  # text, never a formula
    assert 20 <= sheet.column_dimensions["A"].width <= 25  # from "Đặng Thị Hồng Nhung", not the header
    assert sheet.column_dimensions["F"].width == 13  # the longest value ("=SUM(A1:A2)") + 2; a note counts by its longest line


def test_write_xlsx_auto_kinds_and_odd_values(tmp_path: Path) -> None:
    stamp = dt.datetime(2024, 3, 5, 1, 30, tzinfo=dt.timezone.utc)
    out = write_xlsx(
        tmp_path / "auto.xlsx", "", ["Ngày", "Số", "Cờ", "Lúc", "Chữ"],
        iter([(dt.date(2023, 7, 21), 2023, True, stamp, "có\x01 ký tự lạ")]),
    )
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "List"
    row = [c.value for c in sheet[2]]
    assert row[:3] == [dt.datetime(2023, 7, 21), 2023, True]
    assert sheet["B2"].number_format == "General"  # a year is not 2.023
    assert row[3] == stamp.astimezone().replace(tzinfo=None) and sheet["D2"].number_format == "dd/mm/yyyy hh:mm"
    assert row[4] == "có ký tự lạ"


def test_sheet_titles_are_made_valid() -> None:
    assert safe_sheet_title("Báo cáo: quý 1/2024?") == "Báo cáo quý 1 2024"
    assert safe_sheet_title("'[]'") == "List"
    assert len(safe_sheet_title("Danh sách cán bộ được đào tạo chuyển giao kỹ thuật")) == 31


def test_write_xlsx_locked_target_is_refused_and_left_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "dang-mo.xlsx"
    target.write_bytes(b"the copy open in Excel")

    def locked(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(HospitalDeskError) as caught:
        write_xlsx(target, "Danh sách", ["Họ và tên"], [["Nguyễn Văn Ân"]])
    assert caught.value.message.startswith(f"Could not save {target}: Permission denied. If the file is open in Excel, close it")
    assert target.read_bytes() == b"the copy open in Excel"
    assert [p.name for p in tmp_path.iterdir()] == ["dang-mo.xlsx"]


def test_write_xlsx_cancelled_from_progress_leaves_nothing(tmp_path: Path) -> None:
    calls: list[int] = []

    def progress(done: int) -> None:
        calls.append(done)
        if done >= 2000:
            raise KeyboardInterrupt  # what a cancel button would raise (any exception)

    with pytest.raises(KeyboardInterrupt):
        write_xlsx(tmp_path / "huy.xlsx", "Danh sách", ["Số"], ([i] for i in range(10_000)), progress=progress)
    assert calls == [1000, 2000]
    assert list(tmp_path.iterdir()) == []


def test_write_xlsx_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HospitalDeskError, match="Could not save .*khong-co.*If the file is open in Excel"):
        write_xlsx(tmp_path / "khong-co" / "a.xlsx", "Danh sách", ["A"], [[1]])


# --- size ----------------------------------------------------------------------------------


def staff_rows(count: int) -> Iterator[list[Any]]:
    for i in range(count):
        yield [
            i + 1,
            f"Nguyễn Thị Ánh Tuyết {i}",
            f"{79_000_000_000 + i:012d}",
            dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            f"09{i:08d}",
            "Bệnh viện Đa khoa tỉnh Sóc Trăng",
            "Hồi sức tích cực",
            12_500_000 + i,
            "Ghi chú: đã hoàn thành khoá đào tạo chuyển giao kỹ thuật",
        ]


STAFF_HEADERS = ["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Điện thoại", "Nơi công tác", "Khoa", "Lương", "Ghi chú"]


@pytest.mark.parametrize("count", [5_000, 10_000])
def test_reading_large_workbooks(tmp_path: Path, count: int) -> None:
    path = write_xlsx(tmp_path / f"{count}.xlsx", "Nhân viên", STAFF_HEADERS, staff_rows(count), {2: "text", 4: "text", 7: "money"})
    started = time.perf_counter()
    table = read_table(path)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        read_table(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nread_table {count} rows x {len(STAFF_HEADERS)} columns ({path.stat().st_size // 1024} KB): "
          f"{elapsed:.2f} s, peak {peak / 1e6:.1f} MB traced")
    assert len(table.rows) == count
    assert table.rows[-1].number == count + 1
    last = count - 1
    assert table.rows[-1].cells[:5] == [
        str(count), f"Nguyễn Thị Ánh Tuyết {last}", f"{79_000_000_000 + last:012d}",
        f"{1 + last % 28:02d}/{1 + last % 12:02d}/{1960 + last % 40}", f"09{last:08d}",
    ]
