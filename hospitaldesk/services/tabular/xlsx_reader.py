"""Excel workbooks (.xlsx, .xlsm) to text rows, streamed with openpyxl's read-only mode.

Every cell comes back as the text a person reads in Excel, so the importers
validate one kind of value whatever the file was:

- dates: dd/mm/yyyy (with " HH:MM" only when the cell holds a time of day too);
- whole numbers, even those Excel stores as floats or shows as 7,91235E+11: all
  their digits ("791234567891"); a number formatted with leading zeros
  ("000000000000") gets them back, as Excel shows it;
- other numbers: plain decimals, never an exponent, at most 15 significant digits
  (Excel's own precision: 0.1 + 0.2 is "0.3");
- booleans (TRUE/FALSE cells): "1" / "0", which forms.clean_value reads as yes/no
  in either language;
- formulas: the value Excel last calculated (a file never opened in Excel after
  its formulas were written by a program has none: those cells read as "").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_date
from hospitaldesk.services.tabular.table import Progress, Table, cell_text, collect

_LEADING_ZEROS_FORMAT = re.compile(r"0{2,}")


def damaged_message(path: Path) -> str:
    return _("{file} is damaged or is not an Excel workbook. Save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again.").format(
        file=path.name
    )


def read_xlsx(path: Path, max_rows: int, progress: Progress | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        # A file object, not the name: openpyxl would refuse a workbook saved under another extension.
        source = path.open("rb")
    except OSError as exc:
        raise HospitalDeskError(_("Could not open {file}: {reason}.").format(file=path.name, reason=exc.strerror or exc)) from exc
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean the same to the user
        source.close()
        raise HospitalDeskError(damaged_message(path)) from exc
    try:
        sheet = next((ws for ws in workbook.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise HospitalDeskError(_("{file} is empty: its first row must hold the column headers.").format(file=path.name))
        # Some programs write a wrong used range ("A1:A1"); read the rows that are really there.
        sheet.reset_dimensions()
        headers, header_row, rows = collect(path, _sheet_rows(sheet), max_rows, progress)
        return Table(headers, rows, header_row=header_row, sheet_name=str(sheet.title))
    except HospitalDeskError:
        raise
    except Exception as exc:
        raise HospitalDeskError(damaged_message(path)) from exc
    finally:
        workbook.close()
        source.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(sheet.iter_rows(), start=1):
        yield number, [_cell(cell) for cell in row]


def _cell(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value, cell.number_format or "")
    return value_text(value)


def number_text(value: int | float, number_format: str = "") -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if not value.is_integer():
            # 15 significant digits, as Excel shows; 'f' never writes an exponent.
            text = format(Decimal(format(value, ".15g")), "f")
            return text.rstrip("0").rstrip(".") if "." in text else text
        value = int(value)
    if _LEADING_ZEROS_FORMAT.fullmatch(number_format):
        width = len(number_format) + (1 if value < 0 else 0)
        return str(value).zfill(width)
    return str(value)


def value_text(value: Any) -> str:
    """Text for the other cell types: booleans, dates, times, durations."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return format_date(value.date())
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return cell_text(str(value))
